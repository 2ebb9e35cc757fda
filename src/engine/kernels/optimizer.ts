import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerSettings {
  method: OptimizerName;
  lr: number;
  /** Momentum coefficient (momentum only). */
  mu: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Coupled L2: added to the gradient as weight_decay * P. */
  weightDecay: number;
  /** Decoupled decay: P shrinks by (1 - lr * decay) each step. */
  decay: number;
  /** Std of the noise added to the update, scaled by lr ("weight estimation" noise). */
  noiseStd: number;
  /** The learning-rate schedule, applied per step from the GPU clock (lrFactorAt). */
  schedule: StepSchedule;
}

/**
 * A learning-rate schedule in steps: linear warm-up over `warmupSteps`, then
 * constant (`cosineSteps` 0) or a cosine to 0 at step `cosineSteps`. The kernel
 * evaluates it from the clock, so how steps are grouped into submits cannot
 * change the rate a step trains with.
 */
export interface StepSchedule {
  warmupSteps: number;
  cosineSteps: number;
}

export const CONSTANT_SCHEDULE: StepSchedule = { warmupSteps: 0, cosineSteps: 0 };

/** The multiple of lr at `step` (0-based): what optimizer.wgsl's `scheduled_lr` computes. */
export function lrFactorAt(step: number, s: StepSchedule): number {
  if (step < s.warmupSteps) return (step + 1) / (s.warmupSteps + 1);
  if (s.cosineSteps === 0) return 1;
  const progress = Math.min(1, (step - s.warmupSteps) / (s.cosineSteps - s.warmupSteps));
  return 0.5 * (1 + Math.cos(Math.PI * progress));
}

/**
 * Where a parameter's optimiser moments lie: m and v, each the parameter's
 * size, at these float offsets of one buffer (a layer keeps W's and b's in
 * one, so a fused update binds one buffer for four: kernels/weight-update.ts).
 */
export interface MomentSlots {
  buffer: GPUBuffer;
  m: number;
  v: number;
}

/** m then v in a buffer of their own, for a parameter of `n` floats (2 n floats). */
export function momentSlots(buffer: GPUBuffer, n: number, at = 0): MomentSlots {
  return { buffer, m: at, v: at + n };
}

export interface OptimizerArgs {
  param: GPUBuffer;
  grad: GPUBuffer;
  clock: GPUBuffer;
  /** The moments (unused by SGD). */
  moments: MomentSlots;
  /** Kolen-Pollack: the transposed twin that receives the same update. */
  tied?: GPUBuffer;
  /** Terms added to the gradient in the step: p P + w S^T, S cols x rows (a trained B's decay and self terms, S = W). */
  regularizer?: StepRegularizer;
  /** False when `grad` holds nothing for this step: the gradient is the regulariser's alone. */
  readGrad?: boolean;
  rows: number;
  cols: number;
  settings: OptimizerSettings;
  seed: number;
  stream: number;
  label?: string;
}

export interface StepRegularizer {
  p: number;
  w: number;
  S: GPUBuffer;
}

export interface OptimizerStep {
  dispatch: Dispatch;
  /** Rewrites the learning rate, coefficients and schedule; takes effect from the next submit. */
  update(settings: OptimizerSettings): void;
}

type UniformField = readonly ['u32' | 'f32', number];

/** optimizer_math.wgsl's OptimizerSettings, field by field (48 bytes, no padding). */
export function optimizerSettingsFields(s: OptimizerSettings, seed: number, stream: number): UniformField[] {
  return [
    ['f32', s.lr],
    ['f32', s.mu],
    ['f32', s.beta1],
    ['f32', s.beta2],
    ['f32', s.eps],
    ['f32', s.weightDecay],
    ['f32', s.decay],
    ['f32', s.noiseStd],
    ['u32', seed],
    ['u32', stream],
    ['u32', s.schedule.warmupSteps],
    ['u32', s.schedule.cosineSteps],
  ];
}

function uniforms(a: OptimizerArgs, s: OptimizerSettings): ArrayBuffer {
  // The settings struct is 16-byte aligned: it starts at byte 16; the struct is padded to 80 bytes.
  const r = a.regularizer;
  return packUniforms([
    ['u32', a.rows * a.cols], ['u32', a.rows], ['u32', a.cols], ['u32', a.moments.m],
    ...optimizerSettingsFields(s, a.seed, a.stream),
    ['f32', r?.p ?? 0], ['f32', r?.w ?? 0], ['u32', a.moments.v], ['u32', 0],
  ]);
}

/** One in-place optimiser step on a parameter (see optimizer.wgsl). */
export async function optimizerStep(ctx: GpuContext, a: OptimizerArgs): Promise<OptimizerStep> {
  const s = a.settings;
  const kernel = await ctx.pipelines.get({
    name: 'optimizer',
    source: SHADERS.optimizer,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write', 'read'],
    constants: {
      METHOD: OPTIMIZERS.indexOf(s.method),
      TIED: a.tied ? 1 : 0,
      NOISE: s.noiseStd > 0 ? 1 : 0,
      READ_GRAD: a.readGrad === false ? 0 : 1,
      REGULARIZE: a.regularizer ? 1 : 0,
    },
  });
  const label = a.label ?? 'optimizer';
  const u = ctx.uniform(`${label}.params`, uniforms(a, s));
  const tied = a.tied ?? ctx.dummy('optimizer.tied');
  const source = a.regularizer?.S ?? ctx.dummy('optimizer.regularizer_source');
  const dispatch = makeDispatch(ctx.device, kernel, [u, a.grad, a.clock, a.param, a.moments.buffer, tied, source], grid1d(a.rows * a.cols, 256), label);
  return {
    dispatch,
    update(next: OptimizerSettings) {
      if (next.method !== s.method || (next.noiseStd > 0) !== (s.noiseStd > 0)) {
        throw new Error('optimizer method and noise on/off are fixed when the network is built');
      }
      ctx.device.queue.writeBuffer(u, 0, uniforms(a, next));
    },
  };
}
