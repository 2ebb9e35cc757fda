// The settings a share link carries: each one's key, its text form, and how to read it back.
//
// Key table of link version 1. A key keeps its meaning forever: a retired setting's key
// is never given to another setting, and a new setting takes a new key.
//
//   key  setting               text                                   example
//   v    link version          whole number                           v=1
//   k    network kind          rate | spiking                         k=spiking
//   d    dataset               id                                     d=fashion-mnist
//   tr   trainSubset           whole number                           tr=5000
//   te   testSubset            whole number                           te=1000
//   h    hidden sizes          sizes joined by commas                 h=512,256
//   a    activation            id                                     a=tanh
//   r    rule                  id                                     r=fa
//   c    coefficients          primitive:value joined by commas       c=decay:0.05,amp:0.1
//   o    optimizer method      sgd | momentum | adam                  o=adam
//   lr   learning rate         number                                 lr=0.0005
//   mo   momentum              number                                 mo=0.95
//   b    batch size            whole number                           b=64
//   s    seed                  whole number                           s=42
//   e    epochs                whole number                           e=10
//   nm   neuron model          lif | synaptic | alif                  nm=alif
//   nb   membrane decay beta   number                                 nb=0.9
//   nt   threshold             number                                 nt=0.5
//   nr   reset                 subtract | zero                        nr=zero
//   nf   refractory steps      whole number                           nf=2
//   st   steps T               whole number                           st=50
//   en   encoder               poisson | rate | latency | current     en=latency
//   sg   surrogate             fast-sigmoid | arctan                  sg=arctan
//   ro   readout               count | membrane | first-spike         ro=count
//   cmp  compared rules        ids joined by commas                   cmp=bp,fa,dfa
//   l    lesson                id:step                                l=spirals-intro:3
//   w    views                 ids joined by commas (may be empty)    w=loss,accuracy,confusion
//
// Added later in version 1; each baseline is the engine default that links made before
// implicitly used, so those links still mean what they meant. Empty (`fl=`) means none
// where a setting may be none.
//
//   am   Adam beta1            number                                 am=0.8
//   av   Adam beta2            number                                 av=0.99
//   ae   Adam epsilon          number                                 ae=1e-6
//   wd   weight decay          number                                 wd=0.0002
//   lo   loss                  cross-entropy | mse                    lo=mse
//   td   tied decay (KP)       number, or empty for the rule's        td=0.01
//   wi   weight init           auto | xavier | kaiming                wi=kaiming
//   is   input scaling         unit | standardize                     is=standardize
//   ls   lr schedule           constant | cosine                      ls=cosine
//   wu   warm-up epochs        number                                 wu=1
//   fl   B's learning rate     number, or empty for the forward one   fl=0.5
//   fi   B's regulariser input activity | noise                       fi=noise
//   fn   that noise's std      number                                 fn=0.5
//   fu   B update noise        number (a variance)                    fu=0.01
//   eg   encoder gain          number                                 eg=2
//   sk   surrogate slope       number                                 sk=10
//   na   synaptic decay alpha  number                                 na=0.8
//   nd   adaptation decay rho  number                                 nd=0.99
//   ng   adaptation gamma      number                                 ng=0.5
//   tm   TSSL-BP tau_m         number of steps                        tm=4
//   ts   TSSL-BP tau_s         number of steps                        ts=2
//   pf   e-prop feedback       symmetric | random | adaptive          pf=random
//   pu   e-prop update         factorised | online                    pu=online
//   pk   e-prop readout kappa  number                                 pk=0.9
//   mf   EMSTDP feedback       symmetric | random | direct            mf=direct
//   ml   EMSTDP learning rate  number                                 ml=0.001
//   me   EMSTDP error epsilon  number, or empty to scale with T       me=2
//   bm   BP-STDP mu            number                                 bm=0.001
//   bw   BP-STDP window        whole number of steps                  bw=3
//   bi   BP-STDP input gain    number                                 bi=0.5
//   bt   BP-STDP teacher rate  number                                 bt=0.5
//
// A setting is written only when it differs from the baseline of its network kind
// (LINK_BASELINES), so the baselines are part of the format. They are written out
// here rather than taken from DEFAULT_EXPERIMENT, so a page may change its defaults
// without changing what old links mean.
import { type Coefficients, PRIMITIVES } from '../../engine/rules/rule';
import {
  type Experiment,
  type NetworkKind,
  type OptimizerSettings,
  type SpikingRuleSettings,
  type SpikingSettings,
  type TrainingSettings,
  unknownPrimitive,
} from './experiment';

