// spike_count_metrics.wgsl against its reference: integer votes full of ties
// (argmax takes the first), loss proxies of one and several columns or none,
// slots that accumulate, the clock tick, and batches below, at and above the
// 256-thread workgroup.
import { afterAll, describe, expect, it } from 'vitest';
import { spikeCountMetrics } from '../../src/engine/kernels/spike-count-metrics';
import { spikeCountMetricsRef } from '../../src/engine/reference/spike-count-metrics';
import { destroyContext, free, getContext, readF32, readU32, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

const SLOT = 3;
const METRICS0 = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

const cases: Array<{ rows: number; classes: number; lossCols: number; tick: boolean }> = [];
for (const [rows, classes] of [[1, 10], [5, 3], [256, 10], [301, 7]]) {
  for (const lossCols of [0, 1, 4]) cases.push({ rows, classes, lossCols, tick: lossCols !== 1 });
}

describe('spike_count_metrics', () => {
  for (const c of cases) {
    it(`${c.rows}x${c.classes}, loss columns ${c.lossCols}, tick ${c.tick}`, async () => {
      const ctx = await getContext();
      // Small whole counts, so rows often tie and the first maximum must win.
      const Z = seededArray(c.rows * c.classes, c.rows + c.classes, 2).map((v) => Math.round(v + 2));
      const labels = Uint32Array.from({ length: c.rows }, (_, r) => (r * 3 + 1) % c.classes);
      const loss = seededArray(Math.max(1, c.rows * c.lossCols), 9 + c.lossCols, 4).map((v) => Math.round(v + 4));
      const bufs = { Z: upload(ctx, Z), labels: upload(ctx, labels), loss: upload(ctx, loss), metrics: upload(ctx, METRICS0), clock: upload(ctx, Uint32Array.of(41)) };
      run(ctx, [
        await spikeCountMetrics(ctx, {
          Z: bufs.Z, labels: bufs.labels, loss: c.lossCols > 0 ? bufs.loss : undefined, lossCols: c.lossCols,
          metrics: bufs.metrics, clock: bufs.clock, rows: c.rows, classes: c.classes, slot: SLOT, tick: c.tick,
        }),
      ]);
      const ref = spikeCountMetricsRef({ Z, labels, loss: c.lossCols > 0 ? loss : undefined, lossCols: c.lossCols, rows: c.rows, classes: c.classes });
      const want = Array.from(METRICS0);
      want[SLOT] += ref.lossSum;
      want[SLOT + 1] += ref.correct;
      want[SLOT + 2] += ref.count;
      expect(Array.from(await readF32(ctx, bufs.metrics, 8))).toEqual(want);
      expect((await readU32(ctx, bufs.clock, 1))[0]).toBe(c.tick ? 42 : 41);
      free(ctx, Object.values(bufs));
    });
  }

  it('takes the first of tied maxima, as np.argmax does', () => {
    const ref = spikeCountMetricsRef({ Z: [0, 0, 0, 2, 5, 5], labels: [0, 1], rows: 2, classes: 3 });
    expect(ref.correct).toBe(2);
  });
});
