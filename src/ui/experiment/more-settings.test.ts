import { describe, expect, it } from 'vitest';
import { applyEdit, textOf } from '../app/setting-edit';
import { HELP, LABELS } from '../app/labels';
import { DEFAULT_EXPERIMENT, DEFAULT_SPIKING_EXPERIMENT, type Experiment, validateExperiment } from './experiment';
import { fieldBySetting } from './link-fields';
import { mattersTo, MORE_SETTINGS } from './more-settings';

const shown = (e: Experiment) => MORE_SETTINGS.filter((s) => mattersTo(s, e));

function edited(e: Experiment, setting: Parameters<typeof applyEdit>[1], text: string): Experiment {
  const r = applyEdit(e, setting, text);
  if (!r.ok) throw new Error(r.message);
  expect(validateExperiment(r.experiment)).toEqual([]);
  return r.experiment;
}

describe('the more settings', () => {
  it('each has a link key, a label and an explanation', () => {
    for (const s of MORE_SETTINGS) {
      expect(fieldBySetting(s), s).toBeDefined();
      expect(LABELS[s], s).toBeTruthy();
      expect(HELP[s], s).toMatch(/\.$/);
    }
  });

  it('a rate network under backprop shows the training settings only', () => {
    expect(shown(DEFAULT_EXPERIMENT)).toEqual(['training.loss', 'training.init', 'training.inputScaling', 'training.lrSchedule', 'training.warmupEpochs', 'optimizer.weightDecay']);
  });

  it("a rule that trains B shows B's settings, the noise's std only with noise; Adam shows its own", () => {
    const wm = { ...DEFAULT_EXPERIMENT, rule: 'wm' };
    expect(shown(wm)).toEqual(expect.arrayContaining(['training.feedbackLr', 'training.feedbackInput', 'training.feedbackUpdateNoise']));
    expect(shown(wm)).not.toContain('training.feedbackNoiseStd');
    expect(shown({ ...wm, training: { ...wm.training, feedbackInput: 'noise' } })).toContain('training.feedbackNoiseStd');
    expect(shown({ ...DEFAULT_EXPERIMENT, rule: 'kp' })).toContain('training.tiedDecay');
    expect(shown({ ...DEFAULT_EXPERIMENT, optimizer: { ...DEFAULT_EXPERIMENT.optimizer, method: 'adam' } })).toEqual(
      expect.arrayContaining(['optimizer.beta1', 'optimizer.beta2', 'optimizer.eps']),
    );
  });

  it('spiking-only settings show for spiking networks only, and a rule’s options while it trains or is compared', () => {
    expect(shown(DEFAULT_SPIKING_EXPERIMENT)).toEqual(['training.loss', 'training.lrSchedule', 'training.warmupEpochs', 'optimizer.weightDecay', 'spiking.encoderGain', 'spiking.surrogateSlope']);
    // The spike-only rules have no optimiser, so no schedule; one compared with them brings it back.
    const stdp = { ...DEFAULT_SPIKING_EXPERIMENT, rule: 'emstdp' };
    expect(shown(stdp)).not.toContain('training.lrSchedule');
    expect(shown({ ...stdp, compare: ['surrogate-fa'] })).toContain('training.lrSchedule');
    expect(shown(DEFAULT_EXPERIMENT).some((s) => s.startsWith('spiking'))).toBe(false);
    const alif = { ...DEFAULT_SPIKING_EXPERIMENT, spiking: { ...DEFAULT_SPIKING_EXPERIMENT.spiking, model: 'alif' as const } };
    expect(shown(alif)).toEqual(expect.arrayContaining(['spiking.rho', 'spiking.gamma']));
    expect(shown(alif)).not.toContain('spiking.alpha');
    expect(shown({ ...DEFAULT_SPIKING_EXPERIMENT, rule: 'tssl-bp' })).toEqual(expect.arrayContaining(['spikingRules.tsslTauM', 'spikingRules.tsslTauS']));
    const compared = shown({ ...DEFAULT_SPIKING_EXPERIMENT, compare: ['surrogate-bp', 'eprop', 'surrogate-kp'] });
    expect(compared).toEqual(expect.arrayContaining(['spikingRules.epropFeedback', 'training.tiedDecay']));
    expect(compared).not.toContain('spikingRules.bpstdpMu');
  });
});

describe('editing them in the form', () => {
  it('reads text as a link does and shows it back', () => {
    const e = edited(DEFAULT_EXPERIMENT, 'training.warmupEpochs', ' 1.5 ');
    expect(e.training.warmupEpochs).toBe(1.5);
    expect(textOf(e, 'training.warmupEpochs')).toBe('1.5');
    expect(edited(e, 'training.lrSchedule', 'cosine').training.lrSchedule).toBe('cosine');
    expect(edited(DEFAULT_SPIKING_EXPERIMENT, 'spiking.surrogateSlope', '10').spiking.surrogateSlope).toBe(10);
    expect(edited(DEFAULT_SPIKING_EXPERIMENT, 'spikingRules.bpstdpWindow', '3').spikingRules.bpstdpWindow).toBe(3);
  });

  it('empty is the default where a setting may be none', () => {
    const kp = edited({ ...DEFAULT_EXPERIMENT, rule: 'kp' }, 'training.tiedDecay', '0.01');
    expect(kp.training.tiedDecay).toBe(0.01);
    expect(edited(kp, 'training.tiedDecay', '').training.tiedDecay).toBeNull();
    expect(textOf(DEFAULT_EXPERIMENT, 'training.feedbackLr')).toBe('');
  });

  it('refuses with a sentence what is not a value, or cannot run', () => {
    expect(applyEdit(DEFAULT_EXPERIMENT, 'optimizer.weightDecay', 'abc')).toEqual({ ok: false, message: '"abc" is not a number.' });
    expect(applyEdit(DEFAULT_EXPERIMENT, 'optimizer.weightDecay', '')).toEqual({ ok: false, message: 'Enter a value.' });
    expect(applyEdit(DEFAULT_EXPERIMENT, 'optimizer.weightDecay', '2')).toEqual({ ok: false, message: 'Must be a number in [0, 1] (got 2).' });
    const cosine = edited(DEFAULT_EXPERIMENT, 'training.lrSchedule', 'cosine');
    const warmup = applyEdit(cosine, 'training.warmupEpochs', '5');
    expect(warmup).toEqual({ ok: false, message: "Must be shorter than the schedule's 5 epochs (got 5)." });
  });
});
