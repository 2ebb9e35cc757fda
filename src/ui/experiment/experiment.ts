// The experiment a page shows and a share link carries: everything needed to reproduce a run,
// its checks, and its translation into the engine's configs.
// Pure: no DOM, so the page, a Web Worker and tests share it.
import { ConfigError } from '../../engine/errors';
import { ACTIVATIONS, type Activation } from '../../engine/kernels/activation';
import { NEURON_MODELS, type NeuronModel, RESETS, type Reset, SURROGATES, type Surrogate } from '../../engine/kernels/lif';
import { OPTIMIZERS, type OptimizerName } from '../../engine/kernels/optimizer';
import { LOSSES, type Loss } from '../../engine/kernels/output-loss';
import { ENCODERS, type Encoder } from '../../engine/kernels/spike-encode';
import { READOUTS, type Readout } from '../../engine/kernels/spike-readout';
import { RULES } from '../../engine/rules/registry';
import { type Coefficients, PRIMITIVES } from '../../engine/rules/rule';
import { EMSTDP_FEEDBACK_RULES, isStdpRule, resolveSpikingConfig, SPIKING_RULES, type SpikingConfig, type SpikingRule } from '../../engine/spiking/config';
import { EPROP_FEEDBACKS, EPROP_UPDATES, type EpropFeedback, type EpropUpdate } from '../../engine/spiking/eprop-options';
import { type Init, INITS, INPUT_SCALINGS, type InputScaling, LR_SCHEDULES, type LrSchedule, MAX_HIDDEN_LAYERS, resolveConfig, type TrainConfig } from '../../engine/training/config';

/**
 * Datasets a link can name: the published image sets and the seeded 2-D classroom sets.
 * A file of the user's own cannot travel in a link (it lives only in their browser), so it is not here.
 */
export const EXPERIMENT_DATASETS = ['mnist', 'fashion-mnist', 'spirals', 'xor', 'circles', 'blobs'] as const;
export type ExperimentDataset = (typeof EXPERIMENT_DATASETS)[number];

