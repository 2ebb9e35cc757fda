// The dispatches of one BP-STDP step (Tavanaei & Maida 2019, as the
// reimplementation wilkieolin/BP-STDP src/network.jl runs it), built like
// passes.ts: the weights are fixed within a window, so the forward is
// feed-forward and each layer runs over all T steps after the one below.
//
// One change from the code, for batches: network.jl updates the weights at
// every teacher step of every example; here each step's update is summed over
// the window's teacher steps and the batch's examples and applied once at the
// end (μ keeps its per-example meaning). With μ = 5e-4 and about T/4 teacher
// steps a window, the weights move little within one, so spikes barely differ.
//
// Buffers (BpstdpBatch; [T, rows, n] arrays time-major):
//   X [rows, pixels], labels [rows]   written by gatherBatch
//   S[0]        input spikes (spikeEncode 'poisson', gain inputGain)
//   S[l], I[l-1] spikes of layer l and their currents S[l-1] W_l^T
//   C[l]        spikes in the last ε steps, l = 0 .. L          training only
//   D[l-1]      ξ (output) or δ (hidden) of layer l            training only
//   Z           output spike counts over T [rows, classes]: the votes
//   loss        sum over the window of |ξ| [rows, classes]     training only
// The network's parameters are its layers' W; b, B and the optimiser's
// buffers are unused, and the weights change in bpstdpBackward, not through
// parameterUpdates.
//
// What a trainer runs per training step, in this order (one compute pass):
//   gatherBatch -> bpstdpForward(training) -> bpstdpOutputPass(training: tick)
//   -> bpstdpBackward
// and per evaluation chunk: gatherBatch -> bpstdpForward -> bpstdpOutputPass.
// The forward and the teacher read the clock, which the output pass advances.
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { BPSTDP_DEFAULTS, type BpstdpParams, bpstdpError, bpstdpForward as bpstdpLayer } from '../kernels/bpstdp';
import { matmul } from '../kernels/matmul';
import { spikeCountMetrics } from '../kernels/spike-count-metrics';
import { spikeEncode } from '../kernels/spike-encode';
import type { RateNetwork } from '../layers/network';

export type BpstdpSettings = Omit<BpstdpParams, 'thresholds'> & { thresholds?: number[] };

/** The settings with every layer's threshold: BPSTDP_DEFAULTS.threshold (1) unless given. */
export function bpstdpParams(layers: number, s: Partial<BpstdpSettings> = {}): BpstdpParams {
  const { threshold, ...rest } = BPSTDP_DEFAULTS;
  const p: BpstdpParams = { ...rest, ...s, thresholds: s.thresholds ?? Array.from({ length: layers }, () => threshold) };
  if (p.thresholds.length !== layers) throw new Error(`BP-STDP: ${p.thresholds.length} thresholds for ${layers} layers`);
  if (!Number.isInteger(p.window) || p.window < 1) throw new Error(`BP-STDP: the window ε must be a whole number of steps >= 1 (got ${p.window})`);
  return p;
}

export interface BpstdpBatch {
  rows: number;
  steps: number;
  X: GPUBuffer;
  labels: GPUBuffer;
  /** Index 0 the input, l the layer l. */
  S: GPUBuffer[];
  /** Index l - 1: layer l's currents. */
  I: GPUBuffer[];
  /** Index 0 .. L, training only (empty otherwise). */
  C: GPUBuffer[];
  /** Index l - 1, training only. */
  D: GPUBuffer[];
  Z: GPUBuffer;
  /** Training only (null otherwise). */
  loss: GPUBuffer | null;
}

export function allocateBpstdpBatch(ctx: GpuContext, net: RateNetwork, p: BpstdpParams, rows: number, label: string, training: boolean): BpstdpBatch {
  const r = ctx.buffers;
  const per = (n: number, what: string) => r.storage(`${label}.${what}`, p.steps * rows * n);
  return {
    rows,
    steps: p.steps,
    X: r.storage(`${label}.X`, rows * net.inputSize),
    labels: r.storage(`${label}.labels`, rows),
    S: net.sizes.map((n, l) => per(n, `S${l}`)),
    I: net.layers.map((l) => per(l.nOut, `I${l.index}`)),
    C: training ? net.sizes.map((n, l) => per(n, `C${l}`)) : [],
    D: training ? net.layers.map((l) => per(l.nOut, `D${l.index}`)) : [],
    Z: r.storage(`${label}.Z`, rows * net.classes),
    loss: training ? r.storage(`${label}.loss`, rows * net.classes) : null,
  };
}

export interface BpstdpDraws {
  clock: GPUBuffer;
  seed: number;
  /** The input's noise stream (spikeEncode); the teacher's is stream + 1. */
  stream: number;
}

function training(batch: BpstdpBatch): boolean {
  return batch.C.length > 0;
}

