import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors';
import {
  DEFAULT_EXPERIMENT,
  DEFAULT_SPIKING_EXPERIMENT,
  defaultExperiment,
  type Experiment,
  type NetworkKind,
  settingOf,
  show,
  type SpikingSettings,
  toSpikingConfig,
  toTrainConfig,
  validateExperiment,
} from './experiment';

/** A default experiment of `kind` with some settings changed; `spiking` merges into the default neuron. */
function make(kind: NetworkKind, patch: Omit<Partial<Experiment>, 'spiking'> & { spiking?: Partial<SpikingSettings> } = {}): Experiment {
  const base = defaultExperiment(kind);
  return { ...base, ...patch, spiking: { ...base.spiking, ...(patch.spiking ?? {}) } } as Experiment;
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
    expect(DEFAULT_EXPERIMENT.optimizer).toEqual({ method: 'momentum', lr: 0.01, momentum: 0.9 });
    expect(DEFAULT_SPIKING_EXPERIMENT).toMatchObject({ network: 'spiking', hidden: [256], rule: 'surrogate-bp' });
    expect(DEFAULT_SPIKING_EXPERIMENT.spiking).toEqual({
      model: 'lif', beta: 0.95, threshold: 1, reset: 'subtract', refractory: 0, steps: 25, encoder: 'poisson', surrogate: 'fast-sigmoid', readout: 'membrane',
    });
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
  ];
  for (const [name, e, want] of cases) {
    it(name, () => {
      const got = validateExperiment(e);
      expect(got.map((p) => p.field)).toEqual(want.map(([f]) => f));
      got.forEach((p, i) => expect(p.message).toMatch(want[i][1]));
    });
  }

  it('settingOf names the setting a problem belongs to', () => {
    expect(['hidden[1]', 'spiking.beta', 'optimizer.lr', 'coefficients.decay', 'compare[0]', 'lesson'].map(settingOf)).toEqual([
      'hidden', 'spiking.beta', 'optimizer.lr', 'coefficients', 'compare', 'lesson',
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
