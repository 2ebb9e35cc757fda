// The dispatches of one EMSTDP step (Shrestha et al. 2019, as
// zmeidd/EMSTDP's EMSTDP_python runs it): the input's spikes, the first
// layer's currents for all T (one matmul: the input does not depend on the
// network), the two-phase window of every layer in one kernel (a workgroup
// per example walks the steps, see emstdp_window.wgsl for why), then one
// weight update per layer. Everything stays on the GPU; nothing is read back.
//
// Buffers:
//   EmstdpNet (once per network)
//     Wp     W_2 .. W_L packed, the copy the window kernel reads; the updates
//            write it together with each layer.W
//     Fp     B_2 .. B_L packed ('backward', 'direct'), fixed; null under 'transpose'
//     m[l-1] RMSprop's mean of g^2 per layer, starting at 1 as in the code
//   EmstdpBatch (per batch size)
//     X [rows, pixels], labels [rows]   written by gatherBatch
//     input [T, rows, pixels]           spikes; inputPre [rows, pixels] their phase-1 counts
//     I [T, rows, n_1]                  W_1 x[t]
//     state                             EMSTDP_FIELDS x rows x N window state (counts for the update)
//     Z [rows, classes]                 output votes; loss [rows] output error spikes
// The network's parameters are its layers' W (and B for the feedback); b and
// the optimiser's buffers are unused, and the weights change in emstdpUpdates,
// not through parameterUpdates. Write layer.W from outside only through
// createEmstdp again, or Wp goes stale.
//
// What a trainer runs per training step, in this order (one compute pass):
//   gatherBatch -> emstdpForward(training) -> emstdpMetricsPass(tick) -> emstdpUpdates
// and per evaluation chunk: gatherBatch -> emstdpForward -> emstdpMetricsPass.
// The encoder reads the clock, which the metrics pass advances.
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import {
  EMSTDP_FIELDS,
  type EmstdpFeedback,
  type EmstdpLayerParams,
  type EmstdpLayout,
  emstdpEncode,
  emstdpLayout,
  emstdpUpdate,
  emstdpWindow,
  emstdpWindows,
} from '../kernels/emstdp';
import { matmul } from '../kernels/matmul';
import { spikeCountMetrics } from '../kernels/spike-count-metrics';
import type { LayerInit } from '../layers/init';
import type { RateNetwork } from '../layers/network';

export interface EmstdpSettings {
  /** T; phases of twin = floor(T / 2) - 1 steps. */
  steps: number;
  feedback: EmstdpFeedback;
  /** Output error-spike threshold ε. */
  epsilon: number;
  /** Error-spike injection into the membrane, in thresholds. */
  scale: number;
  /** The phase-1 activity gate on hidden error spikes; absent = on, except under 'direct' (as the code). */
  gate?: boolean;
  lr: number;
  clip: number;
  /** thr_ratio_h and thr_ratio_o of the thresholds (see emstdpThresholds). */
  hiddenRatio: number;
  outputRatio: number;
  /** Multiplies the intensities before the comparison with r_t. */
  inputGain: number;
}

/**
 * EMSTDP_main.py's: T 100, ε 3, scale 1, clip 1, thr_ratio_h 0.5, thr_ratio_o
 * 0.1, symmetric feedback, lr 1e-4 (its first-epoch 1 / (2 (5000 + 0))). That
 * lr is for runs of many epochs: on a few hundred examples it barely moves
 * (784-64-10, T 40: 12% after 512 examples, against 63% at lr 3e-3).
 */
export const DEFAULT_EMSTDP: EmstdpSettings = {
  steps: 100,
  feedback: 'transpose',
  epsilon: 3,
  scale: 1,
  lr: 1e-4,
  clip: 1,
  hiddenRatio: 0.5,
  outputRatio: 0.1,
  inputGain: 1,
};

function rms(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s / Math.max(1, a.length));
}

