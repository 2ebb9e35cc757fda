// Float64 references of emstdp_encode.wgsl, emstdp_window.wgsl and
// emstdp_update.wgsl: one EMSTDP window (Shrestha et al. 2019) for a batch,
// written as the plain loop over t, layers and neurons that
// EMSTDP_python/EMSTDP_algo.py runs. With dyadic weights and thresholds every
// membrane and error sum is exact in f32 too, so the GPU's spikes match these
// bit for bit; only the final weight update rounds.
import { type EmstdpFeedback, type EmstdpLayerParams, emstdpWindows } from '../kernels/emstdp';
import { clockStream, uniform } from './random';

export interface EmstdpEncodeRefArgs {
  /** Intensities [rows, n]. */
  X: ArrayLike<number>;
  rows: number;
  n: number;
  steps: number;
  gain?: number;
  seed?: number;
  stream?: number;
  clock?: number;
}

/** The draw r_t of example `row` at step t, shared by all its pixels. */
export function emstdpDraw(a: Pick<EmstdpEncodeRefArgs, 'rows' | 'seed' | 'stream' | 'clock'>, t: number, row: number): number {
  return uniform(a.seed ?? 0, clockStream(a.clock ?? 0, a.stream ?? 0), t * a.rows + row);
}

/** Input spikes S [T, rows, n] (pixel i fires when r_t < x_i) and their count in the update's phase-1 window [rows, n]. */
export function emstdpEncodeRef(a: EmstdpEncodeRefArgs): { S: Float64Array; pre: Float64Array } {
  const per = a.rows * a.n;
  const S = new Float64Array(a.steps * per);
  const pre = new Float64Array(per);
  const w = emstdpWindows(a.steps);
  const gain = Math.fround(a.gain ?? 1);
  for (let t = 0; t < a.steps; t++) {
    for (let r = 0; r < a.rows; r++) {
      const u = emstdpDraw(a, t, r);
      for (let i = 0; i < a.n; i++) {
        const x = Math.min(Math.max(Math.fround(a.X[r * a.n + i]), 0), 1);
        const s = u < Math.min(Math.max(Math.fround(gain * x), 0), 1) ? 1 : 0;
        S[(t * a.rows + r) * a.n + i] = s;
        if (t >= w.pre[0] && t < w.pre[1]) pre[r * a.n + i] += s;
      }
    }
  }
  return { S, pre };
}

/** A network's EMSTDP state: W[l - 1] is n_l x n_{l-1}, m the RMSprop average of each. */
export interface EmstdpRefNet {
  sizes: readonly number[];
  W: Float64Array[];
  m: Float64Array[];
  feedback: EmstdpFeedback;
  /**
   * B[l - 1] for l >= 2, the error path into hidden layer l - 1: n_{l-1} x n_l
   * ('backward') or n_{l-1} x classes ('direct'); unused under 'transpose'.
   */
  B: Array<ArrayLike<number> | null>;
}

/** Per-neuron counts of one window, each [rows, n_l] per layer (index l - 1). */
export interface EmstdpWindowRef {
  /** Spikes in [0, twin): the derivative gate, and the training prediction. */
  gate: Float64Array[];
  /** Spikes in the update's phase-1 window [T - 2 twin, T - twin). */
  pre: Float64Array[];
  /** Spikes in phase 2's window [T - twin, T). */
  post: Float64Array[];
  /** Spikes over all T. */
  total: Float64Array[];
  /** Error spikes emitted (|ŝ| summed over the window). */
  errors: Float64Array[];
  /** Output counts [rows, classes]: gate (training) or total (evaluation). */
  Z: Float64Array;
  /** Output error spikes per example [rows]: the loss proxy. */
  loss: Float64Array;
}

/**
 * Runs steps 1 .. T-1 of every example (step 0 is the all-zero start, as in the
 * code). Every update at step t reads the other neurons' state of step t-1:
 * forward spikes come up one layer per step and error spikes go down one
 * layer per step. `training` false runs phase 1's dynamics over all T.
 */
