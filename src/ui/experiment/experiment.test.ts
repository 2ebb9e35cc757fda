import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors';
import { DEFAULT_SPIKING_CONFIG } from '../../engine/spiking/config';
import { DEFAULT_CONFIG } from '../../engine/training/config';
import { applyEdit } from '../app/setting-edit';
import {
  compareFor,
  DEFAULT_EXPERIMENT,
  DEFAULT_SPIKING_EXPERIMENT,
  defaultExperiment,
  type Experiment,
  type NetworkKind,
  settingOf,
  show,
  toSpikingConfig,
  toTrainConfig,
  validateExperiment,
} from './experiment';

/** A default experiment of `kind` with some settings changed; `spiking` merges into the default neuron. */
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

describe('defaults', () => {
  it('both kinds are valid and frozen', () => {
    expect(validateExperiment(DEFAULT_EXPERIMENT)).toEqual([]);
    expect(validateExperiment(DEFAULT_SPIKING_EXPERIMENT)).toEqual([]);
    expect(Object.isFrozen(DEFAULT_EXPERIMENT.hidden)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SPIKING_EXPERIMENT.spiking)).toBe(true);
  });

  it('hold the run form and engine defaults', () => {
    expect(DEFAULT_EXPERIMENT).toMatchObject({ dataset: 'mnist', network: 'rate', hidden: [256, 256], rule: 'bp', epochs: 5, seed: 1, batchSize: 128 });
    expect(DEFAULT_EXPERIMENT.optimizer).toEqual({ method: 'momentum', lr: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    expect(DEFAULT_SPIKING_EXPERIMENT).toMatchObject({ network: 'spiking', hidden: [256], rule: 'surrogate-bp' });
    expect(DEFAULT_SPIKING_EXPERIMENT.spiking).toEqual({
      model: 'lif', beta: 0.95, threshold: 1, reset: 'subtract', refractory: 0, steps: 25, encoder: 'poisson', surrogate: 'fast-sigmoid', readout: 'membrane',
      encoderGain: 1, surrogateSlope: 25, alpha: 0.9, rho: 0.97, gamma: 0.2,
    });
  });

  // So an experiment that leaves a setting at its default trains as the engine would by default.
  it('translate to exactly the engines’ default configs', () => {
    expect(toTrainConfig(DEFAULT_EXPERIMENT)).toStrictEqual(DEFAULT_CONFIG);
    expect(toSpikingConfig(DEFAULT_SPIKING_EXPERIMENT)).toStrictEqual(DEFAULT_SPIKING_CONFIG);
  });
});

describe('compareFor', () => {
  it('keeps the rules the network kind has, in order, or none when fewer than two remain', () => {
    expect(compareFor('rate', ['bp', 'fa', 'dfa'])).toEqual(['bp', 'fa', 'dfa']);
    expect(compareFor('spiking', ['bp', 'fa'])).toEqual([]);
    expect(compareFor('rate', ['surrogate-bp', 'surrogate-fa'])).toEqual([]);
    expect(compareFor('spiking', ['surrogate-bp', 'fa', 'tssl-bp'])).toEqual(['surrogate-bp', 'tssl-bp']);
    expect(compareFor('spiking', ['surrogate-bp', 'fa'])).toEqual([]);
  });

  it('switching the network kind in the form drops a comparison the new kind cannot run', () => {
    const compared = rate({ compare: ['bp', 'fa'] });
    const switched = applyEdit(compared, 'network', 'spiking');
    expect(switched.ok && switched.experiment.compare).toEqual([]);
    expect(switched.ok && validateExperiment(switched.experiment)).toEqual([]);
    const back = applyEdit(spiking({ compare: ['surrogate-bp', 'surrogate-fa'] }), 'network', 'rate');
    expect(back.ok && back.experiment.compare).toEqual([]);
  });
});

describe('toTrainConfig', () => {
  const cases: Array<[string, Experiment, string | undefined, Record<string, unknown>]> = [
    ['the default', DEFAULT_EXPERIMENT, undefined, { hidden: [256, 256], activation: 'relu', rule: 'bp', coefficients: {}, batchSize: 128, seed: 1 }],
    ['a three-layer tanh network under FA with Adam', rate({ hidden: [512, 256, 64], activation: 'tanh', rule: 'fa', optimizer: { method: 'adam', lr: 5e-4, momentum: 0 }, batchSize: 32, seed: 9 }), undefined,
      { hidden: [512, 256, 64], activation: 'tanh', rule: 'fa', batchSize: 32, seed: 9 }],
    ['weight mirror with its coefficients overridden', rate({ rule: 'wm', coefficients: { decay: 0.05, amp: 0.1 } }), undefined, { rule: 'wm', coefficients: { decay: 0.05, amp: 0.1 } }],
    ['a compared rule takes its own coefficients', rate({ rule: 'wm', coefficients: { decay: 0.05 }, compare: ['wm', 'dfa'] }), 'dfa', { rule: 'dfa', coefficients: {} }],
    ['a problem outside the network is not its business', rate({ views: ['loss', 'loss'], epochs: 0 }), undefined, { rule: 'bp' }],
    ["a compared rule does not care that e.rule's coefficients are wrong", rate({ rule: 'bp', coefficients: { decay: 1 }, compare: ['fa', 'kp'] }), 'kp', { rule: 'kp', coefficients: {} }],
    ['every training setting', rate({
      rule: 'wm',
      training: { loss: 'mse', tiedDecay: 0.01, init: 'kaiming', inputScaling: 'standardize', lrSchedule: 'cosine', warmupEpochs: 1, feedbackLr: 0.5, feedbackInput: 'noise', feedbackNoiseStd: 0.5, feedbackUpdateNoise: 0.01 },
      optimizer: { method: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 2e-4 },
      epochs: 7,
    }), undefined, {
      loss: 'mse', tiedDecay: 0.01, init: 'kaiming', inputScaling: 'standardize', lrSchedule: 'cosine', warmupEpochs: 1, feedbackLr: 0.5, feedbackInput: 'noise', feedbackNoiseStd: 0.5, feedbackUpdateNoise: 0.01,
      // A cosine spans the run's epochs, as on the command line.
      scheduleEpochs: 7,
      optimizer: { method: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 2e-4 },
    }],
    ['a constant rate keeps the engine’s schedule length, whatever the epochs', rate({ epochs: 3 }), undefined, { lrSchedule: 'constant', scheduleEpochs: 10 }],
    ['compared rules share the training settings', rate({ training: { feedbackLr: 0.2, warmupEpochs: 2 }, compare: ['fa', 'wm'] }), 'wm', { rule: 'wm', feedbackLr: 0.2, warmupEpochs: 2 }],
  ];
  for (const [name, e, rule, want] of cases) {
    it(name, () => {
      const c = toTrainConfig(e, rule);
      expect(c).toMatchObject(want);
      expect(c.optimizer).toMatchObject(e.optimizer);
    });
  }
});

describe('toSpikingConfig', () => {
  const cases: Array<[string, Experiment, string | undefined, Record<string, unknown>]> = [
    ['the default', DEFAULT_SPIKING_EXPERIMENT, undefined, {
      hidden: [256], steps: 25, encoder: 'poisson', readout: 'membrane', rule: 'surrogate-bp', surrogate: { kind: 'fast-sigmoid', slope: 25 },
      neuron: { model: 'lif', beta: 0.95, threshold: 1, reset: 'subtract', refractory: 0 },
    }],
    ['ALIF neurons, latency code, arctan surrogate, spike counts', spiking({ spiking: { model: 'alif', beta: 0.9, threshold: 0.5, reset: 'zero', refractory: 2, steps: 50, encoder: 'latency', surrogate: 'arctan', readout: 'count' }, rule: 'surrogate-fa' }), undefined, {
      steps: 50, encoder: 'latency', readout: 'count', rule: 'surrogate-fa', surrogate: { kind: 'arctan' },
      neuron: { model: 'alif', beta: 0.9, threshold: 0.5, reset: 'zero', refractory: 2 },
    }],
    ['TSSL-BP on two layers', spiking({ rule: 'tssl-bp', hidden: [400, 400], spiking: { steps: 5 } }), undefined, { rule: 'tssl-bp', hidden: [400, 400], steps: 5 }],
    ['e-prop', spiking({ rule: 'eprop' }), undefined, { rule: 'eprop' }],
    ['a compared rule', spiking({ compare: ['surrogate-bp', 'bpstdp'] }), 'bpstdp', { rule: 'bpstdp' }],
    ['a cosine over the run, with a warm-up', spiking({ epochs: 4, training: { lrSchedule: 'cosine', warmupEpochs: 1 } }), undefined, { lrSchedule: 'cosine', scheduleEpochs: 4, warmupEpochs: 1 }],
    ['a spike-only rule compared under a cosine keeps its fixed rate', spiking({ epochs: 4, training: { lrSchedule: 'cosine' }, compare: ['emstdp'] }), 'emstdp', { rule: 'emstdp', lrSchedule: 'constant', warmupEpochs: 0 }],
    ['the neuron and coding settings', spiking({ spiking: { model: 'alif', encoderGain: 2, surrogateSlope: 10, alpha: 0.8, rho: 0.99, gamma: 0.5, readout: 'count' }, training: { loss: 'mse' } }), undefined, {
      encoderGain: 2, surrogate: { kind: 'fast-sigmoid', slope: 10 }, neuron: { model: 'alif', alpha: 0.8, rho: 0.99, gamma: 0.5 }, loss: 'mse', readout: 'count',
    }],
    ['every spiking rule option', spiking({
      rule: 'eprop',
      spikingRules: {
        tsslTauM: 4, tsslTauS: 2, epropFeedback: 'random', epropUpdate: 'online', epropKappa: 0.9, emstdpFeedback: 'direct', emstdpLr: 1e-3, emstdpEpsilon: 2,
        bpstdpMu: 1e-3, bpstdpWindow: 3, bpstdpInputGain: 0.5, bpstdpTeacherRate: 0.4,
      },
      training: { tiedDecay: 0.02 },
      optimizer: { weightDecay: 1e-4 },
    }), undefined, {
      tssl: { tauM: 4, tauS: 2 }, eprop: { feedback: 'random', update: 'online', kappa: 0.9 }, emstdp: { feedback: 'direct', lr: 1e-3, epsilon: 2 },
      bpstdp: { mu: 1e-3, window: 3, inputGain: 0.5, teacherRate: 0.4 }, tiedDecay: 0.02, optimizer: { weightDecay: 1e-4 },
    }],
  ];
  for (const [name, e, rule, want] of cases) {
    it(name, () => expect(toSpikingConfig(e, rule)).toMatchObject(want));
  }
});

describe('conversion errors name the experiment field', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['a spiking experiment as a rate config', () => toTrainConfig(DEFAULT_SPIKING_EXPERIMENT), 'network', /is "spiking"; .*toSpikingConfig/],
    ['a rate experiment as a spiking config', () => toSpikingConfig(DEFAULT_EXPERIMENT), 'network', /is "rate"; .*toTrainConfig/],
    ['no hidden layer', () => toTrainConfig(rate({ hidden: [] })), 'hidden', /give 1 to 8 hidden layer sizes \(got 0\)/],
    ['nine hidden layers', () => toTrainConfig(rate({ hidden: [8, 8, 8, 8, 8, 8, 8, 8, 8] })), 'hidden', /give 1 to 8 .*got 9/],
    ['a zero-width layer', () => toTrainConfig(rate({ hidden: [256, 0] })), 'hidden[1]', /layer 2 must be a whole number of neurons from 1 to 16384 \(got 0\)/],
    ['an absurdly wide layer', () => toTrainConfig(rate({ hidden: [1e6] })), 'hidden[0]', /layer 1 .*got 1000000/],
    ['a spiking rule for a rate network', () => toTrainConfig(rate({ rule: 'surrogate-fa' })), 'rule', /"surrogate-fa" is a spiking rule; a rate network learns with one of: bp, fa/],
    ['an unknown rule', () => toTrainConfig(rate({ rule: 'hebb' })), 'rule', /unknown rule "hebb"\. Choose one of: bp/],
    ['coefficients on backprop (the engine says so)', () => toTrainConfig(rate({ coefficients: { decay: 0.1 } })), 'coefficients', /rule "bp" has no trainable backward weights/],
    ['an unknown primitive', () => toTrainConfig(rate({ rule: 'wm', coefficients: { bogus: 1 } as never })), 'coefficients.bogus', /unknown regulariser primitive "bogus"/],
    ['a coefficient out of range', () => toTrainConfig(rate({ rule: 'wm', coefficients: { decay: 1e9 } })), 'coefficients.decay', /\[-1000, 1000\] \(got 1000000000\)/],
    ['a NaN learning rate', () => toTrainConfig(rate({ optimizer: { method: 'sgd', lr: Number.NaN, momentum: 0 } })), 'optimizer.lr', /must be a number in \[0, 10\] \(got NaN\)/],
    ['momentum 1', () => toTrainConfig(rate({ optimizer: { method: 'momentum', lr: 0.01, momentum: 1 } })), 'optimizer.momentum', /\[0, 1\) \(got 1\)/],
    ['an unknown optimizer', () => toTrainConfig(rate({ optimizer: { method: 'lion' as never, lr: 0.01, momentum: 0 } })), 'optimizer.method', /unknown optimizer "lion"/],
    ['batch 0', () => toTrainConfig(rate({ batchSize: 0 })), 'batchSize', /from 1 to 4096 \(got 0\)/],
    ['a negative seed', () => toTrainConfig(rate({ seed: -1 })), 'seed', /from 0 to 4294967295 \(got -1\)/],
    ['an unknown activation', () => toTrainConfig(rate({ activation: 'gelu' as never })), 'activation', /unknown activation "gelu"/],
    ['beta above 1', () => toSpikingConfig(spiking({ spiking: { beta: 1.5 } })), 'spiking.beta', /\[0, 1\] \(got 1\.5\)/],
    ['threshold 0', () => toSpikingConfig(spiking({ spiking: { threshold: 0 } })), 'spiking.threshold', /above 0/],
    ['T = 0', () => toSpikingConfig(spiking({ spiking: { steps: 0 } })), 'spiking.steps', /from 1 to 1000 \(got 0\)/],
    ['a fractional refractory period', () => toSpikingConfig(spiking({ spiking: { refractory: 1.5 } })), 'spiking.refractory', /whole number of steps/],
    ['an unknown encoder', () => toSpikingConfig(spiking({ spiking: { encoder: 'burst' as never } })), 'spiking.encoder', /unknown encoder "burst"/],
    ['a rate rule for a spiking network', () => toSpikingConfig(spiking({ rule: 'fa' })), 'rule', /"fa" is a rate rule; a spiking network learns with one of: surrogate-bp/],
    ['coefficients on a spiking rule', () => toSpikingConfig(spiking({ coefficients: { decay: 0.1 } })), 'coefficients', /spiking rules have no regulariser coefficients/],
    ['e-prop on synaptic neurons (the engine says so)', () => toSpikingConfig(spiking({ rule: 'eprop', spiking: { model: 'synaptic' } })), 'spiking.model', /e-prop needs LIF or ALIF neurons/],
    ['e-prop with reset to zero', () => toSpikingConfig(spiking({ rule: 'eprop', spiking: { reset: 'zero' } })), 'spiking.model', /reset by subtraction/],
    ['e-prop with a spike-count readout', () => toSpikingConfig(spiking({ rule: 'eprop', spiking: { readout: 'count' } })), 'spiking.readout', /leave the readout at 'membrane'/],
    ['EMSTDP with T = 3', () => toSpikingConfig(spiking({ rule: 'emstdp', spiking: { steps: 3 } })), 'spiking.steps', /give T of at least 4 \(got 3\)/],
    ['a warm-up as long as the cosine (the engine says so)', () => toTrainConfig(rate({ training: { lrSchedule: 'cosine', warmupEpochs: 5 }, epochs: 5 })), 'training.warmupEpochs', /shorter than the schedule's 5 epochs/],
    ['an unknown loss', () => toTrainConfig(rate({ training: { loss: 'hinge' as never } })), 'training.loss', /unknown loss "hinge"\. Choose one of: cross-entropy, mse/],
    ['MSE on the membrane readout (the engine says so)', () => toSpikingConfig(spiking({ training: { loss: 'mse' } })), 'training.loss', /MSE is defined on spike counts/],
    ['a negative weight decay', () => toTrainConfig(rate({ optimizer: { weightDecay: -1 } })), 'optimizer.weightDecay', /\[0, 1\] \(got -1\)/],
    ['Adam beta2 of 1', () => toTrainConfig(rate({ optimizer: { beta2: 1 } })), 'optimizer.beta2', /\[0, 1\) \(got 1\)/],
    ['a zero epsilon', () => toTrainConfig(rate({ optimizer: { eps: 0 } })), 'optimizer.eps', /above 0/],
    ['a negative feedback learning rate', () => toTrainConfig(rate({ training: { feedbackLr: -0.1 } })), 'training.feedbackLr', /got -0\.1\); or leave it empty for the default/],
    ['a surrogate slope of 0', () => toSpikingConfig(spiking({ spiking: { surrogateSlope: 0 } })), 'spiking.surrogateSlope', /above 0, at most 1000 \(got 0\)/],
    ['a synaptic decay above 1', () => toSpikingConfig(spiking({ spiking: { alpha: 1.5 } })), 'spiking.alpha', /\[0, 1\] \(got 1\.5\)/],
    ['a TSSL-BP time constant below a step', () => toSpikingConfig(spiking({ spikingRules: { tsslTauM: 0.5 } })), 'spikingRules.tsslTauM', /\[1, 1000\] \(got 0\.5\)/],
    ['an unknown e-prop feedback', () => toSpikingConfig(spiking({ spikingRules: { epropFeedback: 'mirror' as never } })), 'spikingRules.epropFeedback', /unknown e-prop feedback "mirror"/],
    ['a fractional BP-STDP window', () => toSpikingConfig(spiking({ spikingRules: { bpstdpWindow: 2.5 } })), 'spikingRules.bpstdpWindow', /whole number of steps from 1 to 1000/],
    ['an EMSTDP threshold of 0', () => toSpikingConfig(spiking({ spikingRules: { emstdpEpsilon: 0 } })), 'spikingRules.emstdpEpsilon', /above 0/],
  ];
  for (const [name, convert, field, message] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        convert();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).field).toBe(field);
      expect((err as ConfigError).message).toMatch(message);
      expect((err as ConfigError).message.startsWith(`${field}: `)).toBe(true);
    });
  }
});