/** The settings a v1 link omits: DEFAULT_EXPERIMENT and DEFAULT_SPIKING_EXPERIMENT as they were when v1 was made. */
export const LINK_BASELINES: Readonly<Record<NetworkKind, Experiment>> = (() => {
  const rate: Experiment = {
    dataset: 'mnist',
    network: 'rate',
    hidden: [256, 256],
    activation: 'relu',
    spiking: {
      model: 'lif', beta: 0.95, threshold: 1, reset: 'subtract', refractory: 0, steps: 25, encoder: 'poisson', surrogate: 'fast-sigmoid', readout: 'membrane',
      encoderGain: 1, surrogateSlope: 25, alpha: 0.9, rho: 0.97, gamma: 0.2,
    },
    spikingRules: {
      tsslTauM: 5, tsslTauS: 3,
      epropFeedback: 'symmetric', epropUpdate: 'factorised', epropKappa: Math.exp(-1 / 20),
      emstdpFeedback: 'symmetric', emstdpLr: 3e-3, emstdpEpsilon: null,
      bpstdpMu: 5e-4, bpstdpWindow: 5, bpstdpInputGain: 0.25, bpstdpTeacherRate: 0.25,
    },
    training: {
      loss: 'cross-entropy', tiedDecay: null, init: 'auto', inputScaling: 'unit', lrSchedule: 'constant', warmupEpochs: 0,
      feedbackLr: null, feedbackInput: 'activity', feedbackNoiseStd: 1, feedbackUpdateNoise: 0,
    },
    rule: 'bp',
    coefficients: {},
    optimizer: { method: 'momentum', lr: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    batchSize: 128,
    seed: 1,
    epochs: 5,
    compare: [],
    lesson: null,
    views: ['loss', 'accuracy', 'angles'],
  };
  const spiking: Experiment = { ...rate, network: 'spiking', hidden: [256], rule: 'surrogate-bp', views: ['loss', 'accuracy', 'raster'] };
  return deepFreeze({ rate, spiking });
})();

/** The groups whose settings grew after experiments were first stored. */
const GROWN_GROUPS = ['optimizer', 'spiking', 'spikingRules', 'training'] as const;

/**
 * An experiment stored before some settings existed (a model file's), with each one it lacks
 * at its baseline: the value such an experiment implicitly had. Values it has are kept as they
 * are, wrong or not, for validateExperiment to judge.
 */
export function withOmittedSettings(stored: Experiment): Experiment {
  const baseline = LINK_BASELINES[stored.network === 'spiking' ? 'spiking' : 'rate'];
  const out: Record<string, unknown> = { ...stored };
  for (const g of GROWN_GROUPS) {
    const v: unknown = stored[g];
    if (v === undefined) out[g] = baseline[g];
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[g] = { ...baseline[g], ...v };
  }
  return out as unknown as Experiment;
}

/** A value in a link that is not even of the right shape; ranges and ids are validateExperiment's to judge. */
export class LinkValueError extends Error {}

export interface LinkField {
  readonly key: string;
  /** The experiment's setting, as validateExperiment's problems name it (through settingOf). */
  readonly setting: string;
  /** What a person calls it, in problems. */
  readonly label: string;
  /** The setting's text in `e`. */
  write(e: Experiment): string;
  /** `e` with the setting read from `text`; throws LinkValueError. */
  read(e: Experiment, text: string): Experiment;
  /** Whether `e` and `other` hold the same value of this setting. */
  same(e: Experiment, other: Experiment): boolean;
  /** `e` with this setting taken from `from`. */
  copy(e: Experiment, from: Experiment): Experiment;
  /** The baseline's value in words, for "using the default, …". */
  describe(baseline: Experiment): string;
}

interface Codec<T> {
  parse(text: string): T;
  format(v: T): string;
}

function field<T>(
  key: string,
  setting: string,
  label: string,
  get: (e: Experiment) => T,
  set: (e: Experiment, v: T) => Experiment,
  codec: Codec<T>,
  noneText?: string,
): LinkField {
  return {
    key,
    setting,
    label,
    write: (e) => codec.format(get(e)),
    read: (e, text) => set(e, codec.parse(text)),
    same: (e, other) => sameValue(get(e), get(other)),
    copy: (e, from) => set(e, get(from)),
    describe: (baseline) => {
      const v = get(baseline);
      return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0)
        ? (noneText ?? 'none')
        : codec.format(v);
    },
  };
}

