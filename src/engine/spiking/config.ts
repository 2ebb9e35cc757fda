import { ConfigError } from '../errors';
import { ENCODERS, type Encoder } from '../kernels/spike-encode';
import { NEURON_MODELS, type NeuronParams, RESETS, SURROGATES, type Surrogate } from '../kernels/lif';
import { LOSSES, type Loss } from '../kernels/output-loss';
import { OPTIMIZERS } from '../kernels/optimizer';
import { READOUTS, type Readout } from '../kernels/spike-readout';
import { EPROP_FEEDBACKS, EPROP_UPDATES, type EpropFeedback, type EpropUpdate } from './eprop-options';
import { DEFAULT_CONFIG, finite, inRange, type LrSchedule, MAX_HIDDEN_LAYERS, nonNegative, oneOf, type OptimizerConfig, positiveInt, validateSchedule } from '../training/config';

/**
 * Surrogate-gradient BPTT over each backward pathway of the rate engine: the
 * spiking rule's id, and the rate rule whose feedback (W^T, fixed random B,
 * direct B, sign(W)^T, or Kolen-Pollack's tied B) carries the error down.
 */
export const SURROGATE_RULES = {
  'surrogate-bp': 'bp',
  'surrogate-fa': 'fa',
  'surrogate-dfa': 'dfa',
  'surrogate-ss': 'ss',
  'surrogate-kp': 'kp',
} as const;
export type SurrogateRule = keyof typeof SURROGATE_RULES;

/**
 * Rules with their own passes, and the rate rule whose feedback layout their
 * network needs: TSSL-BP (Zhang & Li 2020) carries errors through W at spike
 * times; e-prop (Bellec et al. 2020) sends the readout's error to every hidden
 * layer through its own B (the direct layout) and learns by eligibility traces.
 */
export const OWN_RULES = { 'tssl-bp': 'bp', eprop: 'dfa', emstdp: 'bp', bpstdp: 'bp' } as const;

/** Spike-only rules with their own integrate-and-fire neurons and local updates, no optimiser (stdp-trainer.ts). */
export const STDP_RULES = ['emstdp', 'bpstdp'] as const;
export function isStdpRule(rule: SpikingRule): boolean {
  return (STDP_RULES as readonly string[]).includes(rule);
}

/** EMSTDP's error pathway, as rate rules name it: W^T (symmetric), fixed random B, or direct from the output. */
export const EMSTDP_FEEDBACK_RULES = { symmetric: 'bp', random: 'fa', direct: 'dfa' } as const;
export type SpikingRule = SurrogateRule | keyof typeof OWN_RULES;
export const SPIKING_RULES = [...Object.keys(SURROGATE_RULES), ...Object.keys(OWN_RULES)] as SpikingRule[];

/** The rate rule whose backward weights (W^T, B, sign(W)^T...) a spiking rule uses. */
export function feedbackRuleOf(rule: SpikingRule, c?: Pick<SpikingConfig, 'emstdp'>): string {
  if (rule === 'emstdp' && c) return EMSTDP_FEEDBACK_RULES[c.emstdp.feedback];
  return rule in SURROGATE_RULES ? SURROGATE_RULES[rule as SurrogateRule] : OWN_RULES[rule as keyof typeof OWN_RULES];
}

/**
 * EMSTDP's output error threshold: the one given, or EMSTDP_main.py's 3 for its
 * 49-step phases scaled to this run's phase window twin = floor(T/2) - 1, at
 * least 1. With 3 at T = 25 (11-step phases) an output neuron can send at most
 * 3 error spikes per example and the network did not learn (7-24% after 3,000
 * examples); 1 reached 84% (plasticity train, 784-256-10, batch 10,
 * 3,000 training and 500 test examples, lavapipe; bench/results/snn.md predates this).
 */
export function emstdpEpsilon(c: Pick<SpikingConfig, 'emstdp' | 'steps'>): number {
  if (c.emstdp.epsilon !== null) return c.emstdp.epsilon;
  const twin = Math.max(1, Math.floor(c.steps / 2) - 1);
  return Math.max(1, Math.round((3 * twin) / 49));
}

