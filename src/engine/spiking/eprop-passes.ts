// The dispatches of one e-prop step (Bellec et al. 2020) for a feed-forward
// stack of LIF/ALIF layers, built like passes.ts: layers one after another,
// each over all T steps at once. Hidden layers 1..L-1 are the engine's LIF
// layers; layer L (W_out, b_out) is not spiking but e-prop's leaky readout
//   y[t] = kappa y[t-1] + z_{L-1}[t] W_out^T + b_out,  loss = sum_t CE(softmax(y[t]))
// and the prediction is argmax sum_t y[t].
//
// Backward, with E[t] = dloss/dy[t] and Ebar its backward kappa filter
// (Ebar[t] = sum_{t'>=t} kappa^(t'-t) E[t']):
//   readout   gW_L = sum_t Ebar[t]^T z_{L-1}[t] (= sum_t E[t]^T (kappa-filtered z)[t], the
//             tutorial's form), gb_L = sum_t Ebar[t]: the exact gradient of the leaky readout
//   hidden l  learning signal L_l = E B_l^T, eligibility traces, dW_l = sum_t L_l[t] ebar_l[t]
// 'factorised' (default) computes the hidden sum as one matmul, gW_l = D_l^T z_{l-1}
// (eprop_factor.wgsl). It equals the online accumulation exactly, for LIF and
// ALIF alike: every trace of synapse ji is linear in the presynaptic trace with
// coefficients of neuron j alone, so the sum over t reorders per neuron. Per-
// synapse traces would need nIn x nOut x rows floats (784 x 256 x 128: 100 MB per
// trace); this needs [T, rows, nOut]. 'online' runs eprop_online.wgsl, one
// invocation per synapse walking t forward: the paper's form, for modest sizes.
//
// Buffers, reusing SpikeBatch's (all [T, rows, n], time-major; l = 1..L-1 hidden):
//   batch.input      the encoded input spikes (spikeEncode, as for the surrogate rules)
//   I[l], U[l], S[l], A[l]   hidden currents, membranes, spikes, ALIF thresholds (passes.ts)
//   I[L]             the readout's currents z_{L-1} W_out^T
//   U[L]             the readout y
//   Z                sum_t y [rows, classes], the scores
//   G[L]             E, scaled by 1/(rows T): the mean over examples and steps  training only
//   dI[L]            Ebar                                                training only
//   G[l]             Lbar = Ebar B_l^T ('factorised') or L = E B_l^T ('online')   training only
//   psi[l]           the pseudo-derivative (allocated by withEpropBuffers)       training only
//   dI[l]            D ('factorised')                                    training only
//   S[L], dZ, peak   unused
// Parameters: W, b and gW, gb of every layer; the feedback B_l (n_l x classes)
// is net.layers[l].B, the engine's 'direct' layout (layer l+1's B carries the
// output error to layer l's spikes):
//   'symmetric'  B = W_out^T for the top hidden layer (W_out read in place);
//                deeper layers have no weights to the readout and use their B
//   'random'     every B fixed
//   'adaptive'   also writes gB_{l+1} = sum_t z_l[t]^T Ebar[t], the update W_out would
//                get from layer l; for the top layer exactly gW_L^T (Kolen-Pollack).
//                The optimiser applies it with weight decay; the network needs gB.
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { columnSum } from '../kernels/column-sum';
import { EPROP_DAMPENING, epropFactor, epropFilter, epropNeuronProblem, epropOnline, epropPsi, epropReadout } from '../kernels/eprop';
import { lifForward } from '../kernels/lif';
import { matmul } from '../kernels/matmul';
import type { RateNetwork } from '../layers/network';
import { type SpikingConfig, layerNeuron } from './config';
import { type SpikeBatch, spikeInput } from './passes';

import { EPROP_FEEDBACKS, EPROP_UPDATES, type EpropFeedback, type EpropUpdate } from './eprop-options';

export { EPROP_FEEDBACKS, EPROP_UPDATES, type EpropFeedback, type EpropUpdate };

export interface EpropParams {
  /** The readout's decay, exp(-dt / tau_out); also the filter of the eligibility traces. */
  kappa: number;
  /** gamma_pd of the pseudo-derivative. */
  dampening: number;
  feedback: EpropFeedback;
  update: EpropUpdate;
}

