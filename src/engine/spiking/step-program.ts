// What one spiking step and one evaluation chunk dispatch, per rule. Every
// rule shares the gather before and the parameter updates after; in between,
// surrogate-gradient rules encode, run LIF layers, score and backpropagate
// through time (passes.ts), TSSL-BP runs its own PSP neuron and spike-time
// backward (tssl-passes.ts), and e-prop a leaky readout and eligibility
// traces (eprop-passes.ts).
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { outputLoss } from '../kernels/output-loss';
import { spikeEncode } from '../kernels/spike-encode';
import type { RateNetwork } from '../layers/network';
import type { Feedback } from '../rules/rule';
import type { SpikingConfig } from './config';
import { allocateSpikeBatch, type Propagation, type SpikeBatch, spikingBackward, spikingForward } from './passes';
import { DEFAULT_EPROP_PARAMS, type EpropBatch, type EpropParams, checkEprop, epropBackward, epropForward, epropReadoutPass, withEpropBuffers } from './eprop-passes';
import { DEFAULT_TSSL_PARAMS, type TsslBatch, type TsslParams, tsslBackward, tsslForward, tsslLossPass, withTsslBuffers } from './tssl-passes';

/** Streams of the input spikes' noise, so training and test draws never coincide. */
export const ENCODE_STREAM = { train: 40, test: 41 } as const;

export interface StepContext {
  net: RateNetwork;
  config: SpikingConfig;
  feedback: Feedback;
  metrics: GPUBuffer;
  clock: GPUBuffer;
  noiseSeed: number;
  classes: number;
  pixels: number;
}

export function tsslParams(config: SpikingConfig): TsslParams {
  return { ...DEFAULT_TSSL_PARAMS, ...config.tssl, threshold: config.neuron.threshold, steps: config.steps };
}

export function epropParams(config: SpikingConfig): EpropParams {
  return { ...DEFAULT_EPROP_PARAMS, ...config.eprop };
}

/** A batch with every buffer the config's rule needs. */
export function allocateRuleBatch(ctx: GpuContext, net: RateNetwork, config: SpikingConfig, rows: number, label: string, training: boolean): SpikeBatch {
  const batch = allocateSpikeBatch(ctx, net, config, rows, label, training);
  if (config.rule === 'tssl-bp') return withTsslBuffers(ctx, net, batch, tsslParams(config), label);
  if (config.rule === 'eprop') {
    checkEprop(net, config, epropParams(config));
    return withEpropBuffers(ctx, net, batch, label);
  }
  return batch;
}

/** Whether the rule trains backward weights of its own (B gets a gradient and optimiser state). */
export function trainsFeedbackWeights(config: SpikingConfig): boolean {
  return config.rule === 'eprop' && config.eprop.feedback === 'adaptive';
}

/** Encode, forward, loss (slot, and the clock's tick when training) and, when training, the backward. */
export async function stepPasses(
  ctx: GpuContext,
  s: StepContext,
  batch: SpikeBatch,
  training: boolean,
  slot: number,
  label: string,
  paths: readonly Propagation[] = [],
): Promise<Dispatch[]> {
  if (s.config.rule === 'tssl-bp') {
    const params = tsslParams(s.config);
    const tssl = batch as TsslBatch;
    return [
      ...(await tsslForward(ctx, s.net, tssl, params, label)),
      await tsslLossPass(ctx, s.net, tssl, params, { metrics: s.metrics, clock: s.clock, slot, training, label: `${label}.loss` }),
      ...(training ? await tsslBackward(ctx, s.net, tssl, params) : []),
    ];
  }
  const c = s.config;
  const encode = () =>
    spikeEncode(ctx, {
      steps: c.steps, encoder: c.encoder, gain: c.encoderGain, seed: s.noiseSeed, clock: s.clock,
      X: batch.X, S: batch.input, rows: batch.rows, n: s.pixels, stream: training ? ENCODE_STREAM.train : ENCODE_STREAM.test, label: `${label}.encode`,
    });
  if (c.rule === 'eprop') {
    const params = epropParams(c);
    const eprop = batch as EpropBatch;
    return [
      await encode(),
      ...(await epropForward(ctx, s.net, eprop, c, label)),
      await epropReadoutPass(ctx, s.net, eprop, params, { metrics: s.metrics, clock: s.clock, slot, training, label: `${label}.readout` }),
      ...(training ? await epropBackward(ctx, s.net, eprop, c, params) : []),
    ];
  }
  return [
    await spikeEncode(ctx, {
      steps: c.steps, encoder: c.encoder, gain: c.encoderGain, seed: s.noiseSeed, clock: s.clock,
      X: batch.X, S: batch.input, rows: batch.rows, n: s.pixels, stream: training ? ENCODE_STREAM.train : ENCODE_STREAM.test, label: `${label}.encode`,
    }),
    ...(await spikingForward(ctx, s.net, batch, c, label, paths)),
    await outputLoss(ctx, {
      logits: batch.Z, labels: batch.labels, grad: training ? batch.dZ : undefined, metrics: s.metrics, clock: s.clock,
      rows: batch.rows, classes: s.classes, scale: training ? 1 / batch.rows : 1, slot, loss: c.loss, tick: training, label: `${label}.loss`,
    }),
    ...(training ? await spikingBackward(ctx, s.net, batch, c, s.feedback) : []),
  ];
}