export const NETWORK_KINDS = ['rate', 'spiking'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

/** The panels a page can show beside a run. */
export const VIEWS = ['loss', 'accuracy', 'angles', 'raster', 'receptive-fields', 'confusion', 'samples', 'boundary'] as const;
export type View = (typeof VIEWS)[number];

/** The spiking network's neurons and coding; used when `network` is 'spiking', kept otherwise so switching back loses nothing. */
export interface SpikingSettings {
  readonly model: NeuronModel;
  /** Membrane decay per step. */
  readonly beta: number;
  readonly threshold: number;
  readonly reset: Reset;
  /** Steps after a spike in which the neuron is silent. */
  readonly refractory: number;
  /** Simulation steps per example, T. */
  readonly steps: number;
  readonly encoder: Encoder;
  readonly surrogate: Surrogate;
  readonly readout: Readout;
  /** Spike probability (or current) per unit of pixel brightness. */
  readonly encoderGain: number;
  /** Sharpness of the surrogate derivative. */
  readonly surrogateSlope: number;
  /** Synaptic-current decay per step (synaptic neurons). */
  readonly alpha: number;
  /** Threshold-adaptation decay per step (adaptive LIF). */
  readonly rho: number;
  /** Threshold increase per spike (adaptive LIF). */
  readonly gamma: number;
}

/** The options of the spiking rules that have their own (the engine's tssl, eprop, emstdp and bpstdp); each matters only to its rule. */
export interface SpikingRuleSettings {
  /** TSSL-BP's membrane and PSP time constants, in steps. */
  readonly tsslTauM: number;
  readonly tsslTauS: number;
  readonly epropFeedback: EpropFeedback;
  readonly epropUpdate: EpropUpdate;
  /** e-prop's readout decay per step. */
  readonly epropKappa: number;
  readonly emstdpFeedback: EmstdpFeedback;
  readonly emstdpLr: number;
  /** Output error per error spike; null scales the paper's 3 to T (emstdpEpsilon in the engine). */
  readonly emstdpEpsilon: number | null;
  readonly bpstdpMu: number;
  /** Activity window, in steps. */
  readonly bpstdpWindow: number;
  /** Spike probability of a fully bright input pixel, and of the teacher. */
  readonly bpstdpInputGain: number;
  readonly bpstdpTeacherRate: number;
}

export const EMSTDP_FEEDBACKS = Object.keys(EMSTDP_FEEDBACK_RULES) as EmstdpFeedback[];
export type EmstdpFeedback = keyof typeof EMSTDP_FEEDBACK_RULES;

export const FEEDBACK_INPUTS = ['activity', 'noise'] as const;
export type FeedbackInput = (typeof FEEDBACK_INPUTS)[number];

/** How training runs beyond the optimiser's step. `loss` and `tiedDecay` apply to both kinds of network, the rest to rate networks. */
export interface TrainingSettings {
  readonly loss: Loss;
  /** Decoupled decay of W and B for tied rules (Kolen-Pollack); null: the rule's own. */
  readonly tiedDecay: number | null;
  readonly init: Init;
  readonly inputScaling: InputScaling;
  /** Constant, or a cosine to 0 over the run's epochs. */
  readonly lrSchedule: LrSchedule;
  /** Epochs of linear warm-up before the schedule (0: none). */
  readonly warmupEpochs: number;
  /** B's own learning rate; null: the forward one. */
  readonly feedbackLr: number | null;
  /** What drives B's regulariser: the batch's activity or white noise. */
  readonly feedbackInput: FeedbackInput;
  readonly feedbackNoiseStd: number;
  /** Variance of noise added to B's updates. */
  readonly feedbackUpdateNoise: number;
}

export interface OptimizerSettings {
  readonly method: OptimizerName;
  readonly lr: number;
  readonly momentum: number;
  /** Adam's moment decays and epsilon. */
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Coupled L2 on forward weights and biases. */
  readonly weightDecay: number;
}

/** Where a guided lesson stands: its id and the step shown (0-based). */
export interface LessonPlace {
  readonly id: string;
  readonly step: number;
}

/** Everything a share link must reproduce. */
export interface Experiment {
  readonly dataset: ExperimentDataset;
  /** Train on the first n examples only; absent means the whole split. */
  readonly trainSubset?: number;
  readonly testSubset?: number;
  readonly network: NetworkKind;
  readonly hidden: readonly number[];
  /** The rate network's activation; spiking networks spike instead. */
  readonly activation: Activation;
  readonly spiking: SpikingSettings;
  readonly spikingRules: SpikingRuleSettings;
  readonly training: TrainingSettings;
  /** A rate rule (RULES) for rate networks, a spiking rule (SPIKING_RULES) for spiking ones. */
  readonly rule: string;
  /** Overrides of `rule`'s regulariser coefficients (rate rules with trainable B only). */
  readonly coefficients: Readonly<Coefficients>;
  readonly optimizer: OptimizerSettings;
  readonly batchSize: number;
  readonly seed: number;
  readonly epochs: number;
  /**
   * Rules trained side by side from the same seed: none, or 2 to 6. Each runs with
   * its own default coefficients, except `rule`, which keeps its overrides.
   */
  readonly compare: readonly string[];
  readonly lesson: LessonPlace | null;
  /** The views shown, in the order shown. */
  readonly views: readonly View[];
}

/** Bounds of settings a person could mean: wider than any preset, narrow enough that a tampered link cannot ask for gigabytes. */
export const LIMITS = {
  maxHiddenLayers: MAX_HIDDEN_LAYERS,
  maxLayerWidth: 16384,
  maxBatchSize: 4096,
  // The run form's bound.
  maxEpochs: 1000,
  // The classroom sets' MAX_TEACHING_EXAMPLES; MNIST has 60000.
  maxSubset: 1_000_000,
  maxLr: 10,
  maxCoefficient: 1000,
  // Memory grows with T (surrogate BPTT keeps every step).
  maxSteps: 1000,
  maxThreshold: 1000,
  // Gains, slopes, time constants and noise: far beyond any preset, finite.
  maxScale: 1000,
  minCompare: 2,
  maxCompare: 6,
  maxLessonStep: 999,
  maxLessonIdLength: 40,
  maxSeed: 0xffffffff,
} as const;

/** Lesson ids are lower-case words joined by hyphens, so they travel in a link unescaped. */
const LESSON_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const RATE_RULE_IDS: readonly string[] = RULES.map((r) => r.id);
export const SPIKING_RULE_IDS: readonly string[] = SPIKING_RULES;

export function rulesFor(kind: NetworkKind): readonly string[] {
  return kind === 'spiking' ? SPIKING_RULE_IDS : RATE_RULE_IDS;
}

/** `compare` for a network of `kind`: the rules of that kind it lists, in order, or none when fewer than two remain. */
export function compareFor(kind: NetworkKind, compare: readonly string[]): readonly string[] {
  const kept = compare.filter((r) => rulesFor(kind).includes(r));
  return kept.length >= LIMITS.minCompare ? kept : [];
}

const RATE_DEFAULT: Experiment = {
  dataset: 'mnist',
  network: 'rate',
  hidden: [256, 256],
  activation: 'relu',
  // The engine's DEFAULT_SPIKING_CONFIG and DEFAULT_NEURON.
  spiking: {
    model: 'lif',
    beta: 0.95,
    threshold: 1,
    reset: 'subtract',
    refractory: 0,
    steps: 25,
    encoder: 'poisson',
    surrogate: 'fast-sigmoid',
    readout: 'membrane',
    encoderGain: 1,
    surrogateSlope: 25,
    alpha: 0.9,
    rho: 0.97,
    gamma: 0.2,
  },
  // The engine's DEFAULT_SPIKING_CONFIG rule options.
  spikingRules: {
    tsslTauM: 5,
    tsslTauS: 3,
    epropFeedback: 'symmetric',
    epropUpdate: 'factorised',
    epropKappa: Math.exp(-1 / 20),
    emstdpFeedback: 'symmetric',
    emstdpLr: 3e-3,
    emstdpEpsilon: null,
    bpstdpMu: 5e-4,
    bpstdpWindow: 5,
    bpstdpInputGain: 0.25,
    bpstdpTeacherRate: 0.25,
  },
  // The engine's DEFAULT_CONFIG.
  training: {
    loss: 'cross-entropy',
    tiedDecay: null,
    init: 'auto',
    inputScaling: 'unit',
    lrSchedule: 'constant',
    warmupEpochs: 0,
    feedbackLr: null,
    feedbackInput: 'activity',
    feedbackNoiseStd: 1,
    feedbackUpdateNoise: 0,
  },
  rule: 'bp',
  coefficients: {},
  // The engine's DEFAULT_CONFIG.optimizer; epochs as the run form's default.
  optimizer: { method: 'momentum', lr: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  batchSize: 128,
  seed: 1,
  epochs: 5,
  compare: [],
  lesson: null,
  views: ['loss', 'accuracy', 'angles'],
};

// The spiking presets' 784-256-10 network; a raster instead of angles.
const SPIKING_DEFAULT: Experiment = { ...RATE_DEFAULT, network: 'spiking', hidden: [256], rule: 'surrogate-bp', views: ['loss', 'accuracy', 'raster'] };

/** The experiment a fresh page shows for each kind of network. */
export function defaultExperiment(kind: NetworkKind): Experiment {
  return kind === 'spiking' ? DEFAULT_SPIKING_EXPERIMENT : DEFAULT_EXPERIMENT;
}

export const DEFAULT_EXPERIMENT: Experiment = deepFreeze(RATE_DEFAULT);
export const DEFAULT_SPIKING_EXPERIMENT: Experiment = deepFreeze(SPIKING_DEFAULT);

/** One thing wrong with an experiment: `field` is its path ('hidden[1]', 'spiking.beta', 'coefficients.decay'). */
export interface ExperimentProblem {
  readonly field: string;
  readonly message: string;
}

/** The top-level setting a problem's path belongs to, or for grouped settings (spiking, spikingRules, training, optimizer) the sub-setting: 'hidden[1]' → 'hidden'. */
export function settingOf(field: string): string {
  const m = /^((?:spiking|spikingRules|training|optimizer)\.\w+|[A-Za-z]+)/.exec(field);
  return m ? m[1] : field;
}

/**
 * Everything wrong with `e`, empty when it can run: each setting against its bounds, then,
 * when those the engine reads are sound, the engine's own checks for `rule` and every compared rule.
 * Safe on values of the wrong type (an experiment read from storage or JSON).
 */
export function validateExperiment(e: Experiment): ExperimentProblem[] {
  const problems = settingProblems(e);
  const kind: NetworkKind = e.network === 'spiking' ? 'spiking' : 'rate';
  if (problems.some((p) => engineSettings(kind).has(rootOf(p.field)))) return problems;
  const compared = problems.some((p) => rootOf(p.field) === 'compare') ? [] : e.compare.filter((r) => r !== e.rule);
  return [...problems, ...engineProblems(e, kind, compared)];
}

/** The rate network's checked engine config, for `rule` (one of `compare`, by default `e.rule`); throws ConfigError naming the experiment's field. */
export function toTrainConfig(e: Experiment, rule: string = e.rule): TrainConfig {
  if (e.network !== 'rate') throw new ConfigError('network', `is "${String(e.network)}"; a spiking experiment becomes a SpikingConfig (toSpikingConfig).`);
  throwFirst(settingProblems(e), engineSettings('rate'), rule === e.rule);
  return rateConfig(e, rule);
}

/** The spiking network's checked engine config, for `rule` (by default `e.rule`); throws ConfigError naming the experiment's field. */
export function toSpikingConfig(e: Experiment, rule: string = e.rule): SpikingConfig {
  if (e.network !== 'spiking') throw new ConfigError('network', `is "${String(e.network)}"; a rate experiment becomes a TrainConfig (toTrainConfig).`);
  throwFirst(settingProblems(e), engineSettings('spiking'), rule === e.rule);
  return spikingConfig(e, rule);
}

/** The message of an unknown regulariser primitive, shared with the link reader. */
export function unknownPrimitive(name: string): string {
  return `unknown regulariser primitive "${name}". Use ${PRIMITIVES.join(', ')}.`;
}

// ---- bounds of each setting ----

function settingProblems(e: Experiment): ExperimentProblem[] {
  const out: ExperimentProblem[] = [];
  const add = (field: string, message: string | null): void => {
    if (message !== null) out.push({ field, message });
  };
  add('dataset', oneOf(e.dataset, EXPERIMENT_DATASETS, 'dataset'));
  for (const k of ['trainSubset', 'testSubset'] as const) {
    const v = e[k];
    if (v !== undefined) add(k, wholeIn(v, 1, LIMITS.maxSubset, 'a whole number of examples'));
  }
  add('network', oneOf(e.network, NETWORK_KINDS, 'network kind'));
  const kind: NetworkKind = e.network === 'spiking' ? 'spiking' : 'rate';
  if (!Array.isArray(e.hidden) || e.hidden.length < 1 || e.hidden.length > LIMITS.maxHiddenLayers) {
    const got = Array.isArray(e.hidden) ? `${e.hidden.length}` : show(e.hidden);
    add('hidden', `give 1 to ${LIMITS.maxHiddenLayers} hidden layer sizes (got ${got}).`);
  } else {
    e.hidden.forEach((n, i) => {
      const m = wholeIn(n, 1, LIMITS.maxLayerWidth, 'a whole number of neurons');
      add(`hidden[${i}]`, m && `layer ${i + 1} ${m}`);
    });
  }
  add('activation', oneOf(e.activation, ACTIVATIONS, 'activation'));
  spikingProblems(e.spiking, add);
  add('rule', ruleProblem(e.rule, kind));
  coefficientProblems(e.coefficients, kind, add);
  const o: Partial<OptimizerSettings> = isRecord(e.optimizer) ? e.optimizer : {};
  add('optimizer.method', oneOf(o.method, OPTIMIZERS, 'optimizer'));
  add('optimizer.lr', numberIn(o.lr, 0, LIMITS.maxLr, false));
  add('optimizer.momentum', numberIn(o.momentum, 0, 1, true));
  add('optimizer.beta1', numberIn(o.beta1, 0, 1, true));
  add('optimizer.beta2', numberIn(o.beta2, 0, 1, true));
  add('optimizer.eps', above(o.eps, 0, 1));
  add('optimizer.weightDecay', numberIn(o.weightDecay, 0, 1, false));
  trainingProblems(e.training, add);
  spikingRuleProblems(e.spikingRules, add);
  add('batchSize', wholeIn(e.batchSize, 1, LIMITS.maxBatchSize, 'a whole number of examples'));
  add('seed', wholeIn(e.seed, 0, LIMITS.maxSeed, 'a whole number'));
  add('epochs', wholeIn(e.epochs, 1, LIMITS.maxEpochs, 'a whole number'));
  compareProblems(e.compare, kind, add);
  add('lesson', lessonProblem(e.lesson));
  add('views', viewsProblem(e.views));
  return out;
}

type Add = (field: string, message: string | null) => void;

function spikingProblems(s: SpikingSettings, add: Add): void {
  if (!isRecord(s)) {
    add('spiking', 'is missing.');
    return;
  }
  add('spiking.model', oneOf(s.model, NEURON_MODELS, 'neuron model'));
  add('spiking.beta', numberIn(s.beta, 0, 1, false));
  const t = s.threshold;
  add('spiking.threshold', typeof t === 'number' && t > 0 && t <= LIMITS.maxThreshold ? null : `must be a number above 0, at most ${LIMITS.maxThreshold} (got ${show(t)}).`);
  add('spiking.reset', oneOf(s.reset, RESETS, 'reset'));
  add('spiking.refractory', wholeIn(s.refractory, 0, LIMITS.maxSteps, 'a whole number of steps'));
  add('spiking.steps', wholeIn(s.steps, 1, LIMITS.maxSteps, 'a whole number of steps'));
  add('spiking.encoder', oneOf(s.encoder, ENCODERS, 'encoder'));
  add('spiking.surrogate', oneOf(s.surrogate, SURROGATES, 'surrogate'));
  add('spiking.readout', oneOf(s.readout, READOUTS, 'readout'));
  add('spiking.encoderGain', numberIn(s.encoderGain, 0, LIMITS.maxScale, false));
  add('spiking.surrogateSlope', above(s.surrogateSlope, 0, LIMITS.maxScale));
  add('spiking.alpha', numberIn(s.alpha, 0, 1, false));
  add('spiking.rho', numberIn(s.rho, 0, 1, false));
  add('spiking.gamma', numberIn(s.gamma, 0, LIMITS.maxScale, false));
}

function trainingProblems(t: TrainingSettings, add: Add): void {
  if (!isRecord(t)) {
    add('training', 'is missing.');
    return;
  }
  add('training.loss', oneOf(t.loss, LOSSES, 'loss'));
  add('training.tiedDecay', orNull(t.tiedDecay, (v) => numberIn(v, 0, 1, false)));
  add('training.init', oneOf(t.init, INITS, 'initialisation'));
  add('training.inputScaling', oneOf(t.inputScaling, INPUT_SCALINGS, 'input scaling'));
  add('training.lrSchedule', oneOf(t.lrSchedule, LR_SCHEDULES, 'learning-rate schedule'));
  add('training.warmupEpochs', numberIn(t.warmupEpochs, 0, LIMITS.maxEpochs, false));
  add('training.feedbackLr', orNull(t.feedbackLr, (v) => numberIn(v, 0, LIMITS.maxLr, false)));
  add('training.feedbackInput', oneOf(t.feedbackInput, FEEDBACK_INPUTS, 'feedback input'));
  add('training.feedbackNoiseStd', numberIn(t.feedbackNoiseStd, 0, LIMITS.maxScale, false));
  add('training.feedbackUpdateNoise', numberIn(t.feedbackUpdateNoise, 0, LIMITS.maxScale, false));
}

function spikingRuleProblems(r: SpikingRuleSettings, add: Add): void {
  if (!isRecord(r)) {
    add('spikingRules', 'is missing.');
    return;
  }
  add('spikingRules.tsslTauM', numberIn(r.tsslTauM, 1, LIMITS.maxSteps, false));
  add('spikingRules.tsslTauS', numberIn(r.tsslTauS, 1, LIMITS.maxSteps, false));
  add('spikingRules.epropFeedback', oneOf(r.epropFeedback, EPROP_FEEDBACKS, 'e-prop feedback'));
  add('spikingRules.epropUpdate', oneOf(r.epropUpdate, EPROP_UPDATES, 'e-prop update'));
  add('spikingRules.epropKappa', numberIn(r.epropKappa, 0, 1, true));
  add('spikingRules.emstdpFeedback', oneOf(r.emstdpFeedback, EMSTDP_FEEDBACKS, 'EMSTDP feedback'));
  add('spikingRules.emstdpLr', numberIn(r.emstdpLr, 0, LIMITS.maxLr, false));
  add('spikingRules.emstdpEpsilon', orNull(r.emstdpEpsilon, (v) => above(v, 0, LIMITS.maxScale)));
  add('spikingRules.bpstdpMu', numberIn(r.bpstdpMu, 0, LIMITS.maxLr, false));
  add('spikingRules.bpstdpWindow', wholeIn(r.bpstdpWindow, 1, LIMITS.maxSteps, 'a whole number of steps'));
  add('spikingRules.bpstdpInputGain', numberIn(r.bpstdpInputGain, 0, 1, false));
  add('spikingRules.bpstdpTeacherRate', numberIn(r.bpstdpTeacherRate, 0, 1, false));
}

function ruleProblem(rule: unknown, kind: NetworkKind): string | null {
  const known = rulesFor(kind);
  if (typeof rule === 'string' && known.includes(rule)) return null;
  const other: NetworkKind = kind === 'rate' ? 'spiking' : 'rate';
  if (typeof rule === 'string' && rulesFor(other).includes(rule)) {
    return `"${rule}" is a ${other} rule; a ${kind} network learns with one of: ${known.join(', ')}.`;
  }
  return `unknown rule ${show(rule)}. Choose one of: ${known.join(', ')}.`;
}

function coefficientProblems(c: Readonly<Coefficients>, kind: NetworkKind, add: Add): void {
  if (!isRecord(c)) {
    add('coefficients', `must be primitive-to-number overrides (got ${show(c)}).`);
    return;
  }
  const entries = Object.entries(c);
  if (kind === 'spiking' && entries.length > 0) {
    add('coefficients', 'spiking rules have no regulariser coefficients; remove them.');
    return;
  }
  for (const [k, v] of entries) {
    if (!(PRIMITIVES as readonly string[]).includes(k)) add(`coefficients.${k}`, unknownPrimitive(k));
    else add(`coefficients.${k}`, numberIn(v, -LIMITS.maxCoefficient, LIMITS.maxCoefficient, false));
  }
}

function compareProblems(rules: readonly string[], kind: NetworkKind, add: Add): void {
  if (!Array.isArray(rules)) {
    add('compare', `must be a list of rule ids (got ${show(rules)}).`);
    return;
  }
  if (rules.length === 1 || rules.length > LIMITS.maxCompare) {
    add('compare', `lists ${rules.length} rules; compare ${LIMITS.minCompare} to ${LIMITS.maxCompare}, or none.`);
    return;
  }
  const twice = rules.find((r, i) => rules.indexOf(r) !== i);
  if (twice !== undefined) {
    add('compare', `lists ${show(twice)} twice; each rule runs once.`);
    return;
  }
  rules.forEach((r, i) => add(`compare[${i}]`, ruleProblem(r, kind)));
}

function lessonProblem(l: LessonPlace | null): string | null {
  if (l === null) return null;
  if (!isRecord(l)) return `must be a lesson id and step, or none (got ${show(l)}).`;
  const id = l.id;
  if (typeof id !== 'string' || id.length > LIMITS.maxLessonIdLength || !LESSON_ID.test(id)) {
    return `id ${show(id)} is not a lesson id: lower-case letters and digits joined by hyphens, at most ${LIMITS.maxLessonIdLength} characters.`;
  }
  const m = wholeIn(l.step, 0, LIMITS.maxLessonStep, 'a whole number');
  return m && `step ${m}`;
}

function viewsProblem(views: readonly View[]): string | null {
  if (!Array.isArray(views)) return `must be a list of views (got ${show(views)}).`;
  for (const [i, v] of views.entries()) {
    const m = oneOf(v, VIEWS, 'view');
    if (m) return m;
    if (views.indexOf(v) !== i) return `lists "${v}" twice.`;
  }
  return null;
}

// ---- the engine's own checks ----

/** Settings each kind of network hands to the engine; a problem in one of them makes the engine's checks moot. */
function engineSettings(kind: NetworkKind): ReadonlySet<string> {
  const shared = ['network', 'hidden', 'rule', 'coefficients', 'optimizer', 'training', 'batchSize', 'seed'];
  return new Set(kind === 'rate' ? [...shared, 'activation'] : [...shared, 'spiking', 'spikingRules']);
}

function rootOf(field: string): string {
  return /^[A-Za-z]+/.exec(field)?.[0] ?? field;
}

/** The engine's verdict on `e.rule` and on each other rule in `compared`, in experiment terms. */
function engineProblems(e: Experiment, kind: NetworkKind, compared: readonly string[]): ExperimentProblem[] {
  const out: ExperimentProblem[] = [];
  for (const rule of [e.rule, ...compared]) {
    try {
      if (kind === 'rate') rateConfig(e, rule);
      else spikingConfig(e, rule);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const message = bareMessage(err);
      out.push(rule === e.rule ? { field: err.field, message } : { field: 'compare', message: `"${rule}" cannot run with these settings: ${err.field} ${message}` });
    }
  }
  return out;
}

function throwFirst(problems: ExperimentProblem[], settings: ReadonlySet<string>, ownRule: boolean): void {
  // A compared rule does not use e.rule or its coefficients.
  const p = problems.find((q) => settings.has(rootOf(q.field)) && (ownRule || (rootOf(q.field) !== 'rule' && rootOf(q.field) !== 'coefficients')));
  if (p) throw new ConfigError(p.field, p.message);
}

function rateConfig(e: Experiment, rule: string): TrainConfig {
  const t = e.training;
  try {
    return resolveConfig({
      hidden: [...e.hidden],
      activation: e.activation,
      loss: t.loss,
      init: t.init,
      inputScaling: t.inputScaling,
      rule,
      coefficients: rule === e.rule ? { ...e.coefficients } : {},
      feedbackInput: t.feedbackInput,
      feedbackNoiseStd: t.feedbackNoiseStd,
      feedbackUpdateNoise: t.feedbackUpdateNoise,
      feedbackLr: t.feedbackLr,
      tiedDecay: t.tiedDecay,
      optimizer: { ...e.optimizer },
      ...scheduleOf(e),
      batchSize: e.batchSize,
      seed: e.seed,
    });
  } catch (err) {
    throw inExperimentTerms(err, RATE_FIELDS);
  }
}

/** The learning-rate schedule: as the command line does, a cosine spans the run's own epochs; a constant rate has no length. */
function scheduleOf(e: Experiment): { lrSchedule: LrSchedule; warmupEpochs: number; scheduleEpochs?: number } {
  const t = e.training;
  return { lrSchedule: t.lrSchedule, warmupEpochs: t.warmupEpochs, ...(t.lrSchedule === 'cosine' ? { scheduleEpochs: e.epochs } : {}) };
}

function spikingConfig(e: Experiment, rule: string): SpikingConfig {
  const s = e.spiking;
  const r = e.spikingRules;
  try {
    return resolveSpikingConfig({
      hidden: [...e.hidden],
      steps: s.steps,
      encoder: s.encoder,
      encoderGain: s.encoderGain,
      neuron: { model: s.model, beta: s.beta, threshold: s.threshold, reset: s.reset, refractory: s.refractory, alpha: s.alpha, rho: s.rho, gamma: s.gamma },
      surrogate: { kind: s.surrogate, slope: s.surrogateSlope },
      readout: s.readout,
      loss: e.training.loss,
      // Checked by the engine's oneOf('rule', ...).
      rule: rule as SpikingRule,
      tssl: { tauM: r.tsslTauM, tauS: r.tsslTauS },
      eprop: { feedback: r.epropFeedback, update: r.epropUpdate, kappa: r.epropKappa },
      emstdp: { feedback: r.emstdpFeedback, lr: r.emstdpLr, epsilon: r.emstdpEpsilon },
      bpstdp: { mu: r.bpstdpMu, window: r.bpstdpWindow, inputGain: r.bpstdpInputGain, teacherRate: r.bpstdpTeacherRate },
      tiedDecay: e.training.tiedDecay,
      optimizer: { ...e.optimizer },
      // The spike-only rules have no optimiser to schedule; a compared one keeps the others' schedule.
      ...(isStdpRule(rule as SpikingRule) ? {} : scheduleOf(e)),
      batchSize: e.batchSize,
      seed: e.seed,
    });
  } catch (err) {
    throw inExperimentTerms(err, SPIKING_FIELDS);
  }
}

/** Engine field → experiment field; an engine field not listed (and not under hidden/optimizer/coefficients) is a constraint its rule brings. */
const SHARED_FIELDS: Readonly<Record<string, string>> = { rule: 'rule', batchSize: 'batchSize', seed: 'seed', loss: 'training.loss', tiedDecay: 'training.tiedDecay' };
const RATE_FIELDS: Readonly<Record<string, string>> = {
  ...SHARED_FIELDS,
  activation: 'activation',
  init: 'training.init',
  inputScaling: 'training.inputScaling',
  lrSchedule: 'training.lrSchedule',
  scheduleEpochs: 'epochs',
  warmupEpochs: 'training.warmupEpochs',
  feedbackLr: 'training.feedbackLr',
  feedbackInput: 'training.feedbackInput',
  feedbackNoiseStd: 'training.feedbackNoiseStd',
  feedbackUpdateNoise: 'training.feedbackUpdateNoise',
};
const SPIKING_FIELDS: Readonly<Record<string, string>> = {
  ...SHARED_FIELDS,
  lrSchedule: 'training.lrSchedule',
  scheduleEpochs: 'epochs',
  warmupEpochs: 'training.warmupEpochs',
  encoderGain: 'spiking.encoderGain',
  'surrogate.slope': 'spiking.surrogateSlope',
  'neuron.alpha': 'spiking.alpha',
  'neuron.rho': 'spiking.rho',
  'neuron.gamma': 'spiking.gamma',
  'tssl.tauM': 'spikingRules.tsslTauM',
  'tssl.tauS': 'spikingRules.tsslTauS',
  'eprop.feedback': 'spikingRules.epropFeedback',
  'eprop.update': 'spikingRules.epropUpdate',
  'eprop.kappa': 'spikingRules.epropKappa',
  'emstdp.feedback': 'spikingRules.emstdpFeedback',
  'emstdp.lr': 'spikingRules.emstdpLr',
  'emstdp.epsilon': 'spikingRules.emstdpEpsilon',
  'bpstdp.mu': 'spikingRules.bpstdpMu',
  'bpstdp.window': 'spikingRules.bpstdpWindow',
  'bpstdp.inputGain': 'spikingRules.bpstdpInputGain',
  'bpstdp.teacherRate': 'spikingRules.bpstdpTeacherRate',
  steps: 'spiking.steps',
  encoder: 'spiking.encoder',
  readout: 'spiking.readout',
  'surrogate.kind': 'spiking.surrogate',
  'neuron.model': 'spiking.model',
  'neuron.beta': 'spiking.beta',
  'neuron.threshold': 'spiking.threshold',
  'neuron.reset': 'spiking.reset',
  'neuron.refractory': 'spiking.refractory',
};

function inExperimentTerms(err: unknown, fields: Readonly<Record<string, string>>): unknown {
  if (!(err instanceof ConfigError)) return err;
  const f = err.field;
  let field = 'rule';
  if (Object.hasOwn(fields, f)) field = fields[f];
  else if (/^(hidden|optimizer\.|coefficients)/.test(f)) field = f;
  // e-prop's neuron check names a layer's override, which experiments never set: the shared neuron is at fault.
  else if (f.startsWith('layerNeurons')) field = 'spiking.model';
  return new ConfigError(field, bareMessage(err));
}

function bareMessage(err: ConfigError): string {
  const prefix = `${err.field}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

// ---- small checks that say what was wrong ----

function oneOf(v: unknown, options: readonly string[], what: string): string | null {
  if (typeof v === 'string' && options.includes(v)) return null;
  return `unknown ${what} ${show(v)}. Choose one of: ${options.join(', ')}.`;
}

function wholeIn(v: unknown, lo: number, hi: number, what: string): string | null {
  if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) return null;
  return `must be ${what} from ${lo} to ${hi} (got ${show(v)}).`;
}

function numberIn(v: unknown, lo: number, hi: number, openHi: boolean): string | null {
  if (typeof v === 'number' && v >= lo && (openHi ? v < hi : v <= hi)) return null;
  return `must be a number in [${lo}, ${hi}${openHi ? ')' : ']'} (got ${show(v)}).`;
}

/** For settings that must be positive: in (lo, hi]. */
function above(v: unknown, lo: number, hi: number): string | null {
  if (typeof v === 'number' && v > lo && v <= hi) return null;
  return `must be a number above ${lo}, at most ${hi} (got ${show(v)}).`;
}

/** null means "the engine's own choice"; anything else is checked. */
function orNull(v: unknown, check: (v: unknown) => string | null): string | null {
  if (v === null) return null;
  const m = check(v);
  return m && `${m.replace(/\.$/, '')}; or leave it empty for the default.`;
}

/** A value as a person would recognise it in a message; strings quoted, long ones cut. */
export function show(v: unknown): string {
  const cut = (t: string): string => (t.length > 40 ? `${t.slice(0, 40)}…` : t);
  if (typeof v === 'string') return `"${cut(v)}"`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'function') return 'a function';
  if (typeof v !== 'object') return cut(String(v));
  try {
    return cut(JSON.stringify(v));
  } catch {
    // A cycle or a bigint inside: the kind of value is all a person needs.
    return Array.isArray(v) ? 'a list' : 'an object';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