const top = <K extends keyof Experiment>(k: K) => ({
  get: (e: Experiment): Experiment[K] => e[k],
  set: (e: Experiment, v: Experiment[K]): Experiment => {
    if (v !== undefined) return { ...e, [k]: v };
    // An absent optional setting is no property at all, so decoded experiments deep-equal written ones.
    const copy: Record<string, unknown> = { ...e };
    delete copy[k];
    return copy as unknown as Experiment;
  },
});
const neuron = <K extends keyof SpikingSettings>(k: K) => ({
  get: (e: Experiment): SpikingSettings[K] => e.spiking[k],
  set: (e: Experiment, v: SpikingSettings[K]): Experiment => ({ ...e, spiking: { ...e.spiking, [k]: v } }),
});
const optimizer = <K extends keyof OptimizerSettings>(k: K) => ({
  get: (e: Experiment): OptimizerSettings[K] => e.optimizer[k],
  set: (e: Experiment, v: OptimizerSettings[K]): Experiment => ({ ...e, optimizer: { ...e.optimizer, [k]: v } }),
});
const training = <K extends keyof TrainingSettings>(k: K) => ({
  get: (e: Experiment): TrainingSettings[K] => e.training[k],
  set: (e: Experiment, v: TrainingSettings[K]): Experiment => ({ ...e, training: { ...e.training, [k]: v } }),
});
const spikingRule = <K extends keyof SpikingRuleSettings>(k: K) => ({
  get: (e: Experiment): SpikingRuleSettings[K] => e.spikingRules[k],
  set: (e: Experiment, v: SpikingRuleSettings[K]): Experiment => ({ ...e, spikingRules: { ...e.spikingRules, [k]: v } }),
});

/** A field from its accessors (optimizer('beta1'), training('loss'), …). */
function fieldOf<T>(key: string, setting: string, label: string, access: { get: (e: Experiment) => T; set: (e: Experiment, v: T) => Experiment }, codec: Codec<T>, noneText?: string): LinkField {
  return field(key, setting, label, access.get, access.set, codec, noneText);
}

// ---- text forms ----

/** Shortest text that reads back to the same double (String does that), keeping the sign of -0. */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(text: string): number {
  const t = text.trim();
  if (t === '') throw new LinkValueError('is empty; give a number.');
  // Decimal only: Number() would also take "0x10" and "Infinity".
  if (!DECIMAL.test(t)) throw new LinkValueError(`"${t}" is not a number.`);
  return Number(t);
}

const number: Codec<number> = { parse: parseNumber, format: formatNumber };

/** Any non-empty word; whether it is a known id is validateExperiment's to say. */
function word<T extends string>(): Codec<T> {
  return {
    parse: (text) => {
      const t = text.trim();
      if (t === '') throw new LinkValueError('is empty.');
      return t as T;
    },
    format: (v) => v,
  };
}

const optionalNumber: Codec<number | undefined> = { parse: parseNumber, format: (v) => (v === undefined ? '' : formatNumber(v)) };

/** A number, or empty for none (the engine's own choice). */
const numberOrNone: Codec<number | null> = {
  parse: (text) => (text.trim() === '' ? null : parseNumber(text)),
  format: (v) => (v === null ? '' : formatNumber(v)),
};

/** "256,256"; spaces also separate, as the run form allowed ("256 256", "256+256" in a query). */
const sizes: Codec<readonly number[]> = {
  parse: (text) => {
    const parts = text.split(/[\s,]+/).filter((p) => p !== '');
    if (parts.length === 0) throw new LinkValueError('is empty; give layer sizes such as 256,256.');
    return parts.map((p, i) => {
      if (!DECIMAL.test(p)) throw new LinkValueError(`layer ${i + 1}, "${p}", is not a number.`);
      return Number(p);
    });
  },
  format: (v) => v.map(formatNumber).join(','),
};

function words<T extends string>(allowEmpty: boolean): Codec<readonly T[]> {
  return {
    parse: (text) => {
      if (text.trim() === '') {
        if (allowEmpty) return [];
        throw new LinkValueError('is empty.');
      }
      const parts = text.split(',').map((p) => p.trim());
      if (parts.includes('')) throw new LinkValueError(`"${text}" has an empty entry.`);
      return parts as T[];
    },
    format: (v) => v.join(','),
  };
}

