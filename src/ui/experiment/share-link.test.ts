import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../engine/kernels/activation';
import { NEURON_MODELS, RESETS, SURROGATES } from '../../engine/kernels/lif';
import { OPTIMIZERS } from '../../engine/kernels/optimizer';
import { ENCODERS } from '../../engine/kernels/spike-encode';
import { READOUTS } from '../../engine/kernels/spike-readout';
import { RULES } from '../../engine/rules/registry';
import { type Coefficients, PRIMITIVES } from '../../engine/rules/rule';
import { Rng } from '../../engine/rng';
import { DEFAULT_SPIKING_CONFIG } from '../../engine/spiking/config';
import { EPROP_FEEDBACKS, EPROP_UPDATES } from '../../engine/spiking/eprop-options';
import { DEFAULT_CONFIG, INITS, INPUT_SCALINGS, LR_SCHEDULES } from '../../engine/training/config';
import {
  DEFAULT_EXPERIMENT,
  DEFAULT_SPIKING_EXPERIMENT,
  defaultExperiment,
  EXPERIMENT_DATASETS,
  type Experiment,
  LIMITS,
  type NetworkKind,
  rulesFor,
  EMSTDP_FEEDBACKS,
  FEEDBACK_INPUTS,
  toSpikingConfig,
  toTrainConfig,
  validateExperiment,
  VIEWS,
} from './experiment';
import { LINK_BASELINES, LINK_FIELDS, withOmittedSettings } from './link-fields';
import { decodeExperiment, encodeExperiment, LINK_VERSION, MAX_LINK_LENGTH, MAX_VALUE_LENGTH } from './share-link';

type Groups = 'spiking' | 'spikingRules' | 'training' | 'optimizer';
type Patch = Omit<Partial<Experiment>, Groups> & { [G in Groups]?: Partial<Experiment[G]> };

/** A default experiment of `kind` with some settings changed; grouped settings merge into the default group. */
function make(kind: NetworkKind, patch: Patch = {}): Experiment {
  const base = defaultExperiment(kind);
  return {
    ...base,
    ...patch,
    spiking: { ...base.spiking, ...(patch.spiking ?? {}) },
    spikingRules: { ...base.spikingRules, ...(patch.spikingRules ?? {}) },
    training: { ...base.training, ...(patch.training ?? {}) },
    optimizer: { ...base.optimizer, ...(patch.optimizer ?? {}) },
  } as Experiment;
}
const rate = (patch: Parameters<typeof make>[1] = {}) => make('rate', patch);
const spiking = (patch: Parameters<typeof make>[1] = {}) => make('spiking', patch);

/** The experiment a page would show for `link`, asserting the link was read cleanly. */
function clean(link: string, version = LINK_VERSION): Experiment {
  const d = decodeExperiment(link);
  expect(d.problems).toEqual([]);
  expect(d.version).toBe(version);
  return d.experiment;
}

describe('the link format', () => {
  it("v1's baselines are today's defaults, so a default experiment is just the version", () => {
    expect(LINK_BASELINES.rate).toStrictEqual(DEFAULT_EXPERIMENT);
    expect(LINK_BASELINES.spiking).toStrictEqual(DEFAULT_SPIKING_EXPERIMENT);
    expect(encodeExperiment(DEFAULT_EXPERIMENT)).toBe('v=1');
    expect(encodeExperiment(DEFAULT_SPIKING_EXPERIMENT)).toBe('v=1&k=spiking');
  });

  // Links made before a setting existed leave it out: its baseline must be what they trained with.
  it('the baselines train as the engines do by default', () => {
    expect(toTrainConfig(LINK_BASELINES.rate)).toStrictEqual(DEFAULT_CONFIG);
    expect(toSpikingConfig(LINK_BASELINES.spiking)).toStrictEqual(DEFAULT_SPIKING_CONFIG);
  });

  it('keys are unique and short', () => {
    const keys = ['v', 'k', ...LINK_FIELDS.map((f) => f.key)];
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(/^[a-z]{1,3}$/);
  });

  // Pinned texts: these links are in the world once the page ships. If one changes, old links break.
  const pinned: Array<[string, Experiment, string]> = [
    ['dataset and subsets', rate({ dataset: 'fashion-mnist', trainSubset: 5000, testSubset: 1000 }), 'v=1&d=fashion-mnist&tr=5000&te=1000'],
    ['network and rule', rate({ hidden: [512, 256], activation: 'tanh', rule: 'wm', coefficients: { decay: 0.05, amp: 0.1 } }), 'v=1&h=512,256&a=tanh&r=wm&c=decay:0.05,amp:0.1'],
    ['optimiser and run', rate({ optimizer: { method: 'adam', lr: 0.0005, momentum: 0.95 }, batchSize: 64, seed: 42, epochs: 10 }), 'v=1&o=adam&lr=0.0005&mo=0.95&b=64&s=42&e=10'],
    ['neurons', spiking({ spiking: { model: 'alif', beta: 0.9, threshold: 0.5, reset: 'zero', refractory: 2, steps: 50, encoder: 'latency', surrogate: 'arctan', readout: 'count' } }),
      'v=1&k=spiking&nm=alif&nb=0.9&nt=0.5&nr=zero&nf=2&st=50&en=latency&sg=arctan&ro=count'],
    ['comparison, lesson and views', rate({ compare: ['bp', 'fa', 'dfa'], lesson: { id: 'spirals-intro', step: 3 }, views: ['loss', 'accuracy', 'confusion'] }),
      'v=1&cmp=bp,fa,dfa&l=spirals-intro:3&w=loss,accuracy,confusion'],
    ['no views', rate({ views: [] }), 'v=1&w='],
    ['Adam and weight decay', rate({ optimizer: { method: 'adam', lr: 0.001, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.0002 } }), 'v=1&o=adam&lr=0.001&am=0.8&av=0.99&ae=0.000001&wd=0.0002'],
    ['training', rate({ rule: 'wm', training: { loss: 'mse', tiedDecay: 0.01, init: 'kaiming', inputScaling: 'standardize', lrSchedule: 'cosine', warmupEpochs: 1 } }),
      'v=1&r=wm&lo=mse&td=0.01&wi=kaiming&is=standardize&ls=cosine&wu=1'],
    ['backward weights', rate({ rule: 'wm', training: { feedbackLr: 0.5, feedbackInput: 'noise', feedbackNoiseStd: 0.5, feedbackUpdateNoise: 0.01 } }), 'v=1&r=wm&fl=0.5&fi=noise&fn=0.5&fu=0.01'],
    ['neuron and coding details', spiking({ spiking: { model: 'alif', encoderGain: 2, surrogateSlope: 10, alpha: 0.8, rho: 0.99, gamma: 0.5 } }), 'v=1&k=spiking&nm=alif&eg=2&sk=10&na=0.8&nd=0.99&ng=0.5'],
    ['spiking rule options', spiking({
      spikingRules: {
        tsslTauM: 4, tsslTauS: 2, epropFeedback: 'random', epropUpdate: 'online', epropKappa: 0.9, emstdpFeedback: 'direct', emstdpLr: 0.001, emstdpEpsilon: 2,
        bpstdpMu: 0.001, bpstdpWindow: 3, bpstdpInputGain: 0.5, bpstdpTeacherRate: 0.4,
      },
    }), 'v=1&k=spiking&tm=4&ts=2&pf=random&pu=online&pk=0.9&mf=direct&ml=0.001&me=2&bm=0.001&bw=3&bi=0.5&bt=0.4'],
    ['a number that needs escaping', rate({ optimizer: { method: 'sgd', lr: 1e-21, momentum: 0 } }), 'v=1&o=sgd&lr=1e-21&mo=0'],
  ];
  for (const [name, e, link] of pinned) {
    it(`writes ${name} as ${link}`, () => {
      expect(encodeExperiment(e)).toBe(link);
      expect(clean(link)).toStrictEqual(e);
    });
  }
});

