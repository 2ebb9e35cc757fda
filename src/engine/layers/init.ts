import type { Activation } from '../kernels/activation';
import { Rng } from '../rng';
import type { Feedback } from '../rules/rule';
import type { Init } from '../training/config';

/** Initial values of one dense layer; W is nOut x nIn, B is nIn x feedbackCols. */
export interface LayerInit {
  nIn: number;
  nOut: number;
  W: Float32Array;
  b: Float32Array;
  B: Float32Array | null;
  /** Sign-symmetry scale: B = kappa sign(W)^T. */
  kappa: number;
}

const RELU_LIKE: readonly Activation[] = ['relu', 'softplus'];

/** Std of a layer's initial weights: Kaiming (He) for ReLU-like units, Xavier (Glorot) otherwise. */
export function initStd(init: Init, act: Activation, fanIn: number, fanOut: number): number {
  const kaiming = init === 'kaiming' || (init === 'auto' && RELU_LIKE.includes(act));
  return kaiming ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
}

/**
 * Seeded initial parameters. W and B draw from separate streams, so the same
 * seed gives the same W whichever rule is chosen (the rules race from one start).
 * Kaiming is normal, Xavier uniform with the same std; biases start at zero.
 */
export function initialParameters(
  sizes: readonly number[],
  act: Activation,
  init: Init,
  feedback: Feedback,
  seed: number,
): LayerInit[] {
  const root = new Rng(seed);
  const wRng = root.fork(1);
  const bRng = root.fork(2);
  const classes = sizes[sizes.length - 1];
  const layers: LayerInit[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    // The layer's own units feed `act` except the output layer, which is linear.
    const std = initStd(init, l === sizes.length - 1 ? 'identity' : act, nIn, nOut);
    const kaiming = init === 'kaiming' || (init === 'auto' && RELU_LIKE.includes(act) && l < sizes.length - 1);
    const draw = (rng: Rng, n: number, s: number) => {
      const out = new Float32Array(n);
      const limit = Math.sqrt(3) * s;
      for (let i = 0; i < n; i++) out[i] = kaiming ? s * rng.normal() : limit * (2 * rng.uniform() - 1);
      return out;
    };
    const W = draw(wRng, nOut * nIn, std);
    let B: Float32Array | null = null;
    if (feedback === 'backward') B = draw(bRng, nIn * nOut, std);
    if (feedback === 'direct') B = draw(bRng, nIn * classes, initStd(init, 'identity', classes, nIn));
    if (feedback === 'sign') B = new Float32Array(nIn * nOut);
    layers.push({ nIn, nOut, W, b: new Float32Array(nOut), B, kappa: std });
  }
  return layers;
}