/** Input spikes, then per layer the currents (one matmul over T x rows) and the IF neurons over T; counts when training. */
export async function bpstdpForward(ctx: GpuContext, net: RateNetwork, batch: BpstdpBatch, p: BpstdpParams, draws: BpstdpDraws, label: string): Promise<Dispatch[]> {
  const { rows, steps } = batch;
  const learn = training(batch);
  const out: Promise<Dispatch>[] = [
    spikeEncode(ctx, {
      X: batch.X, S: batch.S[0], clock: draws.clock, rows, n: net.inputSize, steps, encoder: 'poisson',
      gain: p.inputGain, seed: draws.seed, stream: draws.stream, label: `${label}.encode`,
    }),
  ];
  if (learn) {
    out.push(bpstdpLayer(ctx, { rows, neurons: net.inputSize, steps, I: batch.S[0], C: batch.C[0], window: p.window, threshold: 0, relay: true, label: `${label}.input_trace` }));
  }
  for (const layer of net.layers) {
    const l = layer.index;
    out.push(
      matmul(ctx, { M: steps * rows, N: layer.nOut, K: layer.nIn, A: batch.S[l - 1], B: layer.W, C: batch.I[l - 1], transB: true, label: `${label}.current${l}` }),
      bpstdpLayer(ctx, {
        rows, neurons: layer.nOut, steps, I: batch.I[l - 1], S: batch.S[l], C: learn ? batch.C[l] : undefined,
        window: p.window, threshold: p.thresholds[l - 1], label: `${label}.if${l}`,
      }),
    );
  }
  return Promise.all(out);
}

export interface BpstdpOutputPassArgs {
  metrics: GPUBuffer;
  clock: GPUBuffer;
  /** First of the three metric slots (TRAIN_SLOT or TEST_SLOT). */
  slot: number;
  /** Training: the teacher's draws; ξ goes to D[L - 1], and the clock ticks. */
  draws?: BpstdpDraws;
  label: string;
}

/**
 * The output's votes and, when training, the teacher-gated error ξ; then the
 * metrics: correct count of argmax votes, examples, and as the loss the batch's
 * sum of |ξ| (mismatches between the teacher and the output's recent activity
 * on teacher steps; 0 in evaluation).
 */
export async function bpstdpOutputPass(ctx: GpuContext, net: RateNetwork, batch: BpstdpBatch, p: BpstdpParams, a: BpstdpOutputPassArgs): Promise<Dispatch[]> {
  const top = net.layers.length;
  const learn = training(batch);
  if (learn !== (a.draws !== undefined)) throw new Error('bpstdpOutputPass: give the teacher draws exactly for a training batch');
  const teach = a.draws
    ? { labels: batch.labels, clock: a.draws.clock, Xi: batch.D[top - 1], loss: batch.loss!, rate: p.teacherRate, seed: a.draws.seed, stream: a.draws.stream + 1 }
    : undefined;
  return Promise.all([
    bpstdpError(ctx, {
      rows: batch.rows, classes: net.classes, steps: batch.steps, S: batch.S[top], C: learn ? batch.C[top] : undefined, Z: batch.Z,
      teach, label: `${a.label}.error`,
    }),
    spikeCountMetrics(ctx, {
      Z: batch.Z, labels: batch.labels, loss: batch.loss ?? undefined, lossCols: net.classes, metrics: a.metrics, clock: a.clock,
      rows: batch.rows, classes: net.classes, slot: a.slot, tick: learn, label: `${a.label}.metrics`,
    }),
  ]);
}

/**
 * From ξ down, every error first: δ_{l} = (δ_{l+1} W_{l+1}) ⊙ 1[C_l > 0] (the
 * relu gate of the matmul on the counts); then every layer's
 * W_l += μ sum over steps and rows of δ_l^T C_{l-1}, accumulated in place.
 */
export async function bpstdpBackward(ctx: GpuContext, net: RateNetwork, batch: BpstdpBatch, p: BpstdpParams): Promise<Dispatch[]> {
  if (!training(batch)) throw new Error('bpstdpBackward: an evaluation batch has no errors');
  const R = batch.steps * batch.rows;
  const top = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  for (let l = top - 1; l >= 1; l--) {
    const above = net.layers[l];
    out.push(
      matmul(ctx, {
        M: R, N: above.nIn, K: above.nOut, A: batch.D[l], B: above.W, C: batch.D[l - 1],
        epilogue: { kind: 'gate', preact: batch.C[l], act: 'relu' }, label: `bpstdp.delta${l}`,
      }),
    );
  }
  for (const layer of net.layers) {
    const l = layer.index;
    out.push(
      matmul(ctx, {
        M: layer.nOut, N: layer.nIn, K: R, A: batch.D[l - 1], B: batch.C[l - 1], C: layer.W, transA: true,
        alpha: p.mu, epilogue: { kind: 'accumulate', beta: 1 }, label: `bpstdp.update${l}`,
      }),
    );
  }
  return Promise.all(out);
}
