import type { GpuContext } from '../device/gpu-context';
import { type OptimizerSettings, type OptimizerStep, optimizerStep, type StepSchedule } from '../kernels/optimizer';
import { NOISE_STREAM } from '../layers/feedback-update';
import type { RateNetwork } from '../layers/network';
import type { RuleSpec } from '../rules/rule';
import { scheduleSteps, type TrainConfig } from '../training/config';

export type ParameterKind = 'weights' | 'bias' | 'feedback';

export interface ParameterUpdate {
  kind: ParameterKind;
  step: OptimizerStep;
}

/**
 * The optimiser settings each kind of parameter gets under a config and rule;
 * the learning-rate schedule is laid out over epochs of `stepsPerEpoch` steps.
 */
export function parameterSettings(config: TrainConfig, rule: RuleSpec, stepsPerEpoch: number) {
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

/**
 * Applies every parameter update of a step, after the whole backward pass
 * has read the old W and B (as one optimiser step over the total loss does).
 */
export async function parameterUpdates(
  ctx: GpuContext,
  net: RateNetwork,
  config: TrainConfig,
  rule: RuleSpec,
  clock: GPUBuffer,
  seed: number,
  stepsPerEpoch: number,
): Promise<ParameterUpdate[]> {
  const s = parameterSettings(config, rule, stepsPerEpoch);
  const steps: Promise<ParameterUpdate>[] = [];
  const tag = (kind: ParameterKind, p: Promise<OptimizerStep>) => p.then((step) => ({ kind, step }));
  for (const layer of net.layers) {
    const name = `layer${layer.index}`;
    steps.push(
      tag('weights', optimizerStep(ctx, {
        param: layer.W,
        grad: layer.gW,
        m: layer.mW,
        v: layer.vW,
        tied: rule.tied ? layer.B! : undefined,
        rows: layer.nOut,
        cols: layer.nIn,
        clock,
        settings: s.weights,
        seed,
        stream: NOISE_STREAM.update + layer.index,
        label: `${name}.update_W`,
      })),
      tag('bias', optimizerStep(ctx, {
        param: layer.b,
        grad: layer.gb,
        m: layer.mb,
        v: layer.vb,
        rows: 1,
        cols: layer.nOut,
        clock,
        settings: s.bias,
        seed,
        stream: 0,
        label: `${name}.update_b`,
      })),
    );
    if (layer.gB && !rule.tied) {
      steps.push(
        tag('feedback', optimizerStep(ctx, {
          param: layer.B!,
          grad: layer.gB,
          m: layer.mB!,
          v: layer.vB!,
          rows: layer.nIn,
          cols: layer.feedbackCols,
          clock,
          settings: s.feedback,
          seed,
          stream: NOISE_STREAM.update + layer.index,
          label: `${name}.update_B`,
        })),
      );
    }
  }
  return Promise.all(steps);
}
