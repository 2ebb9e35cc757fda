// The dispatches of one spiking step. Layers run one after another, each over
// all T steps at once: a feed-forward network has no path from a layer back to
// an earlier one within a step, so layer l's whole spike train can be computed
// before layer l+1 reads it. Memory is O(T x batch x neurons) per layer.
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { columnSum } from '../kernels/column-sum';
import { lifBackward, lifForward } from '../kernels/lif';
import { matmul } from '../kernels/matmul';
import { spikeCompact, spikePropagate } from '../kernels/spike-propagation';
import { readoutGradWrt, spikeReadout, spikeReadoutGrad } from '../kernels/spike-readout';
import { transposeCombine } from '../kernels/transpose-combine';
import type { DenseLayer, RateNetwork } from '../layers/network';
import type { Feedback } from '../rules/rule';
import { type SpikingConfig, layerNeuron } from './config';

/** Per-batch-size buffers of a spiking network; every [T, rows, n] array is time-major. */
export interface SpikeBatch {
  rows: number;
  steps: number;
  /** Gathered intensities [rows, pixels] and labels. */
  X: GPUBuffer;
  labels: GPUBuffer;
  /** Encoded input [T, rows, pixels]. */
  input: GPUBuffer;
  /** Per layer: input currents I, membrane U, spikes S, adaptive thresholds A (or null). */
  I: GPUBuffer[];
  U: GPUBuffer[];
  S: GPUBuffer[];
  A: Array<GPUBuffer | null>;
  /** Per layer, training only: dL/dS (dL/dU for a membrane readout) and dL/dI. */
  G: GPUBuffer[];
  dI: GPUBuffer[];
  /** Per layer, the event lists of its input (spike_compact): active columns and counts per row. */
  events: Array<{ active: GPUBuffer; count: GPUBuffer }>;
  /** Class scores, their error, and the membrane readout's peak step. */
  Z: GPUBuffer;
  dZ: GPUBuffer;
  peak: GPUBuffer;
}

export function allocateSpikeBatch(
  ctx: GpuContext,
  net: RateNetwork,
  config: SpikingConfig,
  rows: number,
  label: string,
  training: boolean,
): SpikeBatch {
  const r = ctx.buffers;
  const T = config.steps;
  const per = (l: DenseLayer, what: string) => r.storage(`${label}.${what}${l.index}`, T * rows * l.nOut);
  return {
    rows,
    steps: T,
    X: r.storage(`${label}.X`, rows * net.inputSize),
    labels: r.storage(`${label}.labels`, rows),
    input: r.storage(`${label}.input`, T * rows * net.inputSize),
    I: net.layers.map((l) => per(l, 'I')),
    U: net.layers.map((l) => per(l, 'U')),
    S: net.layers.map((l) => per(l, 'S')),
    A: net.layers.map((l) => (layerNeuron(config, l.index).model === 'alif' ? per(l, 'A') : null)),
    G: training ? net.layers.map((l) => per(l, 'G')) : [],
    dI: training ? net.layers.map((l) => per(l, 'dI')) : [],
    events: net.layers.map((l) => ({
      active: r.storage(`${label}.events${l.index}`, T * rows * l.nIn),
      count: r.storage(`${label}.eventCount${l.index}`, T * rows),
    })),
    Z: r.storage(`${label}.Z`, rows * net.classes),
    dZ: r.storage(`${label}.dZ`, rows * net.classes),
    peak: r.storage(`${label}.peak`, rows * net.classes),
  };
}

/** Bytes of the largest per-batch array, for refusing networks too large for the device. */
export function largestSpikeArray(sizes: readonly number[], steps: number, rows: number): number {
  return 4 * steps * rows * Math.max(...sizes);
}

/** Spike input of layer l (1-based): the encoded batch for the first layer. */
export function spikeInput(batch: SpikeBatch, l: number): GPUBuffer {
  return l === 1 ? batch.input : batch.S[l - 2];
}

/**
 * How a layer's input currents are computed: one dense matmul over all inputs,
 * or event-driven, summing only the weights of inputs that spiked.
 */
export type Propagation = 'dense' | 'event';

