// The dispatches of one TSSL-BP step (Zhang & Li 2020), built like passes.ts:
// layers one after another, each over all T steps at once. What a layer passes
// on is its PSP trace a, not its spikes, so the first layer reads the input's
// PSP and every current is a matmul of PSPs: I_l = a_{l-1} W_l^T.
//
// Buffers, reusing SpikeBatch's (all [T, rows, n], time-major):
//   batch.X        the gathered image [rows, pixels] (input 'static')
//   batch.input    the encoded spikes (input 'spikes'); with 'static' it is
//                  overwritten by the input PSP, so spikeEncode need not run
//   I[l], U[l], S[l]  currents, membrane before the reset, spikes
//   A[l]           the PSP, batch.A[l] where it exists, else allocated here
//   inputPsp       the input's PSP [T, rows, pixels]: batch.input ('static')
//                  or allocated here ('spikes')
//   G[l]           dL/da_l (the loss writes the output layer's)    training only
//   dI[l]          delta_l = dL/dI_l                               training only
// withTsslBuffers turns a SpikeBatch into a TsslBatch by adding what is missing.
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { columnSum } from '../kernels/column-sum';
import { matmul } from '../kernels/matmul';
import { TSSL_DEFAULTS, type TsslNeuron, tsslLayerBackward, tsslLayerForward, tsslLoss, tsslPsp } from '../kernels/tssl';
import type { RateNetwork } from '../layers/network';
import type { SpikeBatch } from './passes';

export interface TsslParams extends TsslNeuron {
  /** T; must equal the batch's steps. */
  steps: number;
  /** The first layer's input: the static image repeated over T (the code's MNIST input), or batch.input's spikes. */
  input?: 'static' | 'spikes';
  /** Add layer.b to the currents and compute its gradient (the official code has no bias). */
  bias?: boolean;
  /** dt/du only at spike times (default), or at every step as the code's latest revision does. */
  spikeTimesOnly?: boolean;
}

export const DEFAULT_TSSL_PARAMS: TsslParams = { ...TSSL_DEFAULTS, input: 'static', bias: false, spikeTimesOnly: true };

/** A SpikeBatch with a PSP array for every layer and for the input. */
export interface TsslBatch extends SpikeBatch {
  A: GPUBuffer[];
  inputPsp: GPUBuffer;
}

/** Allocates the PSP arrays a SpikeBatch lacks: A[l] where batch.A[l] is null, and the input's PSP for 'spikes'. */
export function withTsslBuffers(ctx: GpuContext, net: RateNetwork, batch: SpikeBatch, params: TsslParams, label: string): TsslBatch {
  const r = ctx.buffers;
  const T = batch.steps;
  return {
    ...batch,
    A: net.layers.map((l, i) => batch.A[i] ?? r.storage(`${label}.psp${l.index}`, T * batch.rows * l.nOut)),
    inputPsp: params.input === 'spikes' ? r.storage(`${label}.inputPsp`, T * batch.rows * net.inputSize) : batch.input,
  };
}

/** The PSP that layer l (1-based) reads: the input's for the first layer. */
export function tsslInput(batch: TsslBatch, l: number): GPUBuffer {
  return l === 1 ? batch.inputPsp : batch.A[l - 2];
}

function checkSteps(batch: SpikeBatch, params: TsslParams): void {
  if (params.steps !== batch.steps) throw new Error(`TSSL-BP params have T = ${params.steps} but the batch has ${batch.steps} steps.`);
}

/** The input's PSP, then per layer the current (one matmul) and the neuron over T steps; the output is A[top]. */
export async function tsslForward(ctx: GpuContext, net: RateNetwork, batch: TsslBatch, params: TsslParams, label: string): Promise<Dispatch[]> {
  checkSteps(batch, params);
  const R = batch.steps * batch.rows;
  const out: Promise<Dispatch>[] = [
    tsslPsp(ctx, {
      rows: batch.rows, neurons: net.inputSize, steps: batch.steps, tauS: params.tauS,
      X: params.input === 'spikes' ? batch.input : batch.X, input: params.input === 'spikes' ? 'train' : 'static',
      A: batch.inputPsp, label: `${label}.input_psp`,
    }),
  ];
  for (const layer of net.layers) {
    const l = layer.index;
    out.push(
      matmul(ctx, { M: R, N: layer.nOut, K: layer.nIn, A: tsslInput(batch, l), B: layer.W, C: batch.I[l - 1], transB: true, label: `${label}.current${l}` }),
      tsslLayerForward(ctx, {
        rows: batch.rows, neurons: layer.nOut, steps: batch.steps,
        I: batch.I[l - 1], bias: params.bias ? layer.b : undefined, U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1],
        neuron: params, label: `${label}.tssl${l}`,
      }),
    );
  }
  return Promise.all(out);
}

export interface TsslLossPassArgs {
  metrics: GPUBuffer;
  clock: GPUBuffer;
  /** First of the three metric slots (TRAIN_SLOT or TEST_SLOT). */
  slot: number;
  /** Training: write dL/da of the output layer into G[top] (scaled by 1/rows) and tick the clock. */
  training: boolean;
  label: string;
}

/** The kernel loss on the output PSP: G[top] = dL/da_out / rows, metrics, and the clock on training steps. */
export async function tsslLossPass(ctx: GpuContext, net: RateNetwork, batch: TsslBatch, params: TsslParams, a: TsslLossPassArgs): Promise<Dispatch> {
  checkSteps(batch, params);
  const top = net.layers.length;
  return tsslLoss(ctx, {
    A: batch.A[top - 1], labels: batch.labels, grad: a.training ? batch.G[top - 1] : undefined, metrics: a.metrics, clock: a.clock,
    rows: batch.rows, classes: net.classes, steps: batch.steps, tauS: params.tauS,
    scale: a.training ? 1 / batch.rows : 1, slot: a.slot, tick: a.training, label: a.label,
  });
}

/**
 * From the output layer's dL/da (written by the loss) down: per layer
 * delta = TSSL-BP(G), gW = sum over t and rows of delta^T a_{l-1},
 * gb = sum delta (with bias), and G_{l-1} = delta W (backprop's W^T).
 */
export async function tsslBackward(ctx: GpuContext, net: RateNetwork, batch: TsslBatch, params: TsslParams): Promise<Dispatch[]> {
  checkSteps(batch, params);
  const R = batch.steps * batch.rows;
  const out: Promise<Dispatch>[] = [];
  for (let l = net.layers.length; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const dI = batch.dI[l - 1];
    out.push(
      tsslLayerBackward(ctx, {
        rows: batch.rows, neurons: layer.nOut, steps: batch.steps,
        G: batch.G[l - 1], U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1], dI,
        neuron: params, spikeTimesOnly: params.spikeTimesOnly, label: `tssl.delta${l}`,
      }),
      matmul(ctx, { M: layer.nOut, N: layer.nIn, K: R, A: dI, B: tsslInput(batch, l), C: layer.gW, transA: true, label: `tssl.grad_W${l}` }),
    );
    if (params.bias) out.push(columnSum(ctx, { X: dI, out: layer.gb, rows: R, cols: layer.nOut, label: `tssl.grad_b${l}` }));
    if (l > 1) out.push(matmul(ctx, { M: R, N: layer.nIn, K: layer.nOut, A: dI, B: layer.W, C: batch.G[l - 2], label: `tssl.error${l - 1}` }));
  }
  return Promise.all(out);
}
