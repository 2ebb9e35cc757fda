// Float64 reference of a spiking network's prediction as the inspectors make
// it (inspect/spiking-forward.ts, the trainer's evaluation passes): encode,
// then per layer I = S_{l-1} W^T and T steps of the neuron, then the scores
// the accuracy takes the argmax of. Rows are encoded in chunks, as the GPU
// does, since a Poisson draw is keyed by its element's place in its chunk.
import type { SpikingConfig } from '../spiking/config';
import { layerNeuron } from '../spiking/config';
import { epropParams, tsslParams } from '../spiking/step-program';
import { epropReadoutRef } from './eprop';
import { lifForwardRef } from './lif';
import { matmulRef } from './matmul';
import { spikeEncodeRef } from './spike-encode';
import { spikeReadoutRef } from './spike-readout';
import { tsslLayerForwardRef, tsslPspRef } from './tssl';

export interface SpikingRefLayer {
  nIn: number;
  nOut: number;
  W: ArrayLike<number>;
  b: ArrayLike<number>;
}

export interface SpikingScoresRefArgs {
  layers: readonly SpikingRefLayer[];
  config: SpikingConfig;
  /** Intensities in [0, 1], rows x inputs. */
  X: ArrayLike<number>;
  rows: number;
  /** Rows per encoding chunk. */
  chunkRows: number;
  /** The Poisson draws' seed, clock and stream. */
  seed: number;
  clock: number;
  stream: number;
}

/** rows x classes scores: the readout Z (surrogate rules, e-prop) or sum_t of the output PSP (TSSL-BP). */
export function spikingScoresRef(a: SpikingScoresRefArgs): Float64Array {
  const inputs = a.layers[0].nIn;
  const classes = a.layers[a.layers.length - 1].nOut;
  const out = new Float64Array(a.rows * classes);
  for (let offset = 0; offset < a.rows; offset += a.chunkRows) {
    const rows = Math.min(a.chunkRows, a.rows - offset);
    const X = Array.prototype.slice.call(a.X, offset * inputs, (offset + rows) * inputs) as number[];
    out.set(chunkScores(a, X, rows), offset * classes);
  }
  return out;
}

function chunkScores(a: SpikingScoresRefArgs, X: ArrayLike<number>, rows: number): Float64Array {
  const c = a.config;
  const T = c.steps;
  const inputs = a.layers[0].nIn;
  const current = (layer: SpikingRefLayer, input: ArrayLike<number>) =>
    matmulRef({ M: T * rows, N: layer.nOut, K: layer.nIn, A: input, B: layer.W, transB: true }).C;
  const encode = () => spikeEncodeRef({ X, rows, n: inputs, steps: T, encoder: c.encoder, gain: c.encoderGain, seed: a.seed, clock: a.clock, stream: a.stream });

  if (c.rule === 'tssl-bp') {
    const p = tsslParams(c);
    const spikes = p.input === 'spikes';
    let below: ArrayLike<number> = tsslPspRef({ rows, neurons: inputs, steps: T }, spikes ? encode() : X, spikes ? 'train' : 'static', p.tauS);
    for (const layer of a.layers) below = tsslLayerForwardRef({ rows, neurons: layer.nOut, steps: T }, current(layer, below), p, p.bias ? layer.b : undefined).A;
    return sumOverSteps(below, T, rows * a.layers[a.layers.length - 1].nOut);
  }

  let below: ArrayLike<number> = encode();
  const top = a.layers.length;
  for (const [i, layer] of a.layers.entries()) {
    const I = current(layer, below);
    if (c.rule === 'eprop' && i === top - 1) {
      const labels = new Uint32Array(rows);
      return epropReadoutRef({ I, bias: layer.b, labels, rows, classes: layer.nOut, steps: T, kappa: epropParams(c).kappa, scale: 1 }).Z;
    }
    const { U, S } = lifForwardRef({ rows, neurons: layer.nOut, steps: T }, I, layer.b, layerNeuron(c, i + 1));
    if (i === top - 1) {
      // MSE compares rates (count / T); cross-entropy takes raw counts as logits.
      const scale = c.loss === 'mse' ? 1 / T : 1;
      return spikeReadoutRef({ rows, classes: layer.nOut, steps: T, readout: c.readout, scale }, S, U).Z;
    }
    below = S;
  }
  throw new Error('unreachable: a network has an output layer');
}

/** out[k] = sum_t X[t * per + k]. */
function sumOverSteps(X: ArrayLike<number>, steps: number, per: number): Float64Array {
  const out = new Float64Array(per);
  for (let t = 0; t < steps; t++) for (let k = 0; k < per; k++) out[k] += X[t * per + k];
  return out;
}