/** Everything that defines a run of a spiking network; the seed fixes init, shuffling and input spikes. */
export interface SpikingConfig {
  hidden: number[];
  /** Simulation steps per example, T. */
  steps: number;
  encoder: Encoder;
  /** Rate multiplier of the rate encoders; current multiplier of 'current'. */
  encoderGain: number;
  /** Neuron of every layer, hidden and output... */
  neuron: NeuronParams;
  /** ...with per-layer overrides (index 0 is the first hidden layer; the last, the output). */
  layerNeurons: Array<Partial<NeuronParams>>;
  surrogate: { kind: Surrogate; slope: number };
  readout: Readout;
  loss: Loss;
  rule: SpikingRule;
  /** TSSL-BP's membrane and PSP time constants, in steps (its neuron: u decays by 1 - 1/tauM, resets to 0). */
  tssl: { tauM: number; tauS: number };
  /** e-prop's learning signal (B = W_out^T, fixed random, or trained like W_out), update form, and readout decay. */
  eprop: { feedback: EpropFeedback; update: EpropUpdate; kappa: number };
  /** EMSTDP (Shrestha et al. 2019): error pathway, learning rate, output error-spike threshold. */
  emstdp: { feedback: keyof typeof EMSTDP_FEEDBACK_RULES; lr: number; epsilon: number | null };
  /** BP-STDP (Tavanaei & Maida 2019): learning rate mu, window eps in steps, input and teacher spike probabilities. */
  bpstdp: { mu: number; window: number; inputGain: number; teacherRate: number };
  optimizer: OptimizerConfig;
  /** The optimiser's learning-rate schedule, as in rate runs (the spike-only rules have no optimiser). */
  lrSchedule: LrSchedule;
  /** Length of the cosine schedule, in epochs. */
  scheduleEpochs: number;
  /** Epochs of linear warm-up before the schedule. */
  warmupEpochs: number;
  /** Kolen-Pollack's decoupled decay of W and B; null means the rule's default. */
  tiedDecay: number | null;
  batchSize: number;
  seed: number;
}

export const DEFAULT_NEURON: NeuronParams = {
  model: 'lif',
  beta: 0.95,
  threshold: 1,
  reset: 'subtract',
  refractory: 0,
  alpha: 0.9,
  rho: 0.97,
  gamma: 0.2,
};

export const DEFAULT_SPIKING_CONFIG: SpikingConfig = {
  hidden: [256],
  steps: 25,
  encoder: 'poisson',
  encoderGain: 1,
  neuron: DEFAULT_NEURON,
  layerNeurons: [],
  // snnTorch's fast sigmoid slope (SuperSpike, k = 25).
  surrogate: { kind: 'fast-sigmoid', slope: 25 },
  // The peak membrane: its gradient reaches the output layer even while it is
  // silent, where spike counts of 0 pass almost none (a dead start for FA and KP).
  readout: 'membrane',
  loss: 'cross-entropy',
  rule: 'surrogate-bp',
  // The official TSSL-BP configs' tau_m 5, tau_s 3.
  tssl: { tauM: 5, tauS: 3 },
  // kappa = exp(-1 / 20): a 20-step readout time constant, like the membrane's.
  eprop: { feedback: 'symmetric', update: 'factorised', kappa: Math.exp(-1 / 20) },
  // EMSTDP_main.py's epsilon 3 and symmetric feedback; its lr ~1e-4 is for many
  // epochs (12% after 512 images), so 3e-3 as in our learning test.
  // epsilon null: scaled to the phase window (emstdpEpsilon).
  emstdp: { feedback: 'symmetric', lr: 3e-3, epsilon: null },
  // The reimplementation's mu 5e-4, eps 5, 250 Hz input and teacher at 1 ms steps.
  bpstdp: { mu: 5e-4, window: 5, inputGain: 0.25, teacherRate: 0.25 },
  // Momentum SGD, as in the rate engine. snnTorch's tutorials use Adam (5e-4),
  // which suits BP, but under FA it drove the hidden layer to 55% firing and
  // chance accuracy in 128 steps (784-48-10, T = 8), where SGD reached 55%.
  optimizer: { ...DEFAULT_CONFIG.optimizer },
  lrSchedule: DEFAULT_CONFIG.lrSchedule,
  scheduleEpochs: DEFAULT_CONFIG.scheduleEpochs,
  warmupEpochs: DEFAULT_CONFIG.warmupEpochs,
  tiedDecay: null,
  batchSize: 128,
  seed: 1,
};

