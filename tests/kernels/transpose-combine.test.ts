// transpose_combine.wgsl against the reference: a X + b f(Y^T), with and
// without sign, at shapes that are not multiples of the 256-thread groups.
import { afterAll, describe, expect, it } from 'vitest';
import { transposeCombine } from '../../src/engine/kernels/transpose-combine';
import { transposeCombineRef } from '../../src/engine/reference/transpose-combine';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

interface TcCase {
  name: string;
  rows: number;
  cols: number;
  a: number;
  b: number;
  sign: boolean;
  /** Bind no X (the wrapper then binds Y in its place); only with a = 0. */
  omitX?: boolean;
}

const cases: TcCase[] = [
  { name: '1x1 a=0.5 b=2', rows: 1, cols: 1, a: 0.5, b: 2, sign: false },
  { name: '3x17 decay form (1 - lr d) B - lr W^T', rows: 3, cols: 17, a: 0.99, b: -0.01, sign: false },
  { name: '17x3 sign', rows: 17, cols: 3, a: 0.25, b: 1, sign: true },
  { name: '65x257 sign, X omitted (a = 0)', rows: 65, cols: 257, a: 0, b: 0.5, sign: true, omitX: true },
  { name: '257x65 X omitted (a = 0)', rows: 257, cols: 65, a: 0, b: -1, sign: false, omitX: true },
  { name: '257x273 (70161 elements)', rows: 257, cols: 273, a: -1, b: 3, sign: false },
  { name: '257x273 sign', rows: 257, cols: 273, a: 1, b: -0.1, sign: true },
];

describe('transpose_combine', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const n = c.rows * c.cols;
      const X = seededArray(n, 60 + ci);
      const Y = seededArray(n, 80 + ci);
      // Exact zeros in Y: sign(0) must be 0, not +-1 (an error of |b| otherwise).
      for (let i = 0; i < n; i += 5) Y[i] = 0;
      const bufX = upload(ctx, X);
      const bufY = upload(ctx, Y);
      const out = zeros(ctx, n);
      run(ctx, [
        await transposeCombine(ctx, { X: c.omitX ? undefined : bufX, Y: bufY, out, rows: c.rows, cols: c.cols, a: c.a, b: c.b, sign: c.sign }),
      ]);
      const got = await readF32(ctx, out, n);
      const ref = transposeCombineRef({ X: c.omitX ? undefined : X, Y, rows: c.rows, cols: c.cols, a: Math.fround(c.a), b: Math.fround(c.b), sign: c.sign });
      expect(relErr(got, ref)).toBeLessThanOrEqual(1e-6);
      free(ctx, [bufX, bufY, out]);
    });
  }

  it('ignores X entirely when a = 0, even if it holds NaN', async () => {
    const ctx = await getContext();
    const rows = 17;
    const cols = 65;
    const X = upload(ctx, new Float32Array(rows * cols).fill(NaN));
    const Yv = seededArray(rows * cols, 1);
    const Y = upload(ctx, Yv);
    const out = zeros(ctx, rows * cols);
    run(ctx, [await transposeCombine(ctx, { X, Y, out, rows, cols, a: 0, b: 2 })]);
    const got = await readF32(ctx, out, rows * cols);
    expect(relErr(got, transposeCombineRef({ Y: Yv, rows, cols, a: 0, b: 2 }))).toBeLessThanOrEqual(1e-6);
    free(ctx, [X, Y, out]);
  });
});
