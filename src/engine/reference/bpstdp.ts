// Float64 references of bpstdp_forward.wgsl and bpstdp_error.wgsl and of the
// matmuls the BP-STDP passes build around them: one teacher-driven window
// (Tavanaei & Maida 2019, as wilkieolin/BP-STDP's src/network.jl runs it)
// for a batch, as the plain loop over t, layers and neurons. Weights are
// fixed during the window and the summed update lands at its end (see
// bpstdp-passes.ts), so with dyadic weights every membrane and error sum is
// exact in f32 too and the GPU's spikes match these bit for bit.
import type { BpstdpParams } from '../kernels/bpstdp';
import { clockStream, uniform } from './random';

export interface BpstdpTeacherRefArgs {
  rows: number;
  steps: number;
  rate: number;
  seed?: number;
  stream?: number;
  clock?: number;
}

/** 1 where example r's teacher fires at step t, [T, rows]: only the label's neuron has a teacher. */
export function bpstdpTeacherRef(a: BpstdpTeacherRefArgs): Float64Array {
  const out = new Float64Array(a.steps * a.rows);
  const rate = Math.fround(a.rate);
  for (let k = 0; k < out.length; k++) out[k] = uniform(a.seed ?? 0, clockStream(a.clock ?? 0, a.stream ?? 0), k) < rate ? 1 : 0;
  return out;
}

/** Per layer l (index l), all [T, rows, n_l]; index 0 is the input. */
export interface BpstdpWindowRef {
  S: Float64Array[];
  /** Spikes in the last ε steps, t included. */
  C: Float64Array[];
  /** Errors of layers 1..L (index l - 1): ξ at the output, δ below; zero off teacher steps. */
  delta: Float64Array[];
  /** Output spike counts over T [rows, classes]. */
  Z: Float64Array;
  /** Sum over the window of |ξ| [rows, classes]: the loss proxy. */
  loss: Float64Array;
}

/**
 * Integrate-and-fire layer by layer within each step (layer l reads layer
 * l-1's spikes of the same step, as network.jl's update! does), then the
 * errors of every teacher step: ξ_k = z_k - 1[k active], δ_h = (W^T ξ)_h 1[h active].
 */
export function bpstdpWindowRef(
  sizes: readonly number[],
  W: ArrayLike<number>[],
  p: BpstdpParams,
  input: ArrayLike<number>,
  labels: ArrayLike<number>,
  teacher: ArrayLike<number>,
  rows: number,
): BpstdpWindowRef {
  const L = sizes.length - 1;
  const T = p.steps;
  const per = (l: number) => new Float64Array(T * rows * sizes[l]);
  const S = sizes.map((_, l) => (l === 0 ? Float64Array.from(input) : per(l)));
  for (let l = 1; l <= L; l++) {
    const n = sizes[l];
    const nIn = sizes[l - 1];
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        let u = 0;
        for (let t = 0; t < T; t++) {
          const below = (t * rows + r) * nIn;
          for (let i = 0; i < nIn; i++) u += W[l - 1][j * nIn + i] * S[l - 1][below + i];
          const spike = u >= p.thresholds[l - 1] ? 1 : 0;
          if (spike) u = 0;
          S[l][(t * rows + r) * n + j] = spike;
        }
      }
    }
  }
  const C = S.map((s, l) => {
    const n = sizes[l];
    const c = new Float64Array(s.length);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < rows * n; k++) {
        for (let back = 0; back < p.window && back <= t; back++) c[t * rows * n + k] += s[(t - back) * rows * n + k];
      }
    }
    return c;
  });
  const classes = sizes[L];
  const delta = sizes.slice(1).map((_, l) => per(l + 1));
  const Z = new Float64Array(rows * classes);
  const loss = new Float64Array(rows * classes);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < classes; k++) {
        const i = (t * rows + r) * classes + k;
        Z[r * classes + k] += S[L][i];
        if (teacher[t * rows + r] === 0) continue;
        const xi = (k === labels[r] ? 1 : 0) - (C[L][i] > 0 ? 1 : 0);
        delta[L - 1][i] = xi;
        loss[r * classes + k] += Math.abs(xi);
      }
    }
  }
  for (let l = L - 1; l >= 1; l--) {
    const n = sizes[l];
    const nUp = sizes[l + 1];
    for (let row = 0; row < T * rows; row++) {
      for (let j = 0; j < n; j++) {
        if (C[l][row * n + j] === 0) continue;
        let d = 0;
        for (let k = 0; k < nUp; k++) d += W[l][k * n + j] * delta[l][row * nUp + k];
        delta[l - 1][row * n + j] = d;
      }
    }
  }
  return { S, C, delta, Z, loss };
}

/** W_l += μ sum over steps and rows of δ_l^T C_{l-1}: every teacher step's update of every example, applied at once. */
export function bpstdpUpdateRef(sizes: readonly number[], W: Float64Array[], p: BpstdpParams, win: BpstdpWindowRef, rows: number): void {
  for (let l = 1; l < sizes.length; l++) {
    const n = sizes[l];
    const nIn = sizes[l - 1];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < nIn; i++) {
        let g = 0;
        for (let row = 0; row < p.steps * rows; row++) g += win.delta[l - 1][row * n + j] * win.C[l - 1][row * nIn + i];
        W[l - 1][j * nIn + i] += p.mu * g;
      }
    }
  }
}