/**
 * The code's Init_Threshold with its weight scale measured, not assumed: with
 * σ the RMS of the initial matrix, H hidden layers and fan-in n,
 *   hidden l   θ_l  = thr_h n_{l-1} σ(W_l) / 2 / (H + 2 - l)
 *   output     θ_L  = thr_o n_{L-1} σ(W_L) / 2
 *   errors     θe_l = thr_h n_src σ(F) / 2 / (l + 1), F = W_{l+1} (transpose) or B_{l+1},
 *              n_src = n_{l+1} (or the classes under 'direct')
 * (the code's n sqrt(3/n) / 2 is n σ / 2 for its init of std sqrt(3/n)).
 */
export function emstdpLayerParams(init: readonly LayerInit[], s: EmstdpSettings): EmstdpLayerParams {
  const L = init.length;
  const H = L - 1;
  const classes = init[L - 1].nOut;
  const thresholds = init.map((layer, i) => {
    const l = i + 1;
    const base = (layer.nIn * rms(layer.W)) / 2;
    return l < L ? (s.hiddenRatio * base) / (H + 2 - l) : s.outputRatio * base;
  });
  const errorThresholds = init.slice(1).map((above, i) => {
    const l = i + 1;
    const F = s.feedback === 'transpose' ? above.W : above.B;
    if (!F) throw new Error(`EMSTDP: '${s.feedback}' feedback needs layer ${l + 1}'s B`);
    const nSrc = s.feedback === 'direct' ? classes : above.nOut;
    return (s.hiddenRatio * nSrc * rms(F)) / 2 / (l + 1);
  });
  emstdpWindows(s.steps);
  return {
    steps: s.steps, thresholds, errorThresholds, inject: thresholds.map((t) => s.scale * t), epsilon: s.epsilon,
    gate: s.gate ?? s.feedback !== 'direct', lr: s.lr, clip: s.clip,
  };
}

export interface EmstdpNet {
  settings: EmstdpSettings;
  params: EmstdpLayerParams;
  layout: EmstdpLayout;
  Wp: GPUBuffer;
  Fp: GPUBuffer | null;
  m: GPUBuffer[];
}

/**
 * The rule's per-network state: thresholds from the initial parameters
 * `init` (those `net` was created from), the packed copies of W_2.. and B_2..
 * (copied on the GPU from the net, submitted at once) and RMSprop's m = 1.
 */
export function createEmstdp(ctx: GpuContext, net: RateNetwork, init: readonly LayerInit[], settings: EmstdpSettings): EmstdpNet {
  const layout = emstdpLayout(net.sizes, settings.feedback);
  const params = emstdpLayerParams(init, settings);
  const r = ctx.buffers;
  const Wp = r.storage('emstdp.Wp', layout.wFloats);
  const Fp = settings.feedback === 'transpose' ? null : r.storage('emstdp.Fp', layout.fFloats);
  const encoder = ctx.device.createCommandEncoder({ label: 'emstdp.pack' });
  const L = net.layers.length;
  for (let l = 2; l <= L; l++) {
    const layer = net.layers[l - 1];
    encoder.copyBufferToBuffer(layer.W, 0, Wp, 4 * layout.packedW[l - 1], 4 * layer.nOut * layer.nIn);
    if (Fp) {
      if (!layer.B) throw new Error(`EMSTDP: '${settings.feedback}' feedback needs layer ${l}'s B`);
      encoder.copyBufferToBuffer(layer.B, 0, Fp, 4 * layout.packedF[l - 2], 4 * layer.nIn * layer.feedbackCols);
    }
  }
  ctx.device.queue.submit([encoder.finish()]);
  const m = net.layers.map((l) => r.createWithData(`emstdp.m${l.index}`, new Float32Array(l.nOut * l.nIn).fill(1)));
  return { settings, params, layout, Wp, Fp, m };
}

export interface EmstdpBatch {
  rows: number;
  steps: number;
  X: GPUBuffer;
  labels: GPUBuffer;
  input: GPUBuffer;
  inputPre: GPUBuffer;
  I: GPUBuffer;
  state: GPUBuffer;
  Z: GPUBuffer;
  loss: GPUBuffer;
}