/**
 * A neuron's decays given as time constants instead: per step, beta =
 * exp(-dt / tauMem), alpha = exp(-dt / tauSyn), rho = exp(-dt / tauAdapt)
 * (snnTorch's and Norse's convention). dt and the taus share one unit (ms, say).
 */
export interface NeuronTimeConstants {
  dt?: number;
  tauMem?: number;
  tauSyn?: number;
  tauAdapt?: number;
}

/** Neuron settings as a user gives them: per-step decays, time constants, or a mix of the two for different decays. */
export type NeuronInput = Partial<NeuronParams> & NeuronTimeConstants;

const TIME_CONSTANTS = [
  ['tauMem', 'beta'],
  ['tauSyn', 'alpha'],
  ['tauAdapt', 'rho'],
] as const;

/** Turns time constants into per-step decays; refuses a decay given both ways, or a tau without dt. */
export function neuronFromInput(field: string, input: NeuronInput): Partial<NeuronParams> {
  const { dt, tauMem, tauSyn, tauAdapt, ...params } = input;
  const taus = { tauMem, tauSyn, tauAdapt };
  const out: Partial<NeuronParams> = { ...params };
  for (const [tau, decay] of TIME_CONSTANTS) {
    const t = taus[tau];
    if (t === undefined) continue;
    if (params[decay] !== undefined) {
      throw new ConfigError(`${field}.${tau}`, `sets the same decay as ${field}.${decay}; give one of the two.`);
    }
    if (dt === undefined) throw new ConfigError(`${field}.dt`, `is needed with ${field}.${tau}: beta = exp(-dt / tau). Give the step length in tau's unit.`);
    if (!(dt > 0) || !Number.isFinite(dt)) throw new ConfigError(`${field}.dt`, `must be a positive number (got ${dt}).`);
    if (!(t > 0) || !Number.isFinite(t)) throw new ConfigError(`${field}.${tau}`, `must be a positive time constant (got ${t}).`);
    out[decay] = Math.exp(-dt / t);
  }
  if (dt !== undefined && tauMem === undefined && tauSyn === undefined && tauAdapt === undefined) {
    throw new ConfigError(`${field}.dt`, 'only matters with a time constant (tauMem, tauSyn or tauAdapt); remove it or add one.');
  }
  return out;
}

export type SpikingConfigInput = Partial<Omit<SpikingConfig, 'optimizer' | 'neuron' | 'layerNeurons' | 'surrogate' | 'tssl' | 'eprop' | 'emstdp' | 'bpstdp'>> & {
  layerNeurons?: NeuronInput[];
  emstdp?: Partial<SpikingConfig['emstdp']>;
  bpstdp?: Partial<SpikingConfig['bpstdp']>;
  eprop?: Partial<SpikingConfig['eprop']>;
  optimizer?: Partial<OptimizerConfig>;
  tssl?: Partial<SpikingConfig['tssl']>;
  neuron?: NeuronInput;
  surrogate?: Partial<SpikingConfig['surrogate']>;
};

export function resolveSpikingConfig(partial: SpikingConfigInput): SpikingConfig {
  const c: SpikingConfig = {
    ...DEFAULT_SPIKING_CONFIG,
    ...partial,
    neuron: { ...DEFAULT_NEURON, ...neuronFromInput('neuron', partial.neuron ?? {}) },
    layerNeurons: (partial.layerNeurons ?? []).map((n, i) => neuronFromInput(`layerNeurons[${i}]`, n)),
    surrogate: { ...DEFAULT_SPIKING_CONFIG.surrogate, ...(partial.surrogate ?? {}) },
    tssl: { ...DEFAULT_SPIKING_CONFIG.tssl, ...(partial.tssl ?? {}) },
    eprop: { ...DEFAULT_SPIKING_CONFIG.eprop, ...(partial.eprop ?? {}) },
    emstdp: { ...DEFAULT_SPIKING_CONFIG.emstdp, ...(partial.emstdp ?? {}) },
    bpstdp: { ...DEFAULT_SPIKING_CONFIG.bpstdp, ...(partial.bpstdp ?? {}) },
    optimizer: { ...DEFAULT_SPIKING_CONFIG.optimizer, ...(partial.optimizer ?? {}) },
  };
  validateSpikingConfig(c);
  return c;
}