/** tau_out = 20 steps (our choice, as tau_m in the code's LIF defaults); gamma_pd 0.3 from the code. */
export const DEFAULT_EPROP_PARAMS: EpropParams = { kappa: Math.exp(-1 / 20), dampening: EPROP_DAMPENING, feedback: 'symmetric', update: 'factorised' };

/** A SpikeBatch with the pseudo-derivative of every hidden layer (training batches only). */
export interface EpropBatch extends SpikeBatch {
  psi: GPUBuffer[];
}

export function withEpropBuffers(ctx: GpuContext, net: RateNetwork, batch: SpikeBatch, label: string): EpropBatch {
  const training = batch.G.length > 0;
  const hidden = net.layers.slice(0, -1);
  return { ...batch, psi: training ? hidden.map((l) => ctx.buffers.storage(`${label}.psi${l.index}`, batch.steps * batch.rows * l.nOut)) : [] };
}

/** Throws where the network, neurons or parameters do not fit e-prop's passes. */
export function checkEprop(net: RateNetwork, config: SpikingConfig, params: EpropParams): void {
  if (!(params.kappa >= 0 && params.kappa < 1)) throw new Error(`e-prop's kappa must be in [0, 1) (got ${params.kappa}).`);
  if (!EPROP_FEEDBACKS.includes(params.feedback)) throw new Error(`e-prop feedback must be one of ${EPROP_FEEDBACKS.join(', ')}.`);
  if (!EPROP_UPDATES.includes(params.update)) throw new Error(`e-prop update must be one of ${EPROP_UPDATES.join(', ')}.`);
  const top = net.layers.length;
  if (top < 2) throw new Error('e-prop needs at least one hidden layer before the readout.');
  for (let l = 1; l < top; l++) {
    const problem = epropNeuronProblem(layerNeuron(config, l));
    if (problem) throw new Error(`layer ${l}: ${problem}.`);
    const above = net.layers[l];
    const needsB = params.feedback !== 'symmetric' || l < top - 1;
    if (needsB && (!above.B || above.feedbackCols !== net.classes)) {
      throw new Error(`layer ${l}: e-prop's ${params.feedback} feedback needs layer ${l + 1}'s B as ${above.nIn} x ${net.classes} (the 'direct' layout).`);
    }
    if (params.feedback === 'adaptive' && !above.gB) throw new Error(`layer ${l + 1}: adaptive feedback needs B's gradient buffer.`);
  }
}

/** Input currents then the membrane recurrence of every hidden layer, then the readout's currents. */
export async function epropForward(ctx: GpuContext, net: RateNetwork, batch: EpropBatch, config: SpikingConfig, label: string): Promise<Dispatch[]> {
  const R = batch.steps * batch.rows;
  const top = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  for (const layer of net.layers) {
    const l = layer.index;
    out.push(matmul(ctx, { M: R, N: layer.nOut, K: layer.nIn, A: spikeInput(batch, l), B: layer.W, C: batch.I[l - 1], transB: true, label: `${label}.current${l}` }));
    if (l === top) break;
    out.push(
      lifForward(ctx, {
        rows: batch.rows, neurons: layer.nOut, steps: batch.steps,
        I: batch.I[l - 1], bias: layer.b, U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1] ?? undefined,
        neuron: layerNeuron(config, l), label: `${label}.lif${l}`,
      }),
    );
  }
  return Promise.all(out);
}

export interface EpropReadoutPassArgs {
  metrics: GPUBuffer;
  clock: GPUBuffer;
  /** First of the three metric slots (TRAIN_SLOT or TEST_SLOT). */
  slot: number;
  /** Training: write E into G[top] (scaled by 1/(rows T)) and tick the clock. */
  training: boolean;
  label: string;
}