const coefficients: Codec<Readonly<Coefficients>> = {
  parse: (text) => {
    const out: Coefficients = {};
    for (const part of text.split(',')) {
      const m = /^\s*([^:]*):(.*)$/.exec(part);
      if (!m) throw new LinkValueError(`"${part}" is not primitive:value (e.g. decay:0.05).`);
      const name = m[1].trim();
      // Checked here, not later: an arbitrary name would become a property (think "__proto__").
      if (!(PRIMITIVES as readonly string[]).includes(name)) throw new LinkValueError(unknownPrimitive(name));
      const p = name as (typeof PRIMITIVES)[number];
      if (out[p] !== undefined) throw new LinkValueError(`gives ${p} twice.`);
      out[p] = parseNumber(m[2]);
    }
    return out;
  },
  format: (c) => Object.entries(c).map(([k, v]) => `${k}:${formatNumber(v as number)}`).join(','),
};

const lesson: Codec<Experiment['lesson']> = {
  parse: (text) => {
    const m = /^([^:]*)(?::(.*))?$/.exec(text.trim());
    if (!m || m[1] === '') throw new LinkValueError('is not lesson-id:step (e.g. spirals-intro:3).');
    return { id: m[1], step: m[2] === undefined ? 0 : parseNumber(m[2]) };
  },
  format: (l) => (l === null ? '' : `${l.id}:${formatNumber(l.step)}`),
};

// ---- the table; `k` is read first because it picks the baseline, so it is kept apart ----

export const KIND_KEY = 'k';
export const KIND_FIELD: LinkField = field(KIND_KEY, 'network', 'Network kind', top('network').get, top('network').set, word<NetworkKind>());

