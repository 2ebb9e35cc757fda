// What the lab page asks of a session besides training: inspections of the
// network (beside training, through the worker protocol's command) and a
// spiking run's rasters as `recording` events.
import { describe, expect, test } from 'vitest';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { RunSession } from '../../src/engine/session/run-session';
import type { SessionEvent } from '../../src/engine/session/session-events';
import { syntheticDataset } from './synthetic-data';

const tiny = syntheticDataset(16, 3, 96, 24, 5);

describe('session views', () => {
  test('a rate run answers every inspection, also while it trains, and a reset waits for them', async () => {
    const session = new RunSession({ gpu: nodeGpu() });
    await session.start({
      dataset: { kind: 'given', dataset: tiny },
      network: { kind: 'rate', config: { rule: 'fa', hidden: [8], batchSize: 8, seed: 3 } },
      metricsEvery: 2,
    });
    await session.step();

    const confusion = await session.inspect({ kind: 'confusion' });
    expect(confusion).toMatchObject({ kind: 'confusion', classes: 3, step: 2 });
    if (confusion.kind !== 'confusion') throw new Error('unreachable');
    expect([...confusion.counts].reduce((a, b) => a + b, 0)).toBe(24);

    const weights = await session.inspect({ kind: 'weights' });
    expect(weights.kind === 'weights' && weights.weights).toMatchObject({ units: 8, inputs: 16 });

    const samples = await session.inspect({ kind: 'samples', indices: [0, 5] });
    expect(samples.kind === 'samples' && samples.samples.map((s) => s.index)).toEqual([0, 5]);

    const grid = await session.inspect({ kind: 'grid', pixels: new Float32Array(16 * 4).fill(0.5) });
    expect(grid.kind === 'grid' && grid.prediction).toMatchObject({ count: 4, classes: 3 });

    // Beside training: the inspection resolves while the loop runs, and a reset after it is safe.
    await session.play();
    const during = session.inspect({ kind: 'confusion' });
    const reset = session.reset();
    await expect(during).resolves.toMatchObject({ kind: 'confusion' });
    await reset;
    await session.destroy();
  });

  test('a spiking run sends recordings and answers every inspection through its readout', async () => {
    const session = new RunSession({ gpu: nodeGpu() });
    const recordings: Extract<SessionEvent, { type: 'recording' }>[] = [];
    session.onEvent((e) => {
      if (e.type === 'recording') recordings.push(e);
    });
    await session.start({
      dataset: { kind: 'given', dataset: tiny },
      network: { kind: 'spiking', config: { rule: 'surrogate-bp', hidden: [8], steps: 4, batchSize: 8, seed: 3 } },
      metricsEvery: 2,
      record: { samples: [0], neurons: [0, 1], every: 1, slots: 4 },
    });
    await session.step();
    await session.step();
    await expect.poll(() => recordings.length).toBeGreaterThan(0);
    const r = recordings[0]!.recording;
    expect(r.steps).toBe(4);
    expect(r.layers.map((l) => l.neurons)).toEqual([16, 8, 3]);

    const weights = await session.inspect({ kind: 'weights' });
    expect(weights.kind === 'weights' && weights.weights).toMatchObject({ units: 8, inputs: 16 });
    const confusion = await session.inspect({ kind: 'confusion' });
    expect(confusion.kind === 'confusion' && [...confusion.counts].reduce((a, b) => a + b, 0)).toBe(24);
    const samples = await session.inspect({ kind: 'samples', indices: [0, 5] });
    expect(samples.kind === 'samples' && samples.samples.map((s) => s.index)).toEqual([0, 5]);
    const grid = await session.inspect({ kind: 'grid', pixels: new Float32Array(16 * 4).fill(0.5) });
    expect(grid.kind === 'grid' && grid.prediction).toMatchObject({ count: 4, classes: 3 });
    await session.destroy();
  });

  test('the spike-only rules start without recording rather than refuse, and refuse the forward views with the reason', async () => {
    const session = new RunSession({ gpu: nodeGpu() });
    const info = await session.start({
      dataset: { kind: 'given', dataset: tiny },
      network: { kind: 'spiking', config: { rule: 'bpstdp', hidden: [8], steps: 4, batchSize: 8, seed: 3 } },
      record: { samples: [0], neurons: [0], every: 1, slots: 2 },
    });
    expect(info.kind).toBe('spiking');
    await expect(session.inspect({ kind: 'confusion' })).rejects.toThrow(/confusion matrix .* bpstdp predicts with its own spike-only windows/);
    await session.destroy();
  });
});
