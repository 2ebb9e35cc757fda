// column_sum.wgsl against the reference: bias gradients for odd batch and
// layer sizes, and a layer wider than one 64-thread group row.
import { afterAll, describe, expect, it } from 'vitest';
import { columnSum } from '../../src/engine/kernels/column-sum';
import { columnSumRef } from '../../src/engine/reference/column-sum';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

const cases = [
  { name: '1x1', rows: 1, cols: 1, alpha: 1 },
  { name: '3x17', rows: 3, cols: 17, alpha: 1 },
  { name: '17x3 alpha=-0.5', rows: 17, cols: 3, alpha: -0.5 },
  { name: '65x65', rows: 65, cols: 65, alpha: 1 },
  { name: '257x1 alpha=1/257', rows: 257, cols: 1, alpha: 1 / 257 },
  { name: '128x257 mean over batch', rows: 128, cols: 257, alpha: 1 / 128 },
  { name: '3x70000', rows: 3, cols: 70000, alpha: 2 },
];

describe('column_sum', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const X = seededArray(c.rows * c.cols, 50 + ci);
      const bufX = upload(ctx, X);
      // One spare element: nothing may be written past cols.
      const out = upload(ctx, new Float32Array(c.cols + 1).fill(9));
      run(ctx, [await columnSum(ctx, { X: bufX, out, rows: c.rows, cols: c.cols, alpha: c.alpha })]);
      const got = await readF32(ctx, out, c.cols + 1);
      expect(relErr(got.subarray(0, c.cols), columnSumRef(X, c.rows, c.cols, Math.fround(c.alpha)))).toBeLessThanOrEqual(1e-5);
      expect(got[c.cols]).toBe(9);
      free(ctx, [bufX, out]);
    });
  }
});