describe('the settings added to version 1', () => {
  // One non-baseline value per added key, on the kind of network it matters to.
  const changed: Array<[string, Experiment]> = [
    ['am', rate({ optimizer: { method: 'adam', beta1: 0.5 } })],
    ['av', rate({ optimizer: { method: 'adam', beta2: 0.9 } })],
    ['ae', rate({ optimizer: { method: 'adam', eps: 1e-4 } })],
    ['wd', spiking({ optimizer: { weightDecay: 0.001 } })],
    ['lo', rate({ training: { loss: 'mse' } })],
    ['td', spiking({ rule: 'surrogate-kp', training: { tiedDecay: 0 } })],
    ['wi', rate({ training: { init: 'xavier' } })],
    ['is', rate({ training: { inputScaling: 'standardize' } })],
    ['ls', rate({ training: { lrSchedule: 'cosine' } })],
    ['wu', rate({ training: { warmupEpochs: 0.5 } })],
    ['fl', rate({ rule: 'fa', training: { feedbackLr: 0 } })],
    ['fi', rate({ rule: 'wm', training: { feedbackInput: 'noise' } })],
    ['fn', rate({ rule: 'wm', training: { feedbackNoiseStd: 2 } })],
    ['fu', rate({ rule: 'wm', training: { feedbackUpdateNoise: 0.5 } })],
    ['eg', spiking({ spiking: { encoderGain: 0.5 } })],
    ['sk', spiking({ spiking: { surrogateSlope: 5 } })],
    ['na', spiking({ spiking: { model: 'synaptic', alpha: 0.5 } })],
    ['nd', spiking({ spiking: { model: 'alif', rho: 0.9 } })],
    ['ng', spiking({ spiking: { model: 'alif', gamma: 1 } })],
    ['tm', spiking({ rule: 'tssl-bp', spikingRules: { tsslTauM: 8 } })],
    ['ts', spiking({ rule: 'tssl-bp', spikingRules: { tsslTauS: 1 } })],
    ['pf', spiking({ rule: 'eprop', spikingRules: { epropFeedback: 'adaptive' } })],
    ['pu', spiking({ rule: 'eprop', spikingRules: { epropUpdate: 'online' } })],
    ['pk', spiking({ rule: 'eprop', spikingRules: { epropKappa: 0 } })],
    ['mf', spiking({ rule: 'emstdp', spikingRules: { emstdpFeedback: 'random' } })],
    ['ml', spiking({ rule: 'emstdp', spikingRules: { emstdpLr: 0.01 } })],
    ['me', spiking({ rule: 'emstdp', spikingRules: { emstdpEpsilon: 1.5 } })],
    ['bm', spiking({ rule: 'bpstdp', spikingRules: { bpstdpMu: 0.002 } })],
    ['bw', spiking({ rule: 'bpstdp', spikingRules: { bpstdpWindow: 10 } })],
    ['bi', spiking({ rule: 'bpstdp', spikingRules: { bpstdpInputGain: 1 } })],
    ['bt', spiking({ rule: 'bpstdp', spikingRules: { bpstdpTeacherRate: 0 } })],
  ];

  it('every added key is tested here', () => {
    const original = new Set(['d', 'tr', 'te', 'h', 'a', 'r', 'c', 'o', 'lr', 'mo', 'b', 's', 'e', 'nm', 'nb', 'nt', 'nr', 'nf', 'st', 'en', 'sg', 'ro', 'cmp', 'l', 'w']);
    expect(changed.map(([k]) => k).sort()).toEqual(LINK_FIELDS.map((f) => f.key).filter((k) => !original.has(k)).sort());
  });

  for (const [key, e] of changed) {
    it(`${key} is written when it departs from the baseline, and read back`, () => {
      expect(validateExperiment(e)).toEqual([]);
      const link = encodeExperiment(e);
      expect(link.split('&').some((p) => p.startsWith(`${key}=`)), link).toBe(true);
      expect(decodeExperiment(link)).toStrictEqual({ experiment: e, problems: [], version: LINK_VERSION });
    });
  }

  it('links made before them open with each at its baseline, the engine default they trained with', () => {
    const old = clean('v=1&k=spiking&r=tssl-bp&h=400,400&st=5&o=adam&lr=0.0005');
    expect(old.training).toStrictEqual(LINK_BASELINES.spiking.training);
    expect(old.spikingRules).toStrictEqual(LINK_BASELINES.spiking.spikingRules);
    expect(old.optimizer).toStrictEqual({ ...LINK_BASELINES.spiking.optimizer, method: 'adam', lr: 0.0005 });
    const c = toSpikingConfig(old);
    expect(c.tssl).toEqual(DEFAULT_SPIKING_CONFIG.tssl);
    expect(c.surrogate).toEqual(DEFAULT_SPIKING_CONFIG.surrogate);
    expect(c.optimizer).toEqual({ ...DEFAULT_SPIKING_CONFIG.optimizer, method: 'adam', lr: 0.0005 });
    const r = toTrainConfig(clean('v=1&r=fa&h=64'));
    expect(r).toStrictEqual({ ...DEFAULT_CONFIG, rule: 'fa', hidden: [64] });
  });

  it('empty means none where a setting may be none', () => {
    expect(clean('v=1&r=kp&td=').training.tiedDecay).toBeNull();
    expect(encodeExperiment(rate({ rule: 'kp', training: { tiedDecay: null } }))).toBe('v=1&r=kp');
  });

  it('a stored experiment from before them (a model file) takes the baselines, and keeps what it has', () => {
    const { training: _t, spikingRules: _r, ...old } = rate({ rule: 'fa' });
    const stored = { ...old, optimizer: { method: 'sgd', lr: 0.1, momentum: 0 }, spiking: { ...DEFAULT_SPIKING_EXPERIMENT.spiking, steps: 9 } } as unknown as Experiment;
    for (const k of ['encoderGain', 'surrogateSlope', 'alpha', 'rho', 'gamma'] as const) delete (stored.spiking as unknown as Record<string, unknown>)[k];
    const filled = withOmittedSettings(stored);
    expect(validateExperiment(filled)).toEqual([]);
    expect(filled).toStrictEqual(rate({ rule: 'fa', optimizer: { method: 'sgd', lr: 0.1, momentum: 0 }, spiking: { steps: 9 } }));
    // A value of the wrong shape is left for validateExperiment to report.
    expect(validateExperiment(withOmittedSettings({ ...stored, training: 'x' } as never)).map((p) => p.field)).toEqual(['training']);
  });
});