/** Input currents then the membrane recurrence, layer by layer, then the class scores. */
export async function spikingForward(
  ctx: GpuContext,
  net: RateNetwork,
  batch: SpikeBatch,
  config: SpikingConfig,
  label: string,
  paths: readonly Propagation[] = [],
): Promise<Dispatch[]> {
  const R = batch.steps * batch.rows;
  const out: Promise<Dispatch>[] = [];
  for (const layer of net.layers) {
    const l = layer.index;
    const input = spikeInput(batch, l);
    if (paths[l - 1] === 'event') {
      const { active, count } = batch.events[l - 1];
      out.push(
        spikeCompact(ctx, { S: input, active, count, rows: R, cols: layer.nIn, label: `${label}.events${l}` }),
        spikePropagate(ctx, { W: layer.W, active, count, S: input, I: batch.I[l - 1], rows: R, nIn: layer.nIn, nOut: layer.nOut, label: `${label}.current${l}` }),
      );
    } else {
      out.push(matmul(ctx, { M: R, N: layer.nOut, K: layer.nIn, A: input, B: layer.W, C: batch.I[l - 1], transB: true, label: `${label}.current${l}` }));
    }
    out.push(
      lifForward(ctx, {
        rows: batch.rows, neurons: layer.nOut, steps: batch.steps,
        I: batch.I[l - 1], bias: layer.b, U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1] ?? undefined,
        neuron: layerNeuron(config, l), label: `${label}.lif${l}`,
      }),
    );
  }
  const top = net.layers.length;
  out.push(
    spikeReadout(ctx, {
      rows: batch.rows, classes: net.classes, steps: batch.steps, readout: config.readout, scale: readoutScale(config),
      S: batch.S[top - 1], U: batch.U[top - 1], Z: batch.Z, peak: batch.peak, label: `${label}.readout`,
    }),
  );
  return Promise.all(out);
}

/** Raw counts are the logits of cross-entropy; MSE compares rates (count / T) with one-hot targets. */
export function readoutScale(config: SpikingConfig): number {
  return config.loss === 'mse' ? 1 / config.steps : 1;
}

/**
 * From the scores' error dZ down: G of the output layer from the readout, then
 * per layer dI = BPTT(G), gW = sum over t and rows of dI^T S_{l-1}, gb = sum dI,
 * and G_{l-1} = the error through the rule's backward pathway.
 */
export async function spikingBackward(
  ctx: GpuContext,
  net: RateNetwork,
  batch: SpikeBatch,
  config: SpikingConfig,
  feedback: Feedback,
): Promise<Dispatch[]> {
  const R = batch.steps * batch.rows;
  const top = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  if (feedback === 'sign') {
    for (const layer of net.layers) {
      out.push(transposeCombine(ctx, { Y: layer.W, out: layer.B!, rows: layer.nIn, cols: layer.nOut, a: 0, b: layer.kappa, sign: true, label: `snn.sign_feedback${layer.index}` }));
    }
  }
  out.push(
    spikeReadoutGrad(ctx, {
      rows: batch.rows, classes: net.classes, steps: batch.steps, readout: config.readout, scale: readoutScale(config),
      dZ: batch.dZ, peak: batch.peak, G: batch.G[top - 1], label: 'snn.readout_grad',
    }),
  );
  for (let l = top; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const dI = batch.dI[l - 1];
    out.push(
      lifBackward(ctx, {
        rows: batch.rows, neurons: layer.nOut, steps: batch.steps,
        G: batch.G[l - 1], U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1] ?? undefined, dI,
        neuron: layerNeuron(config, l), surrogate: config.surrogate,
        gradWrt: l === top ? readoutGradWrt(config.readout) : 'spikes', label: `snn.bptt${l}`,
      }),
      matmul(ctx, { M: layer.nOut, N: layer.nIn, K: R, A: dI, B: spikeInput(batch, l), C: layer.gW, transA: true, label: `snn.grad_W${l}` }),
      columnSum(ctx, { X: dI, out: layer.gb, rows: R, cols: layer.nOut, label: `snn.grad_b${l}` }),
    );
    if (l > 1) {
      // The error reaching layer l-1's spikes at every step.
      if (feedback === 'transpose') {
        out.push(matmul(ctx, { M: R, N: layer.nIn, K: layer.nOut, A: dI, B: layer.W, C: batch.G[l - 2], label: `snn.error${l - 1}` }));
      } else {
        const source = feedback === 'direct' ? batch.dI[top - 1] : dI;
        out.push(matmul(ctx, { M: R, N: layer.nIn, K: layer.feedbackCols, A: source, B: layer.B!, C: batch.G[l - 2], transB: true, label: `snn.error${l - 1}` }));
      }
    }
  }
  return Promise.all(out);
}
