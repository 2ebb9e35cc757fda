// dot_products.wgsl against the reference: the three sums behind angles and
// norms, with Y read directly or transposed, from one to many elements per thread.
import { afterAll, describe, expect, it } from 'vitest';
import { angleDegrees, dotProducts } from '../../src/engine/kernels/dot-products';
import { dotProductsRef } from '../../src/engine/reference/dot-products';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

const cases = [
  { name: '1x1', rows: 1, cols: 1, transposeY: false, slot: 0 },
  { name: '3x17 transposed', rows: 3, cols: 17, transposeY: true, slot: 1 },
  { name: '17x3', rows: 17, cols: 3, transposeY: false, slot: 4 },
  { name: '65x257 (65 per thread) transposed', rows: 65, cols: 257, transposeY: true, slot: 2 },
  { name: '257x65', rows: 257, cols: 65, transposeY: false, slot: 3 },
  { name: '257x273 (70161) transposed', rows: 257, cols: 273, transposeY: true, slot: 0 },
];

const OUT = 8;

describe('dot_products', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const n = c.rows * c.cols;
      const X = seededArray(n, 90 + ci);
      // Correlated with X (through the transpose when read transposed) so x.y is far from 0.
      const noise = seededArray(n, 95 + ci);
      const Y = new Float32Array(n);
      for (let r = 0; r < c.rows; r++) {
        for (let col = 0; col < c.cols; col++) {
          const i = r * c.cols + col;
          Y[c.transposeY ? col * c.rows + r : i] = 0.5 * X[i] + noise[i];
        }
      }
      const bufX = upload(ctx, X);
      const bufY = upload(ctx, Y);
      const out = upload(ctx, new Float32Array(OUT).fill(-3));
      run(ctx, [await dotProducts(ctx, { X: bufX, Y: bufY, out, rows: c.rows, cols: c.cols, slot: c.slot, transposeY: c.transposeY })]);
      const got = await readF32(ctx, out, OUT);
      const ref = dotProductsRef(X, Y, c.rows, c.cols, c.transposeY);
      expect(relErr(got.subarray(c.slot, c.slot + 3), [ref.xy, ref.xx, ref.yy])).toBeLessThanOrEqual(1e-5);
      // The correlation we built in is visible (cos ~ 0.5 / sqrt(0.5^2 + 1)) for all but tiny n.
      if (n > 1000) expect(angleDegrees(got[c.slot], got[c.slot + 1], got[c.slot + 2])).toBeCloseTo(63.4, 0);
      for (let i = 0; i < OUT; i++) if (i < c.slot || i >= c.slot + 3) expect(got[i]).toBe(-3);
      free(ctx, [bufX, bufY, out]);
    });
  }

  it('gives 0 and 180 degrees for Y = X and Y = -X^T', async () => {
    const ctx = await getContext();
    const rows = 65;
    const cols = 17;
    const X = seededArray(rows * cols, 3);
    const negT = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) negT[c * rows + r] = -X[r * cols + c];
    const bufX = upload(ctx, X);
    const bufN = upload(ctx, negT);
    const out = upload(ctx, new Float32Array(6));
    run(ctx, [
      await dotProducts(ctx, { X: bufX, Y: bufX, out, rows, cols, slot: 0, label: 'same' }),
      await dotProducts(ctx, { X: bufX, Y: bufN, out, rows, cols, slot: 3, transposeY: true, label: 'opposite' }),
    ]);
    const got = await readF32(ctx, out, 6);
    expect(angleDegrees(got[0], got[1], got[2])).toBeLessThan(0.1);
    expect(angleDegrees(got[3], got[4], got[5])).toBeGreaterThan(179.9);
    free(ctx, [bufX, bufN, out]);
  });
});
