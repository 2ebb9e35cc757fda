// Reference of optimizer.wgsl: one SGD / momentum / Adam step with coupled
// weight decay, decoupled decay, an optional Kolen-Pollack twin, noise and a
// trained B's regulariser terms, at
// the learning rate the schedule gives the step the clock names.
import { lrFactorAt, type OptimizerSettings } from '../kernels/optimizer';
import { clockStream, gaussian } from './random';

export interface OptimizerState {
  /** rows x cols parameter. */
  P: Float64Array;
  /** First moment (momentum, Adam). */
  M: Float64Array;
  /** Second moment (Adam). */
  V: Float64Array;
  /** cols x rows transposed twin (tied only). */
  T?: Float64Array;
}

/** Applies one step in place to `state`, at step `clock` (Adam's t, and the noise key). */
export function optimizerStepRef(
  state: OptimizerState,
  G: ArrayLike<number>,
  a: {
    rows: number;
    cols: number;
    settings: OptimizerSettings;
    clock: number;
    seed: number;
    stream: number;
    /** Added to the gradient: p P + w S^T, S cols x rows. */
    regularizer?: { p: number; w: number; S: ArrayLike<number> };
    /** False: G is not read (the regulariser is the whole gradient). */
    readGrad?: boolean;
  },
): void {
  const s = a.settings;
  const { P, M, V, T } = state;
  const n = a.rows * a.cols;
  // The kernel treats clock 0 as step 1 so the bias correction never divides by 0.
  const t = Math.max(a.clock, 1);
  // The clock already counts this step: step t - 1, 0-based.
  const lr = s.lr * lrFactorAt(t - 1, s.schedule);
  const keep = 1 - lr * s.decay;
  const stream = clockStream(a.clock, a.stream);
  const r = a.regularizer;
  const transposed = (i: number) => (i % a.cols) * a.rows + Math.floor(i / a.cols);
  for (let i = 0; i < n; i++) {
    let g = (a.readGrad === false ? 0 : G[i]) + s.weightDecay * P[i];
    if (r) g += r.p * P[i] + r.w * r.S[transposed(i)];
    let u: number;
    if (s.method === 'momentum') {
      M[i] = s.mu * M[i] + g;
      u = -lr * M[i];
    } else if (s.method === 'adam') {
      M[i] = s.beta1 * M[i] + (1 - s.beta1) * g;
      V[i] = s.beta2 * V[i] + (1 - s.beta2) * g * g;
      const mHat = M[i] / (1 - Math.pow(s.beta1, t));
      const vHat = V[i] / (1 - Math.pow(s.beta2, t));
      u = -lr * mHat / (Math.sqrt(vHat) + s.eps);
    } else {
      u = -lr * g;
    }
    const noise = s.noiseStd > 0 ? lr * s.noiseStd * gaussian(a.seed, stream, i) : 0;
    P[i] = keep * P[i] + u;
    if (T) {
      // P[r, c] pairs with T[c, r]: the same update, and the noise goes to the twin.
      const j = transposed(i);
      T[j] = keep * T[j] + u + noise;
    } else {
      P[i] += noise;
    }
  }
}