describe('validateExperiment', () => {
  const cases: Array<[string, Experiment, Array<[string, RegExp]>]> = [
    ['a lesson in progress with a comparison', rate({ lesson: { id: 'spirals-intro', step: 3 }, compare: ['bp', 'fa', 'dfa'], dataset: 'spirals' }), []],
    ['no views at all', rate({ views: [] }), []],
    ['subsets', rate({ trainSubset: 500, testSubset: 100 }), []],
    ['an unknown dataset', rate({ dataset: 'cifar10' as never }), [['dataset', /unknown dataset "cifar10"\. Choose one of: mnist, fashion-mnist, spirals/]]],
    ['a subset of 0', rate({ trainSubset: 0 }), [['trainSubset', /whole number of examples from 1 to 1000000 \(got 0\)/]]],
    ['a fractional test subset', rate({ testSubset: 2.5 }), [['testSubset', /got 2\.5/]]],
    ['an unknown network kind', rate({ network: 'quantum' as never }), [['network', /unknown network kind "quantum"/]]],
    ['0 epochs', rate({ epochs: 0 }), [['epochs', /from 1 to 1000 \(got 0\)/]]],
    ['a comparison of one', rate({ compare: ['fa'] }), [['compare', /lists 1 rules; compare 2 to 6, or none/]]],
    ['a comparison of seven', rate({ compare: ['bp', 'fa', 'dfa', 'ss', 'wm', 'ia', 'sa'] }), [['compare', /lists 7 rules/]]],
    ['a rule compared with itself', rate({ compare: ['fa', 'fa'] }), [['compare', /lists "fa" twice/]]],
    ['a spiking rule in a rate comparison', rate({ compare: ['bp', 'eprop'] }), [['compare[1]', /"eprop" is a spiking rule/]]],
    ['a compared rule that cannot run with the neurons', spiking({ spiking: { model: 'synaptic' }, compare: ['surrogate-bp', 'eprop'] }), [['compare', /"eprop" cannot run with these settings: spiking\.model e-prop needs LIF or ALIF/]]],
    ['a lesson id with capitals', rate({ lesson: { id: 'Intro', step: 0 } }), [['lesson', /id "Intro" is not a lesson id/]]],
    ['a negative lesson step', rate({ lesson: { id: 'intro', step: -1 } }), [['lesson', /step must be a whole number from 0 to 999 \(got -1\)/]]],
    ['an unknown view', rate({ views: ['loss', 'spectrogram' as never] }), [['views', /unknown view "spectrogram"/]]],
    ['a view twice', rate({ views: ['loss', 'loss'] }), [['views', /lists "loss" twice/]]],
    ['values of the wrong type (from storage)', rate({ hidden: 'abc' as never, lesson: 'intro' as never, views: 'loss' as never, seed: '1' as never }), [
      ['hidden', /got "abc"/], ['seed', /got "1"/], ['lesson', /got "intro"/], ['views', /got "loss"/],
    ]],
    ['several problems at once, each named', spiking({ hidden: [256, -5], spiking: { beta: 2 }, optimizer: { method: 'sgd', lr: -1, momentum: 0 } }), [
      ['hidden[1]', /layer 2/], ['spiking.beta', /got 2/], ['optimizer.lr', /got -1/],
    ]],
    ["a neuron problem does not matter to a rate network's engine checks, but is still reported", rate({ spiking: { steps: 0 } }), [['spiking.steps', /got 0/]]],
    ['empty where a setting may be none', rate({ training: { tiedDecay: null, feedbackLr: null }, spikingRules: { emstdpEpsilon: null } }), []],
    ['a group missing (from storage)', { ...DEFAULT_EXPERIMENT, training: undefined, spikingRules: 'x' } as never, [['training', /is missing/], ['spikingRules', /is missing/]]],
    ['MSE on spike counts, with a compared rule that cannot read counts', spiking({ training: { loss: 'mse' }, spiking: { readout: 'count' }, compare: ['surrogate-bp', 'eprop'] }), [
      ['compare', /"eprop" cannot run with these settings: spiking\.readout e-prop reads out through its own leaky integrator/],
    ]],
  ];
  for (const [name, e, want] of cases) {
    it(name, () => {
      const got = validateExperiment(e);
      expect(got.map((p) => p.field)).toEqual(want.map(([f]) => f));
      got.forEach((p, i) => expect(p.message).toMatch(want[i][1]));
    });
  }

  it('settingOf names the setting a problem belongs to', () => {
    expect(['hidden[1]', 'spiking.beta', 'optimizer.lr', 'coefficients.decay', 'compare[0]', 'lesson', 'training.loss', 'spikingRules.tsslTauM', 'spikingRules'].map(settingOf)).toEqual([
      'hidden', 'spiking.beta', 'optimizer.lr', 'coefficients', 'compare', 'lesson', 'training.loss', 'spikingRules.tsslTauM', 'spikingRules',
    ]);
  });
});

describe('show', () => {
  const cases: Array<[unknown, string]> = [
    ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
    [-0, '-0'],
    [Number.NaN, 'NaN'],
    [undefined, 'nothing'],
    [null, 'null'],
    [[1, 2], '[1,2]'],
    [10n, '10'],
    [{ big: 10n }, 'an object'],
    [() => 1, 'a function'],
  ];
  for (const [v, want] of cases) it(`shows ${want}`, () => expect(show(v)).toBe(want));
});
