import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { type OptimizerSettings, type OptimizerStep, optimizerStep, type StepSchedule } from '../kernels/optimizer';
import { productUpdate, weightUpdate } from '../kernels/weight-update';
import { type FeedbackGradient, type FeedbackProduct, NOISE_STREAM, STORED_FEEDBACK_GRADIENT } from '../layers/feedback-update';
import { type BatchBuffers, feedbackMoments, layerInput, layerMoments, type RateNetwork } from '../layers/network';
import type { RuleSpec } from '../rules/rule';
import { scheduleSteps, type TrainConfig } from '../training/config';

export type ParameterKind = 'weights' | 'bias' | 'feedback';

/** The optimiser settings of each kind of parameter (parameterSettings). */
export type ParameterSettings = Record<ParameterKind, OptimizerSettings>;

/** One dispatch of a step's parameter updates. */
export interface ParameterUpdate {
  dispatch: Dispatch;
  /** Rewrites its learning rates, coefficients and schedule from the next submit. */
  update(settings: ParameterSettings): void;
}

/**
 * The optimiser settings each kind of parameter gets under a config and rule;
 * the learning-rate schedule is laid out over epochs of `stepsPerEpoch` steps.
 */
export function parameterSettings(config: TrainConfig, rule: RuleSpec, stepsPerEpoch: number): ParameterSettings {
  const o = config.optimizer;
  const schedule: StepSchedule = scheduleSteps(config, stepsPerEpoch);
  const base: OptimizerSettings = {
    method: o.method,
    lr: o.lr,
    mu: o.momentum,
    beta1: o.beta1,
    beta2: o.beta2,
    eps: o.eps,
    weightDecay: o.weightDecay,
    decay: 0,
    noiseStd: 0,
    schedule,
  };
  const updateNoise = Math.sqrt(config.feedbackUpdateNoise);
  const weights: OptimizerSettings = rule.tied
    ? { ...base, decay: config.tiedDecay ?? rule.tiedDecay ?? 0, noiseStd: updateNoise }
    : base;
  const bias: OptimizerSettings = base;
  const feedback: OptimizerSettings = { ...base, lr: config.feedbackLr ?? o.lr, weightDecay: 0, noiseStd: updateNoise };
  return { weights, bias, feedback };
}

/** A separate optimiser step: the update of one parameter of kind `kind`. */
function separate(kind: ParameterKind, step: Promise<OptimizerStep>): Promise<ParameterUpdate> {
  return step.then((s) => ({ dispatch: s.dispatch, update: (settings) => s.update(settings[kind]) }));
}

/**
 * Applies every parameter update of a step from the stored gradients gW, gb
 * and gB, after the whole backward pass has read the old W and B (as one
 * optimiser step over the total loss does): two or three dispatches per layer.
 * B's steps come first: they may read W (feedback.regularizer) before it moves.
 */
export async function parameterUpdates(
  ctx: GpuContext,
  net: RateNetwork,
  config: TrainConfig,
  rule: RuleSpec,
  clock: GPUBuffer,
  seed: number,
  stepsPerEpoch: number,
  feedback: FeedbackGradient = STORED_FEEDBACK_GRADIENT,
): Promise<ParameterUpdate[]> {
  const s = parameterSettings(config, rule, stepsPerEpoch);
  const steps: Promise<ParameterUpdate>[] = [];
  for (const layer of net.layers) {
    const name = `layer${layer.index}`;
    const moments = layerMoments(layer);
    steps.push(
      separate('weights', optimizerStep(ctx, {
        param: layer.W,
        grad: layer.gW,
        moments: moments.W,
        tied: rule.tied ? layer.B! : undefined,
        rows: layer.nOut,
        cols: layer.nIn,
        clock,
        settings: s.weights,
        seed,
        stream: NOISE_STREAM.update + layer.index,
        label: `${name}.update_W`,
      })),
      separate('bias', optimizerStep(ctx, {
        param: layer.b,
        grad: layer.gb,
        moments: moments.b,
        rows: 1,
        cols: layer.nOut,
        clock,
        settings: s.bias,
        seed,
        stream: 0,
        label: `${name}.update_b`,
      })),
    );
  }
  return [...(await feedbackUpdates(ctx, net, rule, clock, seed, s, feedback)), ...(await Promise.all(steps))];
}

/** B's settings in a fused step: the regulariser's decay term p B as coupled L2. */
function withDecayTerm(s: OptimizerSettings, feedback: FeedbackGradient): OptimizerSettings {
  return { ...s, weightDecay: s.weightDecay + (feedback.regularizer?.p ?? 0) };
}

/**
 * The same updates with each layer's W and b in one dispatch (kernels/weight-update.ts):
 * the weight-gradient matmul applies the optimiser as its epilogue, reading the
 * step's deltas and inputs from `batch`, so gW and gb are never stored.
 * Kolen-Pollack's B takes its tied step in the same pass. A trained B takes
 * its separate step; or, with `besideW`, its own step in W's pass (a TwinStep):
 * from a gradient that needs no batch (decay and self: symmetric alignment),
 * where the device binds 8 storage buffers, or, given its activity `products`
 * (one per layer, as fusedFeedbackUpdates takes them), from its product in the
 * z = 1 half of W's dispatch, where it binds 10; or none when `feedback` is
 * null (fusedFeedbackUpdates steps it).
 */
