// 10,000 training steps must not grow the engine's GPU memory: the buffer
// registry counts every buffer the engine creates, so a leak (a staging buffer
// per readback, a bind group's buffer per step) shows as a rising count.
// Each run crosses hundreds of epoch ends (evaluations, reshuffles) and takes
// snapshots, the paths that allocate on the side.
import { afterAll, describe, expect, test } from 'vitest';
import { uploadDataset } from '../../src/engine/data/gpu-dataset';
import type { BufferStats } from '../../src/engine/device/buffer-registry';
import { resolveSpikingConfig } from '../../src/engine/spiking/config';
import { SpikingTrainer } from '../../src/engine/spiking/trainer';
import { resolveConfig } from '../../src/engine/training/config';
import { Trainer } from '../../src/engine/training/trainer';
import { destroyContext, getContext } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

afterAll(destroyContext);

const STEPS = 10_000;
const CHUNK = 500;

/** Trains `total` steps in chunks, taking a snapshot after each, and returns the registry's stats after every chunk. */
async function statsWhileTraining(trainer: Trainer | SpikingTrainer, total: number, stats: () => BufferStats): Promise<BufferStats[]> {
  const seen: BufferStats[] = [];
  for (let done = 0; done < total; done += CHUNK) {
    await trainer.train(CHUNK);
    await trainer.snapshot();
    await trainer.flush();
    seen.push(stats());
  }
  return seen;
}

describe('GPU memory stays flat over 10,000 steps', () => {
  test('rate network (wm: trained B, noise, metrics every 50 steps)', async () => {
    const ctx = await getContext();
    // 160 examples in batches of 16: an epoch end (evaluation, reshuffle) every 10 steps.
    const data = uploadDataset(ctx, syntheticDataset(12, 3, 160, 40));
    const config = resolveConfig({ rule: 'wm', hidden: [9, 7], batchSize: 16, seed: 3, feedbackInput: 'noise', feedbackUpdateNoise: 1e-4 });
    const trainer = await Trainer.create(ctx, data, config, { metricsEvery: 50 });
    const seen = await statsWhileTraining(trainer, STEPS, () => ctx.buffers.stats);
    expect(trainer.step).toBe(STEPS);
    // After the first chunk (pools filled), not one buffer or byte more.
    for (const s of seen.slice(1)) expect(s).toEqual(seen[0]);
    const before = ctx.buffers.stats;
    trainer.destroy();
    expect(ctx.buffers.stats.count).toBeLessThan(before.count);
  }, 600_000);

  test('spiking network (surrogate-bp, T = 3)', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(12, 3, 160, 40, 9));
    const config = resolveSpikingConfig({ hidden: [8], steps: 3, batchSize: 16, seed: 5 });
    const trainer = await SpikingTrainer.create(ctx, data, config, { metricsEvery: 50, evalRows: 40 });
    const seen = await statsWhileTraining(trainer, STEPS, () => ctx.buffers.stats);
    expect(trainer.step).toBe(STEPS);
    for (const s of seen.slice(1)) expect(s).toEqual(seen[0]);
    trainer.destroy();
  }, 600_000);
});
