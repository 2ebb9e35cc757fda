// Training behaviour on real data: every rule learns, runs are reproducible,
// bad settings are refused with a message, and GPU failures surface as typed errors.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dataset } from '../../src/engine/data/loader';
import { loadDataset } from '../../src/engine/data/loader';
import { nodeFileSource } from '../../src/engine/data/node-source';
import { type GpuDataset, pixelMoments, uploadDataset } from '../../src/engine/data/gpu-dataset';
import { GpuContext } from '../../src/engine/device/gpu-context';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { ConfigError, DeviceLostError, GpuLimitError } from '../../src/engine/errors';
import { RULES } from '../../src/engine/rules/registry';
import { type ConfigInput, resolveConfig, scheduleFactor } from '../../src/engine/training/config';
import { type MetricsRecord, Trainer } from '../../src/engine/training/trainer';
import { destroyContext, getContext } from '../gpu-harness';

let mnist: Dataset;
let gpuMnist: GpuDataset;

beforeAll(async () => {
  mnist = await loadDataset('mnist', nodeFileSource('public/datasets'), { trainSubset: 4096, testSubset: 1000 });
  gpuMnist = uploadDataset(await getContext(), mnist);
});
afterAll(destroyContext);

async function run(config: ConfigInput, steps: number, metricsEvery = 25): Promise<MetricsRecord[]> {
  const ctx = await getContext();
  const trainer = await Trainer.create(ctx, gpuMnist, resolveConfig({ hidden: [64, 32], batchSize: 32, ...config }), { metricsEvery });
  const records: MetricsRecord[] = [];
  trainer.onMetrics((m) => records.push(m));
  await trainer.train(steps);
  await trainer.flush();
  return records;
}

describe('every rule lowers the loss on an MNIST subset', () => {
  for (const rule of RULES) {
    test(rule.id, async () => {
      const records = await run({ rule: rule.id, seed: 5 }, 300);
      const first = records[0].trainLoss;
      const last = records[records.length - 1].trainLoss;
      expect(Number.isFinite(last)).toBe(true);
      // From ~2.3 (chance) after 25 steps to well below after 300 steps of batch 32.
      expect(last).toBeLessThan(0.6 * first);
      const evaluated = records.filter((r) => r.testAcc !== null);
      expect(evaluated.length).toBeGreaterThan(0);
      // Well above chance (0.1) after two passes over 4096 examples.
      expect(evaluated[evaluated.length - 1].testAcc!).toBeGreaterThan(0.35);
    });
  }
});