/** The leaky readout y into U[top], the scores Z, the loss per step, accuracy, and E on training steps. */
export async function epropReadoutPass(ctx: GpuContext, net: RateNetwork, batch: EpropBatch, params: EpropParams, a: EpropReadoutPassArgs): Promise<Dispatch> {
  const top = net.layers.length;
  return epropReadout(ctx, {
    I: batch.I[top - 1], bias: net.layers[top - 1].b, labels: batch.labels, Y: batch.U[top - 1], Z: batch.Z,
    E: a.training ? batch.G[top - 1] : undefined, metrics: a.metrics, clock: a.clock,
    rows: batch.rows, classes: net.classes, steps: batch.steps, kappa: params.kappa,
    // The loss sums cross-entropy over T steps; its gradient is taken per step
    // (1/T), so learning rates mean what they mean for the other rules.
    scale: a.training ? 1 / (batch.rows * batch.steps) : 1, slot: a.slot, tick: a.training, label: a.label,
  });
}

/** The feedback matrix of hidden layer l (1-based) as a matmul operand: E [R, classes] times it is [R, n_l]. */
function feedbackOperand(net: RateNetwork, l: number, params: EpropParams): { B: GPUBuffer; transB: boolean } {
  const above = net.layers[l];
  if (params.feedback === 'symmetric' && l === net.layers.length - 1) return { B: above.W, transB: false };
  return { B: above.B!, transB: true };
}

/** From E (written by the readout pass) down: the readout's gradients, then every hidden layer's e-prop update. */
export async function epropBackward(ctx: GpuContext, net: RateNetwork, batch: EpropBatch, config: SpikingConfig, params: EpropParams): Promise<Dispatch[]> {
  checkEprop(net, config, params);
  const R = batch.steps * batch.rows;
  const top = net.layers.length;
  const readout = net.layers[top - 1];
  const E = batch.G[top - 1];
  const Ebar = batch.dI[top - 1];
  const shape = { rows: batch.rows, steps: batch.steps };
  const out: Promise<Dispatch>[] = [
    epropFilter(ctx, { ...shape, X: E, out: Ebar, cols: net.classes, decay: params.kappa, label: 'eprop.Ebar' }),
    matmul(ctx, { M: net.classes, N: readout.nIn, K: R, A: Ebar, B: batch.S[top - 2], C: readout.gW, transA: true, label: `eprop.grad_W${top}` }),
    columnSum(ctx, { X: Ebar, out: readout.gb, rows: R, cols: net.classes, label: `eprop.grad_b${top}` }),
  ];
  for (let l = top - 1; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const neuron = layerNeuron(config, l);
    const signal = batch.G[l - 1];
    const online = params.update === 'online';
    // The kappa filter is linear, so Ebar B^T is L filtered; the online kernel filters e itself.
    out.push(
      matmul(ctx, { M: R, N: layer.nOut, K: net.classes, A: online ? E : Ebar, ...feedbackOperand(net, l, params), C: signal, label: `eprop.signal${l}` }),
      epropPsi(ctx, {
        ...shape, neurons: layer.nOut, U: batch.U[l - 1], S: batch.S[l - 1], A: batch.A[l - 1] ?? undefined,
        psi: batch.psi[l - 1], neuron, dampening: params.dampening, label: `eprop.psi${l}`,
      }),
    );
    if (online) {
      out.push(
        epropOnline(ctx, {
          ...shape, nIn: layer.nIn, nOut: layer.nOut, X: spikeInput(batch, l), psi: batch.psi[l - 1], L: signal,
          dW: layer.gW, db: layer.gb, neuron, kappa: params.kappa, label: `eprop.online${l}`,
        }),
      );
    } else {
      const D = batch.dI[l - 1];
      out.push(
        epropFactor(ctx, { ...shape, neurons: layer.nOut, Lbar: signal, psi: batch.psi[l - 1], D, neuron, label: `eprop.factor${l}` }),
        matmul(ctx, { M: layer.nOut, N: layer.nIn, K: R, A: D, B: spikeInput(batch, l), C: layer.gW, transA: true, label: `eprop.grad_W${l}` }),
        columnSum(ctx, { X: D, out: layer.gb, rows: R, cols: layer.nOut, label: `eprop.grad_b${l}` }),
      );
    }
    if (params.feedback === 'adaptive') {
      const above = net.layers[l];
      out.push(matmul(ctx, { M: layer.nOut, N: net.classes, K: R, A: batch.S[l - 1], B: Ebar, C: above.gB!, transA: true, label: `eprop.grad_B${l + 1}` }));
    }
  }
  return Promise.all(out);
}
