// layer_health.wgsl against reference/layer-health.ts: the spike sum, largest
// finite |U| and non-finite count of a layer's batch, from one element to many
// per thread, with NaN and infinities planted among the membranes.
import { afterAll, describe, expect, it } from 'vitest';
import { layerHealth } from '../../src/engine/kernels/layer-health';
import { layerHealthRef } from '../../src/engine/reference/layer-health';
import { destroyContext, free, getContext, readF32, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

interface HealthCase {
  name: string;
  rows: number;
  cols: number;
  slot: number;
  /** Indices of U to overwrite, and with what. */
  planted: Array<[number, number]>;
}

const cases: HealthCase[] = [
  { name: '1x1', rows: 1, cols: 1, slot: 0, planted: [] },
  { name: '1x1 NaN', rows: 1, cols: 1, slot: 2, planted: [[0, Number.NaN]] },
  { name: '3x17, one -Infinity', rows: 3, cols: 17, slot: 1, planted: [[50, Number.NEGATIVE_INFINITY]] },
  { name: '25x257 (26 per thread), NaN and +Infinity, a huge finite peak', rows: 25, cols: 257, slot: 3, planted: [[0, Number.NaN], [6424, Number.POSITIVE_INFINITY], [777, -3e38], [778, Number.NaN]] },
  { name: '200x65, all finite', rows: 200, cols: 65, slot: 0, planted: [] },
];

const OUT = 8;

describe('layer_health', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const n = c.rows * c.cols;
      const S = seededArray(n, 80 + ci).map((v) => (v > 0.6 ? 1 : 0));
      const U = seededArray(n, 85 + ci, 7);
      for (const [i, v] of c.planted) U[i] = v;
      const bufS = upload(ctx, S);
      const bufU = upload(ctx, U);
      const out = upload(ctx, new Float32Array(OUT).fill(-3));
      run(ctx, [await layerHealth(ctx, { S: bufS, U: bufU, out, rows: c.rows, cols: c.cols, slot: c.slot })]);
      const got = await readF32(ctx, out, OUT);
      const ref = layerHealthRef(S, U);
      // A sum of whole numbers under 2^24 and a max are exact in f32.
      expect(Array.from(got.subarray(c.slot, c.slot + 3))).toEqual([ref.spikes, Math.fround(ref.maxAbsU), ref.nonFinite]);
      expect(ref.nonFinite).toBe(c.planted.filter(([, v]) => !Number.isFinite(v)).length);
      for (let i = 0; i < OUT; i++) if (i < c.slot || i >= c.slot + 3) expect(got[i]).toBe(-3);
      free(ctx, [bufS, bufU, out]);
    });
  }

  it('sums smooth (sigmoid) spikes as expected counts', async () => {
    const ctx = await getContext();
    const n = 3 * 301;
    const S = seededArray(n, 5).map((v) => 0.5 + 0.5 * v);
    const U = seededArray(n, 6);
    const bufS = upload(ctx, S);
    const bufU = upload(ctx, U);
    const out = upload(ctx, new Float32Array(3));
    run(ctx, [await layerHealth(ctx, { S: bufS, U: bufU, out, rows: 3, cols: 301, slot: 0 })]);
    const got = await readF32(ctx, out, 3);
    const ref = layerHealthRef(S, U);
    expect(Math.abs(got[0] - ref.spikes) / ref.spikes).toBeLessThan(1e-5);
    expect(got[1]).toBe(Math.fround(ref.maxAbsU));
    expect(got[2]).toBe(0);
    free(ctx, [bufS, bufU, out]);
  });
});