export async function fusedParameterUpdates(
  ctx: GpuContext,
  net: RateNetwork,
  batch: BatchBuffers,
  config: TrainConfig,
  rule: RuleSpec,
  clock: GPUBuffer,
  seed: number,
  stepsPerEpoch: number,
  feedback: FeedbackGradient | null = STORED_FEEDBACK_GRADIENT,
  besideW = false,
  products: readonly FeedbackProduct[] | null = null,
): Promise<ParameterUpdate[]> {
  const s = parameterSettings(config, rule, stepsPerEpoch);
  const twin = feedback !== null && besideW;
  if (twin && feedback.readGrad && !products) throw new Error("B's step beside W's reads no stored gradient: its activity terms need their own products");
  const steps = net.layers.map(async (layer, i): Promise<ParameterUpdate> => {
    const trainedB = twin && layer.gB && !rule.tied;
    // B's product alpha left^T right (nIn x nOut) is W's orientation transposed: its operands swap.
    const p = products?.[i];
    const product = p ? { left: p.right, right: p.left, alpha: p.alpha, ...(p.rightAddend ? { addend: p.rightAddend } : {}) } : undefined;
    const twinStep = trainedB
      ? { B: layer.B!, moments: feedbackMoments(layer)!, settings: withDecayTerm(s.feedback, feedback), self: feedback.regularizer?.w ?? 0, product }
      : undefined;
    const moments = layerMoments(layer);
    const step = await weightUpdate(ctx, {
      delta: batch.delta[layer.index - 1],
      input: layerInput(batch, layer.index),
      rows: batch.rows,
      nOut: layer.nOut,
      nIn: layer.nIn,
      W: layer.W,
      b: layer.b,
      momentsW: moments.W,
      momentsb: moments.b,
      tied: rule.tied ? layer.B! : undefined,
      twinStep,
      clock,
      weights: s.weights,
      bias: s.bias,
      seed,
      stream: NOISE_STREAM.update + layer.index,
      label: `layer${layer.index}.update`,
    });
    return {
      dispatch: step.dispatch,
      update: (next) => step.update(next.weights, next.bias, twinStep ? withDecayTerm(next.feedback, feedback!) : undefined),
    };
  });
  const separateB = feedback && !twin ? await feedbackUpdates(ctx, net, rule, clock, seed, s, feedback) : [];
  return [...separateB, ...(await Promise.all(steps))];
}

/**
 * A trained B's whole step per layer in one dispatch: its activity product
 * (`products[i]` for layer i + 1, layers/feedback-update.ts) with the optimiser
 * as epilogue (productUpdate), and the regulariser's p B (decay) as coupled L2;
 * `feedback` must have no W^T term (layers/feedback-update.ts fusesFeedbackStep).
 * Like B's separate steps they run before W's, after every read of B.
 */
export async function fusedFeedbackUpdates(
  ctx: GpuContext,
  net: RateNetwork,
  products: readonly FeedbackProduct[],
  rows: number,
  config: TrainConfig,
  rule: RuleSpec,
  clock: GPUBuffer,
  seed: number,
  stepsPerEpoch: number,
  feedback: FeedbackGradient,
): Promise<ParameterUpdate[]> {
  if (feedback.regularizer?.w) throw new Error("a fused B step cannot add the self term's W^T: B needs its separate step");
  const s = parameterSettings(config, rule, stepsPerEpoch);
  const steps = net.layers.map(async (layer, i): Promise<ParameterUpdate> => {
    const { left, right, alpha } = products[i];
    const step = await productUpdate(ctx, {
      left, right, alpha, rows, M: layer.nIn, N: layer.feedbackCols, param: layer.B!, moments: feedbackMoments(layer)!,
      clock, settings: withDecayTerm(s.feedback, feedback), seed, stream: NOISE_STREAM.update + layer.index, label: `layer${layer.index}.update_B`,
    });
    return { dispatch: step.dispatch, update: (next) => step.update(withDecayTerm(next.feedback, feedback)) };
  });
  return Promise.all(steps);
}

/**
 * B's own optimiser steps, for rules that train it (not tied, not fixed): from
 * gB, plus the regulariser's terms in B and W^T, which they read before W's
 * update of the same step.
 */
function feedbackUpdates(
  ctx: GpuContext,
  net: RateNetwork,
  rule: RuleSpec,
  clock: GPUBuffer,
  seed: number,
  s: ParameterSettings,
  feedback: FeedbackGradient,
): Promise<ParameterUpdate[]> {
  const steps: Promise<ParameterUpdate>[] = [];
  for (const layer of net.layers) {
    if (!layer.gB || rule.tied) continue;
    steps.push(
      separate('feedback', optimizerStep(ctx, {
        param: layer.B!,
        grad: layer.gB,
        readGrad: feedback.readGrad,
        ...(feedback.regularizer ? { regularizer: { ...feedback.regularizer, S: layer.W } } : {}),
        moments: feedbackMoments(layer)!,
        rows: layer.nIn,
        cols: layer.feedbackCols,
        clock,
        settings: s.feedback,
        seed,
        stream: NOISE_STREAM.update + layer.index,
        label: `layer${layer.index}.update_B`,
      })),
    );
  }
  return Promise.all(steps);
}
