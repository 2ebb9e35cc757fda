import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, type Experiment, validateExperiment } from '../experiment/experiment';
import { availableViews, inputShapeOf, runKey, sessionSpecOf, unavailableReason } from './experiment-spec';
import { applyEdit, isLiveSetting, textOf } from './setting-edit';

function ok(r: ReturnType<typeof applyEdit>): Experiment {
  if (!r.ok) throw new Error(r.message);
  expect(validateExperiment(r.experiment)).toEqual([]);
  return r.experiment;
}

describe('applyEdit', () => {
  it('applies text that the experiment can run with, and shows it back', () => {
    const e = ok(applyEdit(DEFAULT_EXPERIMENT, 'hidden', ' 64, 32 '));
    expect(e.hidden).toEqual([64, 32]);
    expect(textOf(e, 'hidden')).toBe('64,32');
    expect(ok(applyEdit(e, 'optimizer.lr', '0.005')).optimizer.lr).toBe(0.005);
    expect(ok(applyEdit(e, 'spiking.beta', '0.9')).spiking.beta).toBe(0.9);
  });

  it('refuses what cannot run with a sentence naming the problem, and keeps the experiment', () => {
    expect(applyEdit(DEFAULT_EXPERIMENT, 'hidden', '0')).toEqual({ ok: false, message: 'Layer 1 must be a whole number of neurons from 1 to 16384 (got 0).' });
    expect(applyEdit(DEFAULT_EXPERIMENT, 'hidden', '12,abc')).toEqual({ ok: false, message: 'Layer 2: "abc" is not a number.' });
    expect(applyEdit(DEFAULT_EXPERIMENT, 'optimizer.lr', '')).toEqual({ ok: false, message: 'Enter a number.' });
    expect(applyEdit(DEFAULT_EXPERIMENT, 'batchSize', '12.5')).toEqual({ ok: false, message: 'Enter a whole number (got 12.5).' });
    const lr = applyEdit(DEFAULT_EXPERIMENT, 'optimizer.lr', '-1');
    expect(lr.ok).toBe(false);
    expect(!lr.ok && lr.message).toMatch(/^Must be a number in \[0, 10\] \(got -1\)/);
  });

  it('a new rule starts from its own coefficients; an empty coefficient is the rule default again', () => {
    const wm = ok(applyEdit(DEFAULT_EXPERIMENT, 'rule', 'wm'));
    const tuned = ok(applyEdit(wm, 'coefficients.decay', '0.05'));
    expect(tuned.coefficients).toEqual({ decay: 0.05 });
    expect(ok(applyEdit(tuned, 'coefficients.decay', '')).coefficients).toEqual({});
    expect(ok(applyEdit(tuned, 'rule', 'ia')).coefficients).toEqual({});
    // Backprop trains no B: a coefficient there is refused by the engine's own check.
    expect(applyEdit(DEFAULT_EXPERIMENT, 'coefficients.decay', '0.1').ok).toBe(false);
  });

  it('switching to spiking takes a spiking rule and shows the raster; back to rate keeps the layers', () => {
    const fa = ok(applyEdit(DEFAULT_EXPERIMENT, 'rule', 'fa'));
    const snn = ok(applyEdit(fa, 'network', 'spiking'));
    expect(snn.rule).toBe('surrogate-bp');
    expect(snn.views).toContain('raster');
    expect(snn.hidden).toEqual([256, 256]);
    const rate = ok(applyEdit(snn, 'network', 'rate'));
    expect(rate.rule).toBe('bp');
  });

  it('moving between image and 2-D sets resets the subsets and offers the boundary', () => {
    const small = ok(applyEdit(DEFAULT_EXPERIMENT, 'trainSubset', '1000'));
    const xor = ok(applyEdit(small, 'dataset', 'xor'));
    expect(xor.trainSubset).toBeUndefined();
    expect(xor.views[0]).toBe('boundary');
    expect(ok(applyEdit(ok(applyEdit(xor, 'trainSubset', '300')), 'trainSubset', '')).trainSubset).toBeUndefined();
  });

  it('knows the settings a running session takes live', () => {
    expect(['optimizer.lr', 'rule', 'coefficients.amp'].every((s) => isLiveSetting(s as never))).toBe(true);
    expect(isLiveSetting('hidden')).toBe(false);
  });
});

describe('experiment specs and views', () => {
  it('a named set stays named (with its subsets); a 2-D set is made here from the seed, the same each time', () => {
    const mnist = sessionSpecOf({ ...DEFAULT_EXPERIMENT, trainSubset: 100 }, null);
    expect(mnist.dataset).toEqual({ kind: 'named', name: 'mnist', trainSubset: 100 });
    const xor = { ...DEFAULT_EXPERIMENT, dataset: 'xor' as const, seed: 3 };
    const a = sessionSpecOf(xor, null).dataset;
    const b = sessionSpecOf(xor, null).dataset;
    expect(a.kind === 'given' && a.dataset.train.count).toBe(800);
    expect(a).toEqual(b);
  });

  it('spiking runs record a raster unless the rule is spike-only', () => {
    const snn = ok(applyEdit(DEFAULT_EXPERIMENT, 'network', 'spiking'));
    expect(sessionSpecOf(snn, null).record).toMatchObject({ samples: [0], every: 2 });
    expect(sessionSpecOf({ ...snn, rule: 'bpstdp' }, null).record).toBeUndefined();
    expect(availableViews({ ...snn, rule: 'bpstdp' }, inputShapeOf(snn, null))).not.toContain('raster');
  });

  it('offers each view only where the run can fill it', () => {
    const rateImages = availableViews(DEFAULT_EXPERIMENT, inputShapeOf(DEFAULT_EXPERIMENT, null));
    expect(rateImages).toEqual(['loss', 'accuracy', 'angles', 'receptive-fields', 'confusion', 'samples']);
    const xor = { ...DEFAULT_EXPERIMENT, dataset: 'xor' as const };
    expect(availableViews(xor, inputShapeOf(xor, null))).toEqual(['loss', 'accuracy', 'angles', 'confusion', 'boundary']);
  });

  it('offers a spiking run the views its readout fills, and a spike-only rule none of them', () => {
    const snn = ok(applyEdit(DEFAULT_EXPERIMENT, 'network', 'spiking'));
    expect(availableViews(snn, inputShapeOf(snn, null))).toEqual(['loss', 'accuracy', 'angles', 'raster', 'receptive-fields', 'confusion', 'samples']);
    const snnXor = { ...snn, dataset: 'xor' as const };
    expect(availableViews(snnXor, inputShapeOf(snnXor, null))).toEqual(['loss', 'accuracy', 'angles', 'raster', 'confusion', 'boundary']);
    const stdp = { ...snn, rule: 'bpstdp' };
    expect(availableViews(stdp, inputShapeOf(stdp, null))).toEqual(['loss', 'accuracy', 'angles', 'receptive-fields']);
    expect(unavailableReason('confusion', stdp, inputShapeOf(stdp, null))).toMatch(/spike-only rule/);
  });

  it('a run matches an experiment whatever its live settings and views', () => {
    const key = runKey(DEFAULT_EXPERIMENT, 0);
    expect(runKey({ ...DEFAULT_EXPERIMENT, rule: 'fa', optimizer: { ...DEFAULT_EXPERIMENT.optimizer, lr: 0.5 }, views: [] }, 0)).toBe(key);
    expect(runKey({ ...DEFAULT_EXPERIMENT, hidden: [10] }, 0)).not.toBe(key);
    expect(runKey(DEFAULT_EXPERIMENT, 1)).not.toBe(key);
  });
});