describe('round trips', () => {
  // [name, experiment, typical: whether its link must stay under 120 characters]
  const cases: Array<[string, Experiment, boolean]> = [
    ['the default', DEFAULT_EXPERIMENT, true],
    ['the spiking default', DEFAULT_SPIKING_EXPERIMENT, true],
    ['FA on Fashion-MNIST, three layers', rate({ dataset: 'fashion-mnist', hidden: [512, 256, 128], rule: 'fa', epochs: 10, seed: 7 }), true],
    ['weight mirror with coefficients', rate({ rule: 'wm', coefficients: { decay: 0.05, amp: 0.1 }, optimizer: { method: 'momentum', lr: 0.005, momentum: 0.9 } }), true],
    ['a zero and a negative coefficient', rate({ rule: 'sa', coefficients: { decay: 0, self: -0.002 } }), true],
    ['Kolen-Pollack with Adam, small batches', rate({ rule: 'kp', optimizer: { method: 'adam', lr: 0.0003, momentum: 0 }, batchSize: 32 }), true],
    ['a classroom set with a decision boundary', rate({ dataset: 'spirals', hidden: [16, 16], activation: 'tanh', trainSubset: 800, testSubset: 200, views: ['loss', 'boundary'] }), true],
    ['subsets only', rate({ trainSubset: 1, testSubset: LIMITS.maxSubset }), true],
    ['a comparison of six', rate({ compare: ['bp', 'fa', 'dfa', 'ss', 'wm', 'kp'], dataset: 'fashion-mnist' }), true],
    ['a lesson at its first step', rate({ dataset: 'xor', hidden: [4], lesson: { id: 'xor', step: 0 } }), true],
    ['a lesson further on', rate({ dataset: 'circles', lesson: { id: 'why-depth-helps', step: 12 }, views: ['boundary', 'loss'] }), true],
    ['surrogate FA with Poisson spikes', spiking({ rule: 'surrogate-fa', spiking: { steps: 25 }, views: ['loss', 'accuracy', 'raster', 'receptive-fields'] }), true],
    ['TSSL-BP, two layers, T = 5', spiking({ rule: 'tssl-bp', hidden: [400, 400], spiking: { steps: 5 }, optimizer: { method: 'adam', lr: 0.0005, momentum: 0.9 } }), true],
    ['e-prop on ALIF neurons', spiking({ rule: 'eprop', spiking: { model: 'alif', beta: 0.98 }, dataset: 'fashion-mnist' }), true],
    ['EMSTDP and BP-STDP compared', spiking({ rule: 'emstdp', compare: ['emstdp', 'bpstdp'], spiking: { steps: 40 } }), true],
    ['synaptic neurons, every neuron setting changed', spiking({ spiking: { model: 'synaptic', beta: 0.8, threshold: 0.75, reset: 'zero', refractory: 3, steps: 100, encoder: 'current', surrogate: 'arctan', readout: 'first-spike' } }), true],
    ['a spiking experiment that keeps a rate activation', spiking({ activation: 'sigmoid' }), true],
    ['a rate experiment that keeps neuron settings', rate({ spiking: { ...DEFAULT_SPIKING_EXPERIMENT.spiking, steps: 10 } }), true],
    ['views in an unusual order, all of them', rate({ views: [...VIEWS].reverse() }), false],
    ['no views', spiking({ views: [] }), true],
    ['numbers with long shortest forms', rate({ optimizer: { method: 'sgd', lr: 0.1 + 0.2, momentum: 1 / 3 }, rule: 'ia', coefficients: { amp: Math.PI / 1000 } }), true],
    ['extreme whole numbers', rate({ seed: LIMITS.maxSeed, epochs: LIMITS.maxEpochs, batchSize: LIMITS.maxBatchSize, hidden: Array(8).fill(LIMITS.maxLayerWidth) }), true],
    ['the smallest ones', rate({ seed: 0, epochs: 1, batchSize: 1, hidden: [1], optimizer: { method: 'sgd', lr: 0, momentum: 0 } }), true],
    ['a learning rate of -0', rate({ optimizer: { method: 'sgd', lr: -0, momentum: 0 } }), true],
    ['weight mirror as the benchmark tunes it', rate({ rule: 'wm', coefficients: { decay: 1e-3, amp: 1e-3 }, training: { feedbackLr: 0.5, warmupEpochs: 1 }, optimizer: { weightDecay: 2e-4 } }), true],
    ['BP-STDP with its own window and rates', spiking({ rule: 'bpstdp', spikingRules: { bpstdpMu: 1e-3, bpstdpWindow: 4, bpstdpInputGain: 0.3, bpstdpTeacherRate: 0.5 } }), true],
  ];
  for (const [name, e, typical] of cases) {
    it(name, () => {
      expect(validateExperiment(e)).toEqual([]);
      const link = encodeExperiment(e);
      expect(decodeExperiment(link)).toStrictEqual({ experiment: e, problems: [], version: LINK_VERSION });
      if (typical) expect(link.length, link).toBeLessThan(120);
    });
  }

  it('a leading ? or # is skipped', () => {
    const e = rate({ rule: 'fa', seed: 3 });
    expect(clean(`?${encodeExperiment(e)}`)).toStrictEqual(e);
    expect(clean(`#${encodeExperiment(e)}`)).toStrictEqual(e);
  });

  it('the longest experiment still fits well within the length bound', () => {
    const longest = rate({
      dataset: 'fashion-mnist', trainSubset: 999_999, testSubset: 999_999, hidden: Array(8).fill(12345), activation: 'softplus', rule: 'ia',
      coefficients: Object.fromEntries(PRIMITIVES.map((p) => [p, -0.12345678901234567])) as Coefficients,
      optimizer: { method: 'momentum', lr: 0.12345678901234567, momentum: 0.12345678901234567 }, batchSize: 4095, seed: 4294967295, epochs: 999,
      spiking: { model: 'synaptic', beta: 0.12345678901234567, threshold: 0.12345678901234567, reset: 'zero', refractory: 999, steps: 999, encoder: 'latency', surrogate: 'arctan', readout: 'first-spike' },
      compare: ['bp', 'fa', 'dfa', 'wm', 'ia', 'sa'], lesson: { id: 'a'.repeat(LIMITS.maxLessonIdLength), step: 999 }, views: [...VIEWS],
    });
    expect(validateExperiment(longest)).toEqual([]);
    const link = encodeExperiment(longest);
    expect(link.length).toBeLessThan(MAX_LINK_LENGTH / 2);
    expect(decodeExperiment(link).experiment).toStrictEqual(longest);
  });

  it('500 random valid experiments come back unchanged', () => {
    const rng = new Rng(2024);
    let checked = 0;
    for (let i = 0; i < 600 && checked < 500; i++) {
      const e = randomExperiment(rng);
      if (validateExperiment(e).length > 0) continue;
      checked++;
      const link = encodeExperiment(e);
      const d = decodeExperiment(link);
      expect(d.problems, link).toEqual([]);
      expect(d.experiment, link).toStrictEqual(e);
    }
    expect(checked).toBe(500);
  });
});