export function emstdpWindowRef(
  net: EmstdpRefNet,
  p: EmstdpLayerParams,
  input: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  training: boolean,
): EmstdpWindowRef {
  const L = net.sizes.length - 1;
  const n = net.sizes;
  const T = p.steps;
  const w = emstdpWindows(T);
  const classes = n[L];
  const layerArrays = () => Array.from({ length: L }, (_, l) => new Float64Array(rows * n[l + 1]));
  const out: EmstdpWindowRef = {
    gate: layerArrays(), pre: layerArrays(), post: layerArrays(), total: layerArrays(), errors: layerArrays(),
    Z: new Float64Array(rows * classes), loss: new Float64Array(rows),
  };
  for (let r = 0; r < rows; r++) {
    const U = layerArrays().map((a) => a.subarray(0, a.length / rows));
    const E = U.map((a) => new Float64Array(a.length));
    let S = U.map((a) => new Float64Array(a.length));
    let Ehat = U.map((a) => new Float64Array(a.length));
    for (let t = 1; t < T; t++) {
      const S2 = U.map((a) => new Float64Array(a.length));
      const Ehat2 = U.map((a) => new Float64Array(a.length));
      for (let l = 1; l <= L; l++) {
        const W = net.W[l - 1];
        const nIn = n[l - 1];
        for (let j = 0; j < n[l]; j++) {
          let drive = 0;
          for (let i = 0; i < nIn; i++) {
            const s = l === 1 ? input[((t - 1) * rows + r) * nIn + i] : S[l - 2][i];
            drive += W[j * nIn + i] * s;
          }
          let u = U[l - 1][j] + drive;
          const spike = u >= p.thresholds[l - 1] ? 1 : 0;
          if (spike) u = 0;
          S2[l - 1][j] = spike;
          const k = r * n[l] + j;
          if (t < w.gate[1]) out.gate[l - 1][k] += spike;
          if (t >= w.pre[0] && t < w.pre[1]) out.pre[l - 1][k] += spike;
          if (t >= w.post[0]) out.post[l - 1][k] += spike;
          out.total[l - 1][k] += spike;
          let e = 0;
          if (training && t >= w.errorFrom) {
            let acc = E[l - 1][j];
            let bound: number;
            if (l === L) {
              // The label's neuron gains 1 per silent step; every other neuron loses 1 per spike.
              const prev = S[L - 1][j];
              acc += j === labels[r] ? (prev === 0 ? 1 : 0) : prev === 1 ? -1 : 0;
              bound = p.epsilon;
            } else {
              const src = net.feedback === 'direct' ? L : l + 1;
              const nSrc = n[src];
              for (let q = 0; q < nSrc; q++) {
                const f = net.feedback === 'transpose' ? net.W[l][q * n[l] + j] : net.B[l]![j * nSrc + q];
                acc += f * Ehat[src - 1][q];
              }
              bound = p.errorThresholds[l - 1];
            }
            e = acc >= bound ? 1 : acc <= -bound ? -1 : 0;
            if (e !== 0) acc = 0;
            if (l < L && p.gate && out.gate[l - 1][k] === 0) e = 0;
            E[l - 1][j] = acc;
            // The previous step's error spike moves the membrane after this step's reset.
            u += p.inject[l - 1] * Ehat[l - 1][j];
          }
          Ehat2[l - 1][j] = e;
          out.errors[l - 1][k] += Math.abs(e);
          U[l - 1][j] = u;
        }
      }
      S = S2;
      Ehat = Ehat2;
    }
    for (let c = 0; c < classes; c++) {
      const k = r * classes + c;
      out.Z[k] = training ? out.gate[L - 1][k] : out.total[L - 1][k];
      out.loss[r] += out.errors[L - 1][k];
    }
  }
  return out;
}

/**
 * The update at the end of the window, per layer:
 * g = sum over rows of n_pre (phase 1) (n_post (phase 2) - n_post (phase 1)) / (twin rows),
 * m = 0.9 m + 0.1 g^2, W += lr g / sqrt(m + 1e-8), then W clipped to [-clip, clip].
 */
export function emstdpUpdateRef(net: EmstdpRefNet, p: EmstdpLayerParams, win: EmstdpWindowRef, inputPre: ArrayLike<number>, rows: number): void {
  const { twin } = emstdpWindows(p.steps);
  for (let l = 1; l < net.sizes.length; l++) {
    const nIn = net.sizes[l - 1];
    const nOut = net.sizes[l];
    const W = net.W[l - 1];
    const m = net.m[l - 1];
    for (let j = 0; j < nOut; j++) {
      for (let i = 0; i < nIn; i++) {
        let g = 0;
        for (let r = 0; r < rows; r++) {
          const pre = l === 1 ? inputPre[r * nIn + i] : win.pre[l - 2][r * nIn + i];
          g += pre * (win.post[l - 1][r * nOut + j] - win.pre[l - 1][r * nOut + j]);
        }
        g /= twin * rows;
        const k = j * nIn + i;
        m[k] = 0.9 * m[k] + 0.1 * g * g;
        W[k] = Math.min(Math.max(W[k] + (p.lr * g) / Math.sqrt(m[k] + 1e-8), -p.clip), p.clip);
      }
    }
  }
}
