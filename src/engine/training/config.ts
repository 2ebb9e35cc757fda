import { ConfigError } from '../errors';
import { ACTIVATIONS, type Activation } from '../kernels/activation';
import { LOSSES, type Loss } from '../kernels/output-loss';
import { lrFactorAt, OPTIMIZERS, type OptimizerName, type StepSchedule } from '../kernels/optimizer';
import { findRule } from '../rules/registry';
import { type Coefficients, PRIMITIVES } from '../rules/rule';

export const INITS = ['auto', 'xavier', 'kaiming'] as const;
export type Init = (typeof INITS)[number];

/** How pixels reach the network: standardised with the training set's mean and std, or as [0, 1]. */
/** The learning rate over a run: constant, or a cosine from lr down to 0 over `scheduleEpochs`. */
export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export type LrSchedule = (typeof LR_SCHEDULES)[number];

export const INPUT_SCALINGS = ['standardize', 'unit'] as const;
export type InputScaling = (typeof INPUT_SCALINGS)[number];

export interface OptimizerConfig {
  method: OptimizerName;
  lr: number;
  momentum: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Coupled L2 on forward weights and biases. */
  weightDecay: number;
}

/** Everything that defines a run of a rate network; the seed fixes init, shuffling and noise. */
export interface TrainConfig {
  hidden: number[];
  activation: Activation;
  loss: Loss;
  init: Init;
  inputScaling: InputScaling;
  rule: string;
  /** Overrides of the rule's regulariser coefficients. */
  coefficients: Coefficients;
  /** What drives B's regulariser: the batch's own activity, or fresh white noise. */
  feedbackInput: 'activity' | 'noise';
  /** Std of the white-noise input when feedbackInput is 'noise'. */
  feedbackNoiseStd: number;
  /** Variance of the noise added to B's updates ("weight estimation" with noisy updates). */
  feedbackUpdateNoise: number;
  /** B's own learning rate; null means the forward learning rate. */
  feedbackLr: number | null;
  /** Decoupled decay of W and B for tied rules (Kolen-Pollack); null means the rule's default. */
  tiedDecay: number | null;
  optimizer: OptimizerConfig;
  lrSchedule: LrSchedule;
  /** Length of the cosine schedule, in epochs; after it the learning rate stays 0. */
  scheduleEpochs: number;
  /** Epochs of linear warm-up from ~0 to lr at the start of the schedule (0 = none). */
  warmupEpochs: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_CONFIG: TrainConfig = {
  hidden: [256, 256],
  activation: 'relu',
  loss: 'cross-entropy',
  init: 'auto',
  // Pixels in [0, 1]. Standardising (mean 0.13, std 0.31 on MNIST) makes the
  // input ~9x larger in squared norm, so the first layer learns ~9x faster: BP
  // gains (bench/), but at lr 0.01 FA, DFA, SA, AA and IA blow up on narrow
  // networks (64-32, batch 32), so the robust choice stays the default.
  inputScaling: 'unit',
  rule: 'bp',
  coefficients: {},
  feedbackInput: 'activity',
  feedbackNoiseStd: 1,
  feedbackUpdateNoise: 0,
  feedbackLr: null,
  tiedDecay: null,
  // Momentum SGD trains every rule. Adam moves each hidden weight by about lr per
  // step whatever its pseudo-gradient, which under random feedback outruns the
  // top layer's alignment and diverges on narrow networks (see docs/rules.md).
  optimizer: { method: 'momentum', lr: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  lrSchedule: 'constant',
  scheduleEpochs: 10,
  warmupEpochs: 0,
  batchSize: 128,
  seed: 1,
};

export const MAX_HIDDEN_LAYERS = 8;

/** What a user may give: any subset of the settings, the optimiser's too. */
export type ConfigInput = Partial<Omit<TrainConfig, 'optimizer'>> & { optimizer?: Partial<OptimizerConfig> };

/** Fills in defaults and refuses settings that cannot work, naming the field. */
export function resolveConfig(partial: ConfigInput): TrainConfig {
  const c: TrainConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
    coefficients: { ...(partial.coefficients ?? {}) },
    optimizer: { ...DEFAULT_CONFIG.optimizer, ...(partial.optimizer ?? {}) },
  };
  validateConfig(c);
  return c;
}

export function validateConfig(c: TrainConfig): void {
  if (!Array.isArray(c.hidden) || c.hidden.length < 1 || c.hidden.length > MAX_HIDDEN_LAYERS) {
    throw new ConfigError('hidden', `give 1 to ${MAX_HIDDEN_LAYERS} hidden layer sizes (got ${JSON.stringify(c.hidden)}).`);
  }
  c.hidden.forEach((n, i) => positiveInt(`hidden[${i}]`, n));
  oneOf('activation', c.activation, ACTIVATIONS);
  oneOf('loss', c.loss, LOSSES);
  oneOf('init', c.init, INITS);
  oneOf('inputScaling', c.inputScaling, INPUT_SCALINGS);
  const rule = findRule(c.rule);
  for (const [k, v] of Object.entries(c.coefficients)) {
    if (!(PRIMITIVES as readonly string[]).includes(k)) {
      throw new ConfigError(`coefficients.${k}`, `unknown regulariser primitive. Use ${PRIMITIVES.join(', ')}.`);
    }
    finite(`coefficients.${k}`, v as number);
  }
  if (rule.feedback === 'direct' || rule.feedback === 'sign' || rule.feedback === 'transpose') {
    if (Object.values(c.coefficients).some((v) => v)) {
      throw new ConfigError('coefficients', `rule "${rule.id}" has no trainable backward weights; remove the coefficients or pick fa, wm, ia, sa, aa or kp.`);
    }
  }
  oneOf('feedbackInput', c.feedbackInput, ['activity', 'noise'] as const);
  nonNegative('feedbackNoiseStd', c.feedbackNoiseStd);
  nonNegative('feedbackUpdateNoise', c.feedbackUpdateNoise);
  if (c.feedbackLr !== null) nonNegative('feedbackLr', c.feedbackLr);
  if (c.tiedDecay !== null) nonNegative('tiedDecay', c.tiedDecay);
  const o = c.optimizer;
  oneOf('optimizer.method', o.method, OPTIMIZERS);
  nonNegative('optimizer.lr', o.lr);
  inRange('optimizer.momentum', o.momentum, 0, 1, true);
  inRange('optimizer.beta1', o.beta1, 0, 1, true);
  inRange('optimizer.beta2', o.beta2, 0, 1, true);
  if (!(o.eps > 0)) throw new ConfigError('optimizer.eps', `must be a positive number (got ${o.eps}).`);
  nonNegative('optimizer.weightDecay', o.weightDecay);
  validateSchedule(c);
  positiveInt('batchSize', c.batchSize);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw new ConfigError('seed', `must be an integer from 0 to 4294967295 (got ${c.seed}).`);
  }
}