/** The neuron of layer l (1-based), with its overrides. */
export function layerNeuron(c: SpikingConfig, l: number): NeuronParams {
  return { ...c.neuron, ...(c.layerNeurons[l - 1] ?? {}) };
}

function validateNeuron(field: string, n: NeuronParams): void {
  oneOf(`${field}.model`, n.model, NEURON_MODELS);
  oneOf(`${field}.reset`, n.reset, RESETS);
  inRange(`${field}.beta`, n.beta, 0, 1, false);
  if (!(n.threshold > 0) || !Number.isFinite(n.threshold)) {
    throw new ConfigError(`${field}.threshold`, `must be a positive number (got ${n.threshold}).`);
  }
  if (!Number.isInteger(n.refractory) || n.refractory < 0) {
    throw new ConfigError(`${field}.refractory`, `must be a whole number of steps, 0 or more (got ${n.refractory}).`);
  }
  inRange(`${field}.alpha`, n.alpha, 0, 1, false);
  inRange(`${field}.rho`, n.rho, 0, 1, false);
  nonNegative(`${field}.gamma`, n.gamma);
}

export function validateSpikingConfig(c: SpikingConfig): void {
  if (!Array.isArray(c.hidden) || c.hidden.length < 1 || c.hidden.length > MAX_HIDDEN_LAYERS) {
    throw new ConfigError('hidden', `give 1 to ${MAX_HIDDEN_LAYERS} hidden layer sizes (got ${JSON.stringify(c.hidden)}).`);
  }
  c.hidden.forEach((n, i) => positiveInt(`hidden[${i}]`, n));
  if (!Number.isInteger(c.steps) || c.steps < 1) {
    throw new ConfigError('steps', `T must be a whole number of at least 1 (got ${c.steps}).`);
  }
  oneOf('encoder', c.encoder, ENCODERS);
  nonNegative('encoderGain', c.encoderGain);
  validateNeuron('neuron', c.neuron);
  if (c.layerNeurons.length > c.hidden.length + 1) {
    throw new ConfigError('layerNeurons', `has ${c.layerNeurons.length} entries but the network has ${c.hidden.length + 1} layers.`);
  }
  c.layerNeurons.forEach((_, i) => validateNeuron(`layerNeurons[${i}]`, layerNeuron(c, i + 1)));
  oneOf('surrogate.kind', c.surrogate.kind, SURROGATES);
  if (!(c.surrogate.slope > 0) || !Number.isFinite(c.surrogate.slope)) {
    throw new ConfigError('surrogate.slope', `must be a positive number (got ${c.surrogate.slope}).`);
  }
  oneOf('readout', c.readout, READOUTS);
  oneOf('loss', c.loss, LOSSES);
  if (c.loss === 'mse' && c.readout === 'membrane') {
    throw new ConfigError('loss', 'MSE is defined on spike counts; use cross-entropy with the membrane readout.');
  }
  oneOf('rule', c.rule, SPIKING_RULES);
  oneOf('eprop.feedback', c.eprop.feedback, EPROP_FEEDBACKS);
  oneOf('eprop.update', c.eprop.update, EPROP_UPDATES);
  inRange('eprop.kappa', c.eprop.kappa, 0, 1, true);
  if (c.rule === 'eprop') {
    if (c.readout !== DEFAULT_SPIKING_CONFIG.readout && c.readout !== 'membrane') {
      throw new ConfigError('readout', "e-prop reads out through its own leaky integrator; leave the readout at 'membrane'.");
    }
    for (let l = 1; l <= c.hidden.length; l++) {
      const n = layerNeuron(c, l);
      if (n.model === 'synaptic' || n.reset === 'zero') {
        throw new ConfigError(l === 1 ? 'neuron.model' : `layerNeurons[${l - 1}]`, 'e-prop needs LIF or ALIF neurons with reset by subtraction (its eligibility traces assume them).');
      }
    }
  }
  oneOf('emstdp.feedback', c.emstdp.feedback, Object.keys(EMSTDP_FEEDBACK_RULES) as Array<keyof typeof EMSTDP_FEEDBACK_RULES>);
  nonNegative('emstdp.lr', c.emstdp.lr);
  if (c.emstdp.epsilon !== null && !(c.emstdp.epsilon > 0)) throw new ConfigError('emstdp.epsilon', `must be a positive number of error counts (got ${c.emstdp.epsilon}).`);
  nonNegative('bpstdp.mu', c.bpstdp.mu);
  if (!Number.isInteger(c.bpstdp.window) || c.bpstdp.window < 1) throw new ConfigError('bpstdp.window', `must be a whole number of steps of at least 1 (got ${c.bpstdp.window}).`);
  inRange('bpstdp.inputGain', c.bpstdp.inputGain, 0, 1, false);
  inRange('bpstdp.teacherRate', c.bpstdp.teacherRate, 0, 1, false);
  // The spike-only rules draw their own input spikes (stdp-trainer.ts): another encoder would be ignored.
  if ((c.rule === 'emstdp' || c.rule === 'bpstdp') && c.encoder !== DEFAULT_SPIKING_CONFIG.encoder) {
    const own = c.rule === 'emstdp' ? 'one uniform draw per example and step shared by its pixels (EMSTDP_main.py)' : 'Poisson spikes of probability bpstdp.inputGain x pixel';
    throw new ConfigError('encoder', `${c.rule} codes its input itself, as ${own}; leave the encoder at '${DEFAULT_SPIKING_CONFIG.encoder}'.`);
  }
  if (c.rule === 'bpstdp' && c.encoderGain !== DEFAULT_SPIKING_CONFIG.encoderGain) {
    throw new ConfigError('encoderGain', `BP-STDP scales its input spikes with bpstdp.inputGain (default ${DEFAULT_SPIKING_CONFIG.bpstdp.inputGain}), not the encoder gain; leave the encoder gain at ${DEFAULT_SPIKING_CONFIG.encoderGain}.`);
  }
  if (c.rule === 'emstdp' && c.steps < 4) throw new ConfigError('steps', `EMSTDP splits T into two phases of floor(T/2) - 1 steps; give T of at least 4 (got ${c.steps}).`);
  for (const k of ['tauM', 'tauS'] as const) {
    if (!(c.tssl[k] >= 1) || !Number.isFinite(c.tssl[k])) throw new ConfigError(`tssl.${k}`, `must be a number of steps of at least 1 (got ${c.tssl[k]}).`);
  }
  if (c.tiedDecay !== null) nonNegative('tiedDecay', c.tiedDecay);
  const o = c.optimizer;
  oneOf('optimizer.method', o.method, OPTIMIZERS);
  nonNegative('optimizer.lr', o.lr);
  finite('optimizer.lr', o.lr);
  inRange('optimizer.momentum', o.momentum, 0, 1, true);
  inRange('optimizer.beta1', o.beta1, 0, 1, true);
  inRange('optimizer.beta2', o.beta2, 0, 1, true);
  nonNegative('optimizer.weightDecay', o.weightDecay);
  validateSchedule(c);
  if (isStdpRule(c.rule) && (c.lrSchedule !== 'constant' || c.warmupEpochs > 0)) {
    const rate = c.rule === 'emstdp' ? 'emstdp.lr' : 'bpstdp.mu';
    throw new ConfigError(c.lrSchedule !== 'constant' ? 'lrSchedule' : 'warmupEpochs', `${c.rule} updates its weights locally with a fixed ${rate}, without an optimiser, so it has no learning-rate schedule; leave the schedule constant with no warm-up.`);
  }
  positiveInt('batchSize', c.batchSize);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) {
    throw new ConfigError('seed', `must be an integer from 0 to 4294967295 (got ${c.seed}).`);
  }
}