export function allocateEmstdpBatch(ctx: GpuContext, net: RateNetwork, e: EmstdpNet, rows: number, label: string): EmstdpBatch {
  const r = ctx.buffers;
  const T = e.params.steps;
  return {
    rows,
    steps: T,
    X: r.storage(`${label}.X`, rows * net.inputSize),
    labels: r.storage(`${label}.labels`, rows),
    input: r.storage(`${label}.input`, T * rows * net.inputSize),
    inputPre: r.storage(`${label}.inputPre`, rows * net.inputSize),
    I: r.storage(`${label}.I`, T * rows * net.layers[0].nOut),
    state: r.storage(`${label}.state`, EMSTDP_FIELDS * rows * e.layout.neurons),
    Z: r.storage(`${label}.Z`, rows * net.classes),
    loss: r.storage(`${label}.loss`, rows),
  };
}

export interface EmstdpForwardArgs {
  /** Two phases with error spikes (and labels); otherwise phase 1's dynamics over all T. */
  training: boolean;
  clock: GPUBuffer;
  seed: number;
  stream: number;
  label: string;
}

/** Input spikes, the first layer's currents over all T, and the window of every layer. */
export async function emstdpForward(ctx: GpuContext, net: RateNetwork, e: EmstdpNet, batch: EmstdpBatch, a: EmstdpForwardArgs): Promise<Dispatch[]> {
  const { rows, steps } = batch;
  const first = net.layers[0];
  return Promise.all([
    emstdpEncode(ctx, {
      X: batch.X, clock: a.clock, S: batch.input, pre: batch.inputPre, rows, n: net.inputSize, steps,
      gain: e.settings.inputGain, seed: a.seed, stream: a.stream, label: `${a.label}.encode`,
    }),
    matmul(ctx, { M: steps * rows, N: first.nOut, K: first.nIn, A: batch.input, B: first.W, C: batch.I, transB: true, label: `${a.label}.current1` }),
    emstdpWindow(ctx, {
      layout: e.layout, params: e.params, rows, I: batch.I, Wp: e.Wp, Fp: e.Fp ?? undefined, labels: a.training ? batch.labels : undefined,
      state: batch.state, Z: batch.Z, loss: batch.loss, training: a.training, label: `${a.label}.window`,
    }),
  ]);
}

export interface EmstdpMetricsPassArgs {
  metrics: GPUBuffer;
  clock: GPUBuffer;
  /** First of the three metric slots (TRAIN_SLOT or TEST_SLOT). */
  slot: number;
  /** Training steps advance the clock. */
  tick: boolean;
  label: string;
}

/**
 * Correct count of the argmax of output spike counts (over phase 1 when
 * training, as the code predicts; over all T in evaluation), examples, and
 * as the loss the batch's output error spikes: 0 when the output already
 * fires as the error network asks, none in evaluation.
 */
export async function emstdpMetricsPass(ctx: GpuContext, net: RateNetwork, batch: EmstdpBatch, a: EmstdpMetricsPassArgs): Promise<Dispatch> {
  return spikeCountMetrics(ctx, {
    Z: batch.Z, labels: batch.labels, loss: batch.loss, lossCols: 1, metrics: a.metrics, clock: a.clock,
    rows: batch.rows, classes: net.classes, slot: a.slot, tick: a.tick, label: a.label,
  });
}

/** Every layer's end-of-window update; layers after the first also refresh their packed copy. */
export async function emstdpUpdates(ctx: GpuContext, net: RateNetwork, e: EmstdpNet, batch: EmstdpBatch): Promise<Dispatch[]> {
  return Promise.all(
    net.layers.map((layer) =>
      emstdpUpdate(ctx, {
        layout: e.layout, params: e.params, rows: batch.rows, l: layer.index, inputPre: batch.inputPre, state: batch.state,
        W: layer.W, m: e.m[layer.index - 1], Wp: layer.index > 1 ? e.Wp : undefined, label: `emstdp.update${layer.index}`,
      }),
    ),
  );
}