export const LINK_FIELDS: readonly LinkField[] = [
  field('d', 'dataset', 'Dataset', top('dataset').get, top('dataset').set, word()),
  field('tr', 'trainSubset', 'Training subset', top('trainSubset').get, top('trainSubset').set, optionalNumber, 'the whole training set'),
  field('te', 'testSubset', 'Test subset', top('testSubset').get, top('testSubset').set, optionalNumber, 'the whole test set'),
  field('h', 'hidden', 'Hidden layer sizes', top('hidden').get, top('hidden').set, sizes),
  field('a', 'activation', 'Activation', top('activation').get, top('activation').set, word()),
  field('r', 'rule', 'Learning rule', top('rule').get, top('rule').set, word()),
  field('c', 'coefficients', 'Regulariser coefficients', top('coefficients').get, top('coefficients').set, coefficients, "the rule's own"),
  field('o', 'optimizer.method', 'Optimizer', optimizer('method').get, optimizer('method').set, word()),
  field('lr', 'optimizer.lr', 'Learning rate', optimizer('lr').get, optimizer('lr').set, number),
  field('mo', 'optimizer.momentum', 'Momentum', optimizer('momentum').get, optimizer('momentum').set, number),
  field('b', 'batchSize', 'Batch size', top('batchSize').get, top('batchSize').set, number),
  field('s', 'seed', 'Seed', top('seed').get, top('seed').set, number),
  field('e', 'epochs', 'Epochs', top('epochs').get, top('epochs').set, number),
  fieldOf('am', 'optimizer.beta1', 'Adam β1', optimizer('beta1'), number),
  fieldOf('av', 'optimizer.beta2', 'Adam β2', optimizer('beta2'), number),
  fieldOf('ae', 'optimizer.eps', 'Adam ε', optimizer('eps'), number),
  fieldOf('wd', 'optimizer.weightDecay', 'Weight decay', optimizer('weightDecay'), number),
  fieldOf('lo', 'training.loss', 'Loss', training('loss'), word()),
  fieldOf('td', 'training.tiedDecay', 'Tied decay', training('tiedDecay'), numberOrNone, "the rule's own"),
  fieldOf('wi', 'training.init', 'Weight initialisation', training('init'), word()),
  fieldOf('is', 'training.inputScaling', 'Input scaling', training('inputScaling'), word()),
  fieldOf('ls', 'training.lrSchedule', 'Learning-rate schedule', training('lrSchedule'), word()),
  fieldOf('wu', 'training.warmupEpochs', 'Warm-up epochs', training('warmupEpochs'), number),
  fieldOf('fl', 'training.feedbackLr', 'Feedback learning rate', training('feedbackLr'), numberOrNone, 'the forward learning rate'),
  fieldOf('fi', 'training.feedbackInput', 'Feedback regulariser input', training('feedbackInput'), word()),
  fieldOf('fn', 'training.feedbackNoiseStd', 'Feedback input noise', training('feedbackNoiseStd'), number),
  fieldOf('fu', 'training.feedbackUpdateNoise', 'Feedback update noise', training('feedbackUpdateNoise'), number),
  field('nm', 'spiking.model', 'Neuron model', neuron('model').get, neuron('model').set, word()),
  field('nb', 'spiking.beta', 'Membrane decay (beta)', neuron('beta').get, neuron('beta').set, number),
  field('nt', 'spiking.threshold', 'Threshold', neuron('threshold').get, neuron('threshold').set, number),
  field('nr', 'spiking.reset', 'Reset', neuron('reset').get, neuron('reset').set, word()),
  field('nf', 'spiking.refractory', 'Refractory steps', neuron('refractory').get, neuron('refractory').set, number),
  field('st', 'spiking.steps', 'Steps per example (T)', neuron('steps').get, neuron('steps').set, number),
  field('en', 'spiking.encoder', 'Encoder', neuron('encoder').get, neuron('encoder').set, word()),
  field('sg', 'spiking.surrogate', 'Surrogate gradient', neuron('surrogate').get, neuron('surrogate').set, word()),
  field('ro', 'spiking.readout', 'Readout', neuron('readout').get, neuron('readout').set, word()),
  fieldOf('eg', 'spiking.encoderGain', 'Encoder gain', neuron('encoderGain'), number),
  fieldOf('sk', 'spiking.surrogateSlope', 'Surrogate slope', neuron('surrogateSlope'), number),
  fieldOf('na', 'spiking.alpha', 'Synaptic decay (alpha)', neuron('alpha'), number),
  fieldOf('nd', 'spiking.rho', 'Adaptation decay (rho)', neuron('rho'), number),
  fieldOf('ng', 'spiking.gamma', 'Adaptation strength (gamma)', neuron('gamma'), number),
  fieldOf('tm', 'spikingRules.tsslTauM', 'TSSL-BP membrane time constant', spikingRule('tsslTauM'), number),
  fieldOf('ts', 'spikingRules.tsslTauS', 'TSSL-BP synaptic time constant', spikingRule('tsslTauS'), number),
  fieldOf('pf', 'spikingRules.epropFeedback', 'e-prop feedback', spikingRule('epropFeedback'), word()),
  fieldOf('pu', 'spikingRules.epropUpdate', 'e-prop update', spikingRule('epropUpdate'), word()),
  fieldOf('pk', 'spikingRules.epropKappa', 'e-prop readout decay', spikingRule('epropKappa'), number),
  fieldOf('mf', 'spikingRules.emstdpFeedback', 'EMSTDP feedback', spikingRule('emstdpFeedback'), word()),
  fieldOf('ml', 'spikingRules.emstdpLr', 'EMSTDP learning rate', spikingRule('emstdpLr'), number),
  fieldOf('me', 'spikingRules.emstdpEpsilon', 'EMSTDP error threshold', spikingRule('emstdpEpsilon'), numberOrNone, 'scaled to T'),
  fieldOf('bm', 'spikingRules.bpstdpMu', 'BP-STDP learning rate', spikingRule('bpstdpMu'), number),
  fieldOf('bw', 'spikingRules.bpstdpWindow', 'BP-STDP window', spikingRule('bpstdpWindow'), number),
  fieldOf('bi', 'spikingRules.bpstdpInputGain', 'BP-STDP input gain', spikingRule('bpstdpInputGain'), number),
  fieldOf('bt', 'spikingRules.bpstdpTeacherRate', 'BP-STDP teacher rate', spikingRule('bpstdpTeacherRate'), number),
  field('cmp', 'compare', 'Compared rules', top('compare').get, top('compare').set, words(false), 'no comparison'),
  field('l', 'lesson', 'Lesson', top('lesson').get, top('lesson').set, lesson, 'no lesson'),
  field('w', 'views', 'Views', top('views').get, top('views').set, words(true), 'no views'),
];

export function fieldByKey(key: string): LinkField | undefined {
  return key === KIND_KEY ? KIND_FIELD : LINK_FIELDS.find((f) => f.key === key);
}

export function fieldBySetting(setting: string): LinkField | undefined {
  return setting === KIND_FIELD.setting ? KIND_FIELD : LINK_FIELDS.find((f) => f.setting === setting);
}

/** Structural equality of settings' values (numbers by Object.is, so -0 survives a round trip). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