describe('determinism', () => {
  test('the same seed and config give identical metrics; another seed does not', async () => {
    const config = { rule: 'wm', feedbackInput: 'noise', feedbackUpdateNoise: 1e-4, seed: 9 } as const;
    const a = await run(config, 140, 20);
    const b = await run(config, 140, 20);
    const strip = (rs: MetricsRecord[]) => rs.map(({ samplesPerSec: _s, elapsedSec: _e, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    const c = await run({ ...config, seed: 10 }, 140, 20);
    expect(strip(c)).not.toEqual(strip(a));
  });

  test('a scheduled learning rate does not depend on how steps are grouped into submits', async () => {
    // Warm-up over half an epoch, then a cosine: the rate changes every step, and submits end at metric steps.
    const config = { rule: 'fa', seed: 4, lrSchedule: 'cosine', scheduleEpochs: 2, warmupEpochs: 0.5, optimizer: { lr: 0.05 } } as const;
    const epochEnd = (rs: MetricsRecord[]) => rs.filter((r) => r.testAcc !== null).map((r) => [r.step, r.testAcc, r.testLoss]);
    const a = epochEnd(await run(config, 130, 7));
    const b = epochEnd(await run(config, 130, 10));
    expect(a.length).toBeGreaterThan(0);
    expect(a).toEqual(b);
  });
});

// The step structure bench:speed reports (bench/results/speed.md): on a 3-layer
// network the bound is 3 per layer plus 3 = 12. Rules that keep B fixed or
// tied take gather + 3 forward + loss + 2 deltas + 3 updates. A trained B steps
// inside W's update: sa's from decay and self (8 storage bindings), wm, ia and
// aa's from its product in the dispatch's second half (at most 10),
// with Y = X W^T from the forward product. aa's X B comes from the forward
// product's second half, ia's Y B^T from the backward delta through the same B,
// but for layer 1's, which has no delta below it.
describe('dispatches per training step', () => {
  const EXPECTED: Record<string, number> = { bp: 10, fa: 10, dfa: 10, ss: 10, wm: 10, ia: 11, sa: 10, aa: 10, kp: 10 };
  test('every rule, 784-64-32-10, fused updates', async () => {
    const ctx = await getContext();
    const counts: Record<string, number> = {};
    for (const rule of RULES) {
      const trainer = await Trainer.create(ctx, gpuMnist, resolveConfig({ rule: rule.id, hidden: [64, 32], batchSize: 32 }));
      const d = trainer.dispatchCounts;
      counts[rule.id] = d.train + d.update;
      trainer.destroy();
    }
    expect(counts).toEqual(EXPECTED);
  });

  test('white-noise input computes Y itself; separate updates add the gradients and optimiser steps back', async () => {
    const ctx = await getContext();
    const count = async (config: ConfigInput, options = {}) => {
      const trainer = await Trainer.create(ctx, gpuMnist, resolveConfig({ hidden: [64, 32], batchSize: 32, ...config }), options);
      const d = trainer.dispatchCounts;
      trainer.destroy();
      return d.train + d.update;
    };
    // Per layer: the noise and Y = X W^T.
    expect(await count({ rule: 'wm', feedbackInput: 'noise' })).toBe(10 + 3 * 2);
    // Per layer: gW, gb and the optimiser steps of W, b and B (sa's B has no stored terms).
    expect(await count({ rule: 'sa' }, { fuseUpdates: false })).toBe(7 + 3 * 5);
  });
});

describe('the test pass', () => {
  test('gives the same accuracy and loss however the test set is chunked and padded', async () => {
    const ctx = await getContext();
    const config = resolveConfig({ hidden: [64, 32], batchSize: 32, seed: 4 });
    const testRecord = async (evalRows: number) => {
      const trainer = await Trainer.create(ctx, gpuMnist, config, { evalRows });
      const records: MetricsRecord[] = [];
      trainer.onMetrics((m) => records.push(m));
      await trainer.train(20);
      trainer.evaluate();
      await trainer.flush();
      trainer.destroy();
      return records.filter((r) => r.testAcc !== null).at(-1)!;
    };
    // 1000 test images, chunks congruent to the batch (32) mod 128: 928 and 72 padded to 160;
    // or ten of 96 and 40 padded to 96.
    const whole = await testRecord(1024);
    const chunked = await testRecord(100);
    expect(chunked.testAcc).toBe(whole.testAcc);
    expect(chunked.testLoss!).toBeCloseTo(whole.testLoss!, 5);
    expect(whole.testAcc! * 1000).toBeCloseTo(Math.round(whole.testAcc! * 1000), 9);
  });
});

describe('metric records', () => {
  test('come every metricsEvery steps, even below the steps recorded per submit', async () => {
    const records = await run({ rule: 'fa', seed: 2 }, 10, 1);
    expect(records.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('flag a run whose loss explodes, even while it stays finite', async () => {
    const records = await run({ rule: 'bp', optimizer: { method: 'sgd', lr: 1e4 } }, 40, 10);
    expect(records[records.length - 1].diverged).toBe(true);
    const healthy = await run({ rule: 'bp' }, 40, 10);
    expect(healthy.some((r) => r.diverged)).toBe(false);
  });
});

describe('inputs and learning-rate schedule', () => {
  test('pixel moments are the training pixels\' mean and std, and a constant set keeps scale 1', () => {
    const m = pixelMoments(Uint8Array.of(0, 255, 0, 255));
    expect(m.mean).toBeCloseTo(0.5, 12);
    expect(m.std).toBeCloseTo(0.5, 12);
    expect(pixelMoments(new Uint8Array(10).fill(51))).toEqual({ mean: 0.2, std: 1 });
    // MNIST's well-known statistics, from the shipped files.
    expect(gpuMnist.pixelMean).toBeCloseTo(0.1307, 2);
    expect(gpuMnist.pixelStd).toBeCloseTo(0.3081, 2);
  });

  test('the cosine schedule falls from 1 to 0 over its epochs and stays there', () => {
    const c = { lrSchedule: 'cosine' as const, scheduleEpochs: 2, warmupEpochs: 0 };
    expect(scheduleFactor(c, 0, 10)).toBe(1);
    expect(scheduleFactor(c, 10, 10)).toBeCloseTo(0.5, 12);
    expect(scheduleFactor(c, 20, 10)).toBeCloseTo(0, 12);
    expect(scheduleFactor(c, 35, 10)).toBeCloseTo(0, 12);
    expect(scheduleFactor({ lrSchedule: 'constant', scheduleEpochs: 2, warmupEpochs: 0 }, 15, 10)).toBe(1);
  });

  test('a warm-up climbs linearly to the base rate, then the schedule runs over what is left', () => {
    const c = { lrSchedule: 'cosine' as const, scheduleEpochs: 3, warmupEpochs: 1 };
    expect(scheduleFactor(c, 0, 9)).toBeCloseTo(0.1, 12);
    expect(scheduleFactor(c, 4, 9)).toBeCloseTo(0.5, 12);
    expect(scheduleFactor(c, 9, 9)).toBe(1);
    expect(scheduleFactor(c, 18, 9)).toBeCloseTo(0.5, 12);
    expect(scheduleFactor(c, 27, 9)).toBeCloseTo(0, 12);
    expect(scheduleFactor({ ...c, lrSchedule: 'constant' }, 4, 9)).toBeCloseTo(0.5, 12);
    expect(scheduleFactor({ ...c, lrSchedule: 'constant' }, 40, 9)).toBe(1);
    expect(() => resolveConfig({ lrSchedule: 'cosine', scheduleEpochs: 2, warmupEpochs: 2 })).toThrow(/warmupEpochs/);
    expect(() => resolveConfig({ warmupEpochs: -1 })).toThrow(/warmupEpochs/);
  });

  test('standardised inputs and the cosine schedule both train, and differ from unit pixels', async () => {
    const standard = await run({ seed: 3, inputScaling: 'standardize' }, 100);
    const unit = await run({ seed: 3, inputScaling: 'unit' }, 100);
    const cosine = await run({ seed: 3, lrSchedule: 'cosine', scheduleEpochs: 1 }, 100);
    for (const r of [standard, unit, cosine]) expect(r.at(-1)!.trainLoss).toBeLessThan(r[0].trainLoss);
    expect(standard.at(-1)!.trainLoss).not.toBe(unit.at(-1)!.trainLoss);
    expect(unit.at(-1)!.trainLoss).not.toBe(cosine.at(-1)!.trainLoss);
  });
});

describe('bad configurations are refused with a message', () => {
  const bad: [string, ConfigInput, RegExp][] = [
    ['a zero layer size', { hidden: [64, 0] }, /hidden\[1\].*at least 1/],
    ['a negative layer size', { hidden: [-3] }, /hidden\[0\]/],
    ['no hidden layers', { hidden: [] }, /hidden: give 1 to 8/],
    ['nine hidden layers', { hidden: Array(9).fill(8) }, /hidden: give 1 to 8/],
    ['a NaN learning rate', { optimizer: { lr: Number.NaN } }, /optimizer\.lr/],
    ['a negative learning rate', { optimizer: { lr: -0.1 } }, /optimizer\.lr.*at least 0/],
    ['an unknown rule', { rule: 'magic' }, /rule: unknown rule "magic". Choose one of: bp, fa/],
    ['an unknown activation', { activation: 'gelu' as never }, /activation: unknown value "gelu"/],
    ['an unknown optimiser', { optimizer: { method: 'lion' } as never }, /optimizer\.method/],
    ['a fractional batch', { batchSize: 2.5 }, /batchSize/],
    ['coefficients on a rule without trainable B', { rule: 'dfa', coefficients: { amp: 1 } }, /coefficients: rule "dfa"/],
    ['an unknown primitive', { rule: 'wm', coefficients: { magic: 1 } as never }, /coefficients\.magic/],
    ['a negative noise variance', { feedbackUpdateNoise: -1 }, /feedbackUpdateNoise/],
    ['an unknown input scaling', { inputScaling: 'whiten' as never }, /inputScaling: unknown value "whiten"/],
    ['an unknown schedule', { lrSchedule: 'step' as never }, /lrSchedule: unknown value "step"/],
    ['a zero-epoch schedule', { lrSchedule: 'cosine', scheduleEpochs: 0 }, /scheduleEpochs: must be a positive number/],
  ];
  for (const [name, config, message] of bad) {
    test(name, () => {
      expect(() => resolveConfig(config)).toThrow(ConfigError);
      expect(() => resolveConfig(config)).toThrow(message);
    });
  }

  test('a batch larger than the training set', async () => {
    await expect(Trainer.create(await getContext(), gpuMnist, resolveConfig({ batchSize: 5000 }))).rejects.toThrow(/batchSize: is 5000 but the training set has only 4096/);
  });
});

describe('GPU limits and failures', () => {
  test('a network too large for the device is refused before allocating, naming the limit', async () => {
    const ctx = await getContext();
    const before = ctx.buffers.stats;
    const err = await Trainer.create(ctx, gpuMnist, resolveConfig({ hidden: [20000, 20000] })).catch((e) => e);
    expect(err).toBeInstanceOf(GpuLimitError);
    expect(err.message).toMatch(/maxStorageBufferBindingSize/);
    expect(err.message).toMatch(/784-20000-20000-10/);
    expect(ctx.buffers.stats).toEqual(before);
  });

  test('destroying a trainer frees exactly the buffers it allocated', async () => {
    const ctx = await getContext();
    await Trainer.create(ctx, gpuMnist, resolveConfig({ rule: 'ia', hidden: [16] })).then((t) => t.destroy()); // placeholders exist from here on
    const before = ctx.buffers.stats;
    const trainer = await Trainer.create(ctx, gpuMnist, resolveConfig({ rule: 'wm', hidden: [16, 8], feedbackInput: 'noise' }), { bpAngles: true });
    await trainer.train(3);
    await trainer.flush();
    expect(ctx.buffers.stats.count).toBeGreaterThan(before.count);
    trainer.destroy();
    expect(ctx.buffers.stats).toEqual(before);
  });

  test('a lost device surfaces as DeviceLostError from the training loop', async () => {
    const ctx = await GpuContext.create(nodeGpu());
    const trainer = await Trainer.create(ctx, uploadDataset(ctx, mnist), resolveConfig({ hidden: [16], batchSize: 32 }));
    await trainer.train(2);
    ctx.device.destroy();
    await ctx.lost;
    const err = await trainer.train(4).catch((e) => e);
    expect(err).toBeInstanceOf(DeviceLostError);
    expect(err.message).toMatch(/device was lost/);
  });
});
