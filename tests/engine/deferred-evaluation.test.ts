// A step-0 evaluation deferred behind the first training step sees the
// untrained state (swapped in, then swapped back), so its record is the one
// an immediate evaluation makes, and training goes on exactly as without it.
import { afterAll, describe, expect, test } from 'vitest';
import { uploadDataset } from '../../src/engine/data/gpu-dataset';
import { addRecord } from '../../src/engine/session/session-events';
import { resolveSpikingConfig, type SpikingConfigInput } from '../../src/engine/spiking/config';
import { createSpikingTrainer } from '../../src/engine/spiking/create-trainer';
import type { SpikingMetricsRecord } from '../../src/engine/spiking/trainer';
import { resolveConfig } from '../../src/engine/training/config';
import { type MetricsRecord, Trainer } from '../../src/engine/training/trainer';
import { destroyContext, getContext } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

afterAll(destroyContext);

type AnyRecord = MetricsRecord | SpikingMetricsRecord;
const strip = ({ samplesPerSec: _s, elapsedSec: _e, ...rest }: AnyRecord) => rest;

interface Evaluable {
  train(n: number): Promise<void>;
  flush(): Promise<void>;
  destroy(): void;
  evaluate(): void;
  evaluateAfterNextStep(): void;
  onMetrics(l: (r: AnyRecord) => void): () => void;
  snapshot(): Promise<{ buffers: Record<string, Float32Array>; clock: number; metrics: Float32Array }>;
  readonly stepsPerEpoch: number;
}

async function run(make: () => Promise<Evaluable>, deferred: boolean, steps: number) {
  const t = await make();
  const records: AnyRecord[] = [];
  t.onMetrics((r) => records.push(r));
  if (deferred) t.evaluateAfterNextStep();
  else t.evaluate();
  await t.train(steps);
  await t.flush();
  const end = await t.snapshot();
  const stepsPerEpoch = t.stepsPerEpoch;
  t.destroy();
  return { records, end, stepsPerEpoch };
}

/** Immediate (A) against deferred (B): the same step-0 record, the same test records and the same end state. */
async function deferralChangesNothing(make: () => Promise<Evaluable>, steps: number, metricsEvery: number): Promise<void> {
  const a = await run(make, false, steps);
  const b = await run(make, true, steps);

  // B records step 1 first, then the step-0 evaluation; after that the same cadence as A.
  expect(b.records.map((r) => r.step).slice(0, 2)).toEqual([1, 0]);
  expect(a.records[0].step).toBe(0);
  expect(strip(b.records[1])).toEqual(strip(a.records[0]));
  expect(b.records[1].testAcc).not.toBeNull();
  expect(b.records.slice(2).map((r) => r.step)).toEqual(a.records.slice(1).map((r) => r.step));

  // Test passes after the first see the same weights.
  const tests = (rs: AnyRecord[]) => rs.filter((r) => r.step > 0 && r.testAcc !== null).map((r) => [r.step, r.testAcc, r.testLoss]);
  expect(tests(a.records).length).toBeGreaterThan(0);
  expect(tests(b.records)).toEqual(tests(a.records));
  // Records after the first full interval are identical (step 1's capture only splits the first one).
  const later = (rs: AnyRecord[]) => rs.filter((r) => r.step > metricsEvery).map(strip);
  expect(later(b.records)).toEqual(later(a.records));

  expect(b.end.clock).toBe(a.end.clock);
  expect(Object.keys(b.end.buffers)).toEqual(Object.keys(a.end.buffers));
  for (const [name, values] of Object.entries(a.end.buffers)) expect(b.end.buffers[name], name).toEqual(values);
}

describe('the step-0 evaluation after the first step', () => {
  test('rate (wm, Adam, noise-driven B): same step-0 record, same run', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 64, 24));
    const config = resolveConfig({
      rule: 'wm', hidden: [10, 6], batchSize: 8, seed: 4, feedbackInput: 'noise', feedbackUpdateNoise: 1e-4,
      optimizer: { method: 'adam', lr: 3e-3 },
    });
    await deferralChangesNothing(() => Trainer.create(ctx, data, structuredClone(config), { metricsEvery: 3 }) as Promise<Evaluable>, 13, 3);
  });

  test('spiking (surrogate-fa, Poisson input): same step-0 record, same run', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 48, 16));
    const config = resolveSpikingConfig({ rule: 'surrogate-fa', hidden: [8], steps: 4, batchSize: 8, seed: 3 });
    await deferralChangesNothing(() => createSpikingTrainer(ctx, data, structuredClone(config), { metricsEvery: 4, evalRows: 16 }) as Promise<Evaluable>, 9, 4);
  });

  test('spiking (emstdp, two phases): same step-0 record, same run', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 40, 12));
    const config = resolveSpikingConfig({ rule: 'emstdp', hidden: [8], steps: 12, batchSize: 4, seed: 2 } as SpikingConfigInput);
    await deferralChangesNothing(() => createSpikingTrainer(ctx, data, structuredClone(config), { metricsEvery: 3, evalRows: 8 }) as Promise<Evaluable>, 12, 3);
  });

  test('flush before any step submits it: the step-0 record alone', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 64, 24));
    const config = resolveConfig({ rule: 'fa', hidden: [10], batchSize: 8, seed: 9 });
    const t = await Trainer.create(ctx, data, config, { metricsEvery: 3 });
    const records: MetricsRecord[] = [];
    t.onMetrics((r) => records.push(r));
    const before = ctx.buffers.stats;
    t.evaluateAfterNextStep();
    expect(ctx.buffers.stats.count).toBeGreaterThan(before.count);
    await t.flush();
    expect(records.map((r) => [r.step, r.testAcc !== null])).toEqual([[0, true]]);
    // The copies of the state are freed once used.
    expect(ctx.buffers.stats).toEqual(before);
    t.destroy();

    // A trainer destroyed before its first step frees them too.
    const empty = ctx.buffers.stats;
    const u = await Trainer.create(ctx, data, config, { metricsEvery: 3 });
    u.evaluateAfterNextStep();
    u.destroy();
    expect(ctx.buffers.stats).toEqual(empty);
  });
});

describe('addRecord', () => {
  const r = (step: number) => ({ step });
  test('appends in step order and puts a late step-0 record first', () => {
    let rs = addRecord([], r(1));
    rs = addRecord(rs, r(0));
    rs = addRecord(rs, r(9));
    expect(rs.map((x) => x.step)).toEqual([0, 1, 9]);
    expect(addRecord([r(0), r(9)], r(9)).map((x) => x.step)).toEqual([0, 9, 9]);
  });
});