export function positiveInt(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(field, `must be a whole number of at least 1 (got ${v}).`);
}

export function finite(field: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(field, `must be a finite number (got ${v}).`);
}

export function nonNegative(field: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new ConfigError(field, `must be a finite number of at least 0 (got ${v}).`);
  }
}

export function inRange(field: string, v: number, lo: number, hi: number, openHi: boolean): void {
  if (typeof v !== 'number' || !(v >= lo) || (openHi ? !(v < hi) : !(v <= hi))) {
    throw new ConfigError(field, `must be in [${lo}, ${hi}${openHi ? ')' : ']'} (got ${v}).`);
  }
}

/** The learning-rate schedule's settings, shared by rate and spiking runs. */
export type ScheduleConfig = Pick<TrainConfig, 'lrSchedule' | 'scheduleEpochs' | 'warmupEpochs'>;

export function validateSchedule(c: ScheduleConfig): void {
  oneOf('lrSchedule', c.lrSchedule, LR_SCHEDULES);
  if (!(c.scheduleEpochs > 0) || !Number.isFinite(c.scheduleEpochs)) {
    throw new ConfigError('scheduleEpochs', `must be a positive number of epochs (got ${c.scheduleEpochs}).`);
  }
  nonNegative('warmupEpochs', c.warmupEpochs);
  if (c.lrSchedule === 'cosine' && c.warmupEpochs >= c.scheduleEpochs) {
    throw new ConfigError('warmupEpochs', `must be shorter than the schedule's ${c.scheduleEpochs} epochs (got ${c.warmupEpochs}).`);
  }
}

export function oneOf<T extends string>(field: string, v: string, options: readonly T[]): void {
  if (!options.includes(v as T)) throw new ConfigError(field, `unknown value "${v}". Choose one of: ${options.join(', ')}.`);
}

/**
 * The learning-rate schedule in steps, as the optimiser kernel reads it: a
 * linear warm-up over `warmupEpochs` (it keeps rules whose B starts random from
 * blowing up while the top layer is still misaligned), then constant, or a
 * cosine to 0 at `scheduleEpochs`.
 */
export function scheduleSteps(c: ScheduleConfig, stepsPerEpoch: number): StepSchedule {
  const warmupSteps = Math.round(c.warmupEpochs * stepsPerEpoch);
  if (c.lrSchedule === 'constant') return { warmupSteps, cosineSteps: 0 };
  return { warmupSteps, cosineSteps: Math.max(warmupSteps + 1, Math.round(c.scheduleEpochs * stepsPerEpoch)) };
}

/** The multiple of the base learning rate at `step` (0-based) of a run. */
export function scheduleFactor(c: ScheduleConfig, step: number, stepsPerEpoch: number): number {
  return lrFactorAt(step, scheduleSteps(c, stepsPerEpoch));
}