describe('version 0: the run form’s old query', () => {
  const cases: Array<[string, string, Experiment]> = [
    ['no query at all', '', DEFAULT_EXPERIMENT],
    ['every form field', '?dataset=fashion-mnist&rule=fa&hidden=512,128&lr=0.005&epochs=3&seed=7', rate({ dataset: 'fashion-mnist', rule: 'fa', hidden: [512, 128], optimizer: { method: 'momentum', lr: 0.005, momentum: 0.9 }, epochs: 3, seed: 7 })],
    ['subsets (URL-only options)', '?trainSubset=500&testSubset=100', rate({ trainSubset: 500, testSubset: 100 })],
    ['hidden as URLSearchParams wrote "256 128"', '?hidden=256+128', rate({ hidden: [256, 128] })],
    ['hidden as typed with a comma and a space', '?hidden=256%2C%20128', rate({ hidden: [256, 128] })],
    ['spaces around a number', '?lr=%200.02%20', rate({ optimizer: { method: 'momentum', lr: 0.02, momentum: 0.9 } })],
    ['an exponent', '?lr=1e-3&rule=dfa', rate({ rule: 'dfa', optimizer: { method: 'momentum', lr: 0.001, momentum: 0.9 } })],
    ['a classroom set (the old page refused it; the new one can)', '?dataset=spirals', rate({ dataset: 'spirals' })],
    ['an explicit v=0', '?v=0&seed=5', rate({ seed: 5 })],
  ];
  for (const [name, link, want] of cases) {
    it(name, () => expect(clean(link, 0)).toStrictEqual(want));
  }

  const broken: Array<[string, string, Experiment, RegExp[]]> = [
    ['0 epochs', '?epochs=0&seed=3', rate({ seed: 3 }), [/^Epochs \(epochs=0\): must be a whole number from 1 to 1000 \(got 0\)\. Using the default, 5\.$/]],
    ['an unknown rule', '?rule=hebb&hidden=64', rate({ hidden: [64] }), [/^Learning rule \(rule=hebb\): unknown rule "hebb"\. Choose one of: bp, fa,.* Using the default, bp\.$/]],
    ['a version-1 key in a version-0 link', '?h=64&seed=2', rate({ seed: 2 }), [/^The link's "h" \(h=64\) is no setting this page knows, so it was ignored\.$/]],
    ['a subset that is not a number', '?trainSubset=all', DEFAULT_EXPERIMENT, [/^Training subset \(trainSubset=all\): "all" is not a number\. Using the default, the whole training set\.$/]],
  ];
  for (const [name, link, want, problems] of broken) {
    it(`reports ${name}`, () => {
      const d = decodeExperiment(link);
      expect(d.version).toBe(0);
      expect(d.experiment).toStrictEqual(want);
      expect(d.problems).toHaveLength(problems.length);
      d.problems.forEach((p, i) => expect(p).toMatch(problems[i]));
    });
  }
});

describe('tampered links: each broken setting falls back to its default, the rest is kept', () => {
  // [name, link, the experiment opened, one pattern per problem]
  const cases: Array<[string, string, Experiment, RegExp[]]> = [
    ['NaN learning rate', 'v=1&lr=NaN&s=9', rate({ seed: 9 }), [/^Learning rate \(lr=NaN\): "NaN" is not a number\. Using the default, 0\.01\.$/]],
    ['Infinity', 'v=1&lr=Infinity', DEFAULT_EXPERIMENT, [/^Learning rate \(lr=Infinity\): "Infinity" is not a number/]],
    ['hex', 'v=1&b=0x40', DEFAULT_EXPERIMENT, [/^Batch size \(b=0x40\): "0x40" is not a number/]],
    ['an empty value', 'v=1&s=&e=3', rate({ epochs: 3 }), [/^Seed \(s=\): is empty; give a number\. Using the default, 1\.$/]],
    ['a key without a value', 'v=1&e&r=fa', rate({ rule: 'fa' }), [/^Epochs \(e=\): is empty/]],
    ['a negative layer size', 'v=1&h=256,-5&r=fa', rate({ rule: 'fa' }), [/^Hidden layer sizes \(h=256,-5\): layer 2 must be a whole number of neurons from 1 to 16384 \(got -5\)\. Using the default, 256,256\.$/]],
    ['a fractional layer size', 'v=1&h=10.5', DEFAULT_EXPERIMENT, [/layer 1 must be a whole number of neurons .*\(got 10\.5\)/]],
    ['a layer that is not a number', 'v=1&h=256,abc', DEFAULT_EXPERIMENT, [/^Hidden layer sizes \(h=256,abc\): layer 2, "abc", is not a number\./]],
    ['too many layers', `v=1&h=${Array(9).fill(8).join(',')}`, DEFAULT_EXPERIMENT, [/^Hidden layer sizes \(h=8,8,8,8,8,8,8,8,8\): give 1 to 8 hidden layer sizes \(got 9\)\./]],
    ['an absurd layer width', 'v=1&h=100000000', DEFAULT_EXPERIMENT, [/got 100000000\)\. Using the default, 256,256\.$/]],
    ['an unknown rule', 'v=1&r=hebb&e=2', rate({ epochs: 2 }), [/^Learning rule \(r=hebb\): unknown rule "hebb"\. Choose one of: bp, fa, dfa/]],
    ['a rate rule on a spiking network', 'v=1&k=spiking&r=fa&st=10', spiking({ spiking: { steps: 10 } }), [/^Learning rule \(r=fa\): "fa" is a rate rule; a spiking network learns with one of: surrogate-bp.* Using the default, surrogate-bp\.$/]],
    ['an unknown network kind', 'v=1&k=quantum&h=64', rate({ hidden: [64] }), [/^Network kind \(k=quantum\): unknown network kind "quantum"\. Choose one of: rate, spiking\. Using the default, rate\.$/]],
    ['an unknown dataset', 'v=1&d=my-photos.zip&s=4', rate({ seed: 4 }), [/^Dataset \(d=my-photos\.zip\): unknown dataset "my-photos\.zip"\. Choose one of: mnist/]],
    ['a negative seed', 'v=1&s=-1', DEFAULT_EXPERIMENT, [/^Seed \(s=-1\): must be a whole number from 0 to 4294967295 \(got -1\)\./]],
    ['a seed beyond 32 bits', 'v=1&s=4294967296', DEFAULT_EXPERIMENT, [/got 4294967296/]],
    ['momentum 1', 'v=1&mo=1', DEFAULT_EXPERIMENT, [/^Momentum \(mo=1\): must be a number in \[0, 1\) \(got 1\)\. Using the default, 0\.9\.$/]],
    ['an absurd learning rate', 'v=1&lr=1e300', DEFAULT_EXPERIMENT, [/must be a number in \[0, 10\] \(got 1e\+300\)/]],
    ['a huge epoch count', 'v=1&e=1e9', DEFAULT_EXPERIMENT, [/^Epochs \(e=1e9\): must be a whole number from 1 to 1000 \(got 1000000000\)/]],
    ['an unknown primitive', 'v=1&r=wm&c=decay:0.1,__proto__:1', rate({ rule: 'wm' }), [/^Regulariser coefficients \(c=decay:0\.1,__proto__:1\): unknown regulariser primitive "__proto__"\. Use decay, amp, null, sparse, self\. Using the default, the rule's own\.$/]],
    ['a coefficient given twice', 'v=1&r=wm&c=decay:1,decay:2', rate({ rule: 'wm' }), [/gives decay twice/]],
    ['a coefficient without a value', 'v=1&r=wm&c=decay', rate({ rule: 'wm' }), [/"decay" is not primitive:value/]],
    ['coefficients on a rule without trainable B', 'v=1&r=dfa&c=decay:0.1', rate({ rule: 'dfa' }), [/^Regulariser coefficients \(c=decay:0\.1\): rule "dfa" has no trainable backward weights/]],
    ['a spiking threshold of 0', 'v=1&k=spiking&nt=0&nb=0.9', spiking({ spiking: { beta: 0.9 } }), [/^Threshold \(nt=0\): must be a number above 0, at most 1000 \(got 0\)\. Using the default, 1\.$/]],
    ['T of a million', 'v=1&k=spiking&st=1000000', DEFAULT_SPIKING_EXPERIMENT, [/^Steps per example \(T\) \(st=1000000\): must be a whole number of steps from 1 to 1000/]],
    ['e-prop on synaptic neurons keeps e-prop, drops the neuron', 'v=1&k=spiking&r=eprop&nm=synaptic', spiking({ rule: 'eprop' }), [/^Neuron model \(nm=synaptic\): e-prop needs LIF or ALIF neurons.* Using the default, lif\.$/]],
    ['EMSTDP with T = 3', 'v=1&k=spiking&r=emstdp&st=3', spiking({ rule: 'emstdp' }), [/^Steps per example \(T\) \(st=3\): EMSTDP splits T into two phases/]],
    ['a comparison of one', 'v=1&cmp=fa', DEFAULT_EXPERIMENT, [/^Compared rules \(cmp=fa\): lists 1 rules; compare 2 to 6, or none\. Using the default, no comparison\.$/]],
    ['a comparison of seven', 'v=1&cmp=bp,fa,dfa,ss,wm,ia,sa', DEFAULT_EXPERIMENT, [/lists 7 rules/]],
    ['a rule compared twice', 'v=1&cmp=fa,fa', DEFAULT_EXPERIMENT, [/lists "fa" twice/]],
    ['an empty entry in a comparison', 'v=1&cmp=fa,,bp', DEFAULT_EXPERIMENT, [/has an empty entry/]],
    ['a lesson id with odd characters', 'v=1&l=%3Cscript%3E:1', DEFAULT_EXPERIMENT, [/^Lesson \(l=<script>:1\): id "<script>" is not a lesson id/]],
    ['a lesson step out of range', 'v=1&l=intro:5000', DEFAULT_EXPERIMENT, [/^Lesson \(l=intro:5000\): step must be a whole number from 0 to 999 \(got 5000\)/]],
    ['an unknown view', 'v=1&w=loss,spectrogram', DEFAULT_EXPERIMENT, [/^Views \(w=loss,spectrogram\): unknown view "spectrogram"\. Choose one of: loss, accuracy/]],
    ['a view twice', 'v=1&w=loss,loss', DEFAULT_EXPERIMENT, [/^Views \(w=loss,loss\): lists "loss" twice\. Using the default, loss,accuracy,angles\.$/]],
    ['a duplicate key', 'v=1&s=1&r=fa&s=2', rate({ rule: 'fa' }), [/^Seed is given 2 times \(s=1, s=2\); a link gives each setting once\. Using the default, 1\.$/]],
    ['an unknown key', 'v=1&zz=1&r=fa', rate({ rule: 'fa' }), [/^The link's "zz" \(zz=1\) is no setting this page knows, so it was ignored\.$/]],
    ['a broken % escape', 'v=1&h=%E0%A4%A&r=fa', rate({ rule: 'fa' }), [/^Hidden layer sizes \(h\) is not valid URL encoding\. Using the default, 256,256\.$/]],
    ['an absurdly long value', `v=1&r=fa&h=${'1,'.repeat(150)}1`, rate({ rule: 'fa' }), [new RegExp(`^Hidden layer sizes \\(h\\) is 301 characters long, more than the ${MAX_VALUE_LENGTH} a setting may have\\.`)]],
    ['a malformed version', 'v=one&r=fa', rate({ rule: 'fa' }), [/^The link version \(v=one\) is not one whole number; the link is read as version 1\.$/]],
    ['a spiking default named in a broken spiking link', 'v=1&k=spiking&h=0', DEFAULT_SPIKING_EXPERIMENT, [/Using the default, 256\.$/]],
    ['several at once, in the order read', 'v=1&zz=3&s=x&h=-1&r=fa&w=loss,loss', rate({ rule: 'fa' }), [/"zz"/, /^Seed/, /^Hidden layer sizes/, /^Views/]],
    ['an unknown loss', 'v=1&lo=hinge&s=3', rate({ seed: 3 }), [/^Loss \(lo=hinge\): unknown loss "hinge"\. Choose one of: cross-entropy, mse\. Using the default, cross-entropy\.$/]],
    ['a negative weight decay', 'v=1&wd=-0.1', DEFAULT_EXPERIMENT, [/^Weight decay \(wd=-0\.1\): must be a number in \[0, 1\] \(got -0\.1\)\. Using the default, 0\.$/]],
    ['a feedback learning rate that is not a number', 'v=1&r=wm&fl=fast', rate({ rule: 'wm' }), [/^Feedback learning rate \(fl=fast\): "fast" is not a number\. Using the default, the forward learning rate\.$/]],
    ['an absurd tied decay', 'v=1&r=kp&td=50', rate({ rule: 'kp' }), [/^Tied decay \(td=50\): must be a number in \[0, 1\] \(got 50\); or leave it empty for the default\. Using the default, the rule's own\.$/]],
    ['a warm-up as long as the cosine', 'v=1&ls=cosine&wu=5&e=5', rate({ training: { lrSchedule: 'cosine' }, epochs: 5 }), [/^Warm-up epochs \(wu=5\): must be shorter than the schedule's 5 epochs \(got 5\)\. Using the default, 0\.$/]],
    ['MSE on the membrane readout', 'v=1&k=spiking&lo=mse', DEFAULT_SPIKING_EXPERIMENT, [/^Loss \(lo=mse\): MSE is defined on spike counts; use cross-entropy with the membrane readout\. Using the default, cross-entropy\.$/]],
    ['a surrogate slope of 0', 'v=1&k=spiking&sk=0&st=10', spiking({ spiking: { steps: 10 } }), [/^Surrogate slope \(sk=0\): must be a number above 0, at most 1000 \(got 0\)\. Using the default, 25\.$/]],
    ['an unknown e-prop feedback', 'v=1&k=spiking&r=eprop&pf=mirror', spiking({ rule: 'eprop' }), [/^e-prop feedback \(pf=mirror\): unknown e-prop feedback "mirror"\. Choose one of: symmetric, random, adaptive\. Using the default, symmetric\.$/]],
    ['a fractional BP-STDP window', 'v=1&k=spiking&r=bpstdp&bw=2.5', spiking({ rule: 'bpstdp' }), [/^BP-STDP window \(bw=2\.5\): must be a whole number of steps from 1 to 1000 \(got 2\.5\)\. Using the default, 5\.$/]],
    ['an EMSTDP threshold of Infinity', 'v=1&k=spiking&r=emstdp&me=Infinity', spiking({ rule: 'emstdp' }), [/^EMSTDP error threshold \(me=Infinity\): "Infinity" is not a number\. Using the default, scaled to T\.$/]],
    ['a TSSL-BP time constant below a step', 'v=1&k=spiking&r=tssl-bp&tm=0.2', spiking({ rule: 'tssl-bp' }), [/^TSSL-BP membrane time constant \(tm=0\.2\): must be a number in \[1, 1000\] \(got 0\.2\)\. Using the default, 5\.$/]],
  ];
  for (const [name, link, want, problems] of cases) {
    it(name, () => {
      const d = decodeExperiment(link);
      expect(d.experiment).toStrictEqual(want);
      expect(d.version).toBe(LINK_VERSION);
      expect(d.problems, d.problems.join('\n')).toHaveLength(problems.length);
      d.problems.forEach((p, i) => expect(p).toMatch(problems[i]));
    });
  }
});

describe('links that are not read at all', () => {
  it('a link from a newer version opens the default and says why', () => {
    const d = decodeExperiment('v=2&h=64&xyz=3');
    expect(d).toStrictEqual({
      experiment: DEFAULT_EXPERIMENT,
      version: 2,
      problems: ['This link was made by a newer version of Plasticity Lab (link version 2; this page reads up to 1). Reload the page to get the newest version; the default experiment is shown instead.'],
    });
  });

  it('a link longer than any experiment needs is not read', () => {
    const link = `v=1&r=fa&${'zz=1&'.repeat(500)}`;
    const d = decodeExperiment(link);
    expect(d.experiment).toStrictEqual(DEFAULT_EXPERIMENT);
    expect(d.problems).toEqual([`This link is ${link.length} characters long, more than the ${MAX_LINK_LENGTH} any experiment needs, so it was not read; the default experiment is shown instead.`]);
  });

  it('garbage never throws and always opens a valid experiment', () => {
    const rng = new Rng(7);
    const alphabet = ['v', '=', '1', '&', 'h', 'k', 'r', 'c', ':', ',', '%', 'E0', '+', '-', '.', 'e', 'spiking', 'fa', 'eprop', 'nm', 'synaptic', 'cmp', 'l', 'w', 'loss', '0', '9', 'NaN', '#', '?', '__proto__'];
    for (let i = 0; i < 2000; i++) {
      let s = '';
      const n = rng.below(30);
      for (let j = 0; j < n; j++) s += alphabet[rng.below(alphabet.length)];
      const d = decodeExperiment(s);
      expect(validateExperiment(d.experiment), s).toEqual([]);
      expect(Array.isArray(d.problems)).toBe(true);
    }
  });
});

/** A random experiment; most are valid, the test keeps those that are. */
function randomExperiment(rng: Rng): Experiment {
  const pick = <T>(xs: readonly T[]): T => xs[rng.below(xs.length)];
  const subsetOf = <T>(xs: readonly T[], n: number): T[] => {
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n && pool.length > 0) out.push(pool.splice(rng.below(pool.length), 1)[0]);
    return out;
  };
  const kind: NetworkKind = rng.uniform() < 0.5 ? 'rate' : 'spiking';
  const base = defaultExperiment(kind);
  const sometimes = <T>(v: () => T, otherwise: T): T => (rng.uniform() < 0.5 ? v() : otherwise);
  const rule = pick(rulesFor(kind));
  const trainsB = RULES.find((r) => r.id === rule)?.feedback === 'backward';
  const coefficients: Coefficients = {};
  if (kind === 'rate' && trainsB) for (const p of subsetOf(PRIMITIVES, rng.below(4))) coefficients[p] = (rng.uniform() - 0.5) * 0.1;
  const e: Record<string, unknown> = {
    ...base,
    dataset: sometimes(() => pick(EXPERIMENT_DATASETS), base.dataset),
    hidden: sometimes(() => Array.from({ length: 1 + rng.below(8) }, () => 1 + rng.below(2048)), base.hidden),
    activation: sometimes(() => pick(ACTIVATIONS), base.activation),
    spiking: sometimes(() => ({
      model: pick(NEURON_MODELS), beta: rng.uniform(), threshold: 0.01 + rng.uniform() * 5, reset: pick(RESETS), refractory: rng.below(5),
      steps: 4 + rng.below(100), encoder: pick(ENCODERS), surrogate: pick(SURROGATES), readout: pick(READOUTS),
      encoderGain: sometimes(() => rng.uniform() * 3, 1), surrogateSlope: sometimes(() => 0.1 + rng.uniform() * 50, 25),
      alpha: sometimes(() => rng.uniform(), 0.9), rho: sometimes(() => rng.uniform(), 0.97), gamma: sometimes(() => rng.uniform() * 2, 0.2),
    }), base.spiking),
    spikingRules: sometimes(() => ({
      tsslTauM: 1 + rng.uniform() * 10, tsslTauS: 1 + rng.uniform() * 10, epropFeedback: pick(EPROP_FEEDBACKS), epropUpdate: pick(EPROP_UPDATES), epropKappa: rng.uniform() * 0.99,
      emstdpFeedback: pick(EMSTDP_FEEDBACKS), emstdpLr: rng.uniform() * 0.01, emstdpEpsilon: sometimes(() => 0.5 + rng.uniform() * 5, null),
      bpstdpMu: rng.uniform() * 0.01, bpstdpWindow: 1 + rng.below(10), bpstdpInputGain: rng.uniform(), bpstdpTeacherRate: rng.uniform(),
    }), base.spikingRules),
    training: sometimes(() => ({
      // MSE needs spike counts on spiking networks; the repair test below covers the refusal.
      loss: kind === 'rate' ? pick(['cross-entropy', 'mse'] as const) : 'cross-entropy', tiedDecay: sometimes(() => rng.uniform() * 0.1, null),
      init: pick(INITS), inputScaling: pick(INPUT_SCALINGS), lrSchedule: pick(LR_SCHEDULES), warmupEpochs: sometimes(() => rng.below(3), 0),
      feedbackLr: sometimes(() => rng.uniform(), null), feedbackInput: pick(FEEDBACK_INPUTS), feedbackNoiseStd: rng.uniform() * 2, feedbackUpdateNoise: sometimes(() => rng.uniform() * 0.1, 0),
    }), base.training),
    rule,
    coefficients,
    optimizer: sometimes(() => ({
      ...base.optimizer, method: pick(OPTIMIZERS), lr: rng.uniform() * 0.1, momentum: rng.uniform(),
      ...(rng.uniform() < 0.5 ? { beta1: rng.uniform(), beta2: rng.uniform(), eps: 1e-9 + rng.uniform() * 1e-3, weightDecay: rng.uniform() * 0.01 } : {}),
    }), base.optimizer),
    batchSize: sometimes(() => 1 + rng.below(512), base.batchSize),
    seed: sometimes(() => rng.nextU32(), base.seed),
    epochs: sometimes(() => 1 + rng.below(100), base.epochs),
    compare: sometimes(() => subsetOf(rulesFor(kind), 2 + rng.below(5)), base.compare),
    lesson: sometimes(() => ({ id: pick(['intro', 'xor-needs-depth', 'fa-aligns', 'a1']), step: rng.below(20) }), base.lesson),
    views: sometimes(() => subsetOf(VIEWS, rng.below(VIEWS.length + 1)), base.views),
  };
  if (rng.uniform() < 0.3) e.trainSubset = 1 + rng.below(60000);
  if (rng.uniform() < 0.3) e.testSubset = 1 + rng.below(10000);
  return e as unknown as Experiment;
}
