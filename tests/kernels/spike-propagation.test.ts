// spike_compact.wgsl and spike_propagate.wgsl against the float64 references
// and against the dense path (matmul with transB) on the same data: binary and
// graded spikes from silent to saturated, with and without bias, accumulation,
// lists longer than one compaction pass, and more rows than one grid axis holds.
import { afterAll, describe, expect, it } from 'vitest';
import { type Epilogue, matmul } from '../../src/engine/kernels/matmul';
import { compactLanes, prefersEventDriven, spikeCompact, spikePropagate } from '../../src/engine/kernels/spike-propagation';
import { spikeCompactRef, spikePropagateRef } from '../../src/engine/reference/spike-propagation';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

interface SpikeCase {
  name: string;
  rows: number;
  nIn: number;
  nOut: number;
  density: number;
  /** Spikes carry values in [-2, 2] instead of 1. */
  graded: boolean;
  bias: boolean;
  accumulate: boolean;
  /** Both grids pass 65535 workgroups and fold into y (too tall for matmul's grid: no dense comparison). */
  folds?: boolean;
}

// f32 sums in a different order from the dense kernel's: ~1e-6 at nIn = 784.
const TOL = 1e-5;
const SENTINEL = 0xdeadbeef;
const I_SENTINEL = -7.25;
const SPARE = 4;

const SHAPES = [
  [1, 1, 1],
  [3, 7, 5],
  [17, 65, 3],
  [65, 257, 17],
  [200, 784, 10],
] as const;
const DENSITIES = [0, 0.05, 0.5, 1];

const cases: SpikeCase[] = [];
const shapeName = (rows: number, nIn: number, nOut: number) => `${rows}x${nIn}->${nOut}`;

// 1. Binary spikes: every shape x density, bias off and on.
for (const [rows, nIn, nOut] of SHAPES) {
  for (const density of DENSITIES) {
    for (const bias of [false, true]) {
      cases.push({ name: `${shapeName(rows, nIn, nOut)} p=${density}${bias ? ' bias' : ''}`, rows, nIn, nOut, density, graded: false, bias, accumulate: false });
    }
  }
}

// 2. Graded sparse input: the event path multiplies by the value.
for (const [si, [rows, nIn, nOut]] of SHAPES.entries()) {
  for (const density of [0.05, 0.5]) {
    const bias = si % 2 === 1;
    cases.push({ name: `${shapeName(rows, nIn, nOut)} graded p=${density}${bias ? ' bias' : ''}`, rows, nIn, nOut, density, graded: true, bias, accumulate: false });
  }
}

// 3. Rows wider than one 2048-column compaction pass; accumulation; more
//    workgroups than one grid axis holds (both kernels fold into y).
cases.push(
  { name: '9x2100->70 p=1', rows: 9, nIn: 2100, nOut: 70, density: 1, graded: false, bias: true, accumulate: false },
  { name: '9x2100->70 graded p=0.5', rows: 9, nIn: 2100, nOut: 70, density: 0.5, graded: true, bias: false, accumulate: false },
  { name: '33x130->130 p=0.2 accumulate', rows: 33, nIn: 130, nOut: 130, density: 0.2, graded: false, bias: false, accumulate: true },
  { name: '65x257->17 graded p=0.5 bias accumulate', rows: 65, nIn: 257, nOut: 17, density: 0.5, graded: true, bias: true, accumulate: true },
  { name: '70000x5->3 p=0.3 bias', rows: 70000, nIn: 5, nOut: 3, density: 0.3, graded: false, bias: true, accumulate: false },
  // 64 rows per compaction group and 64 per propagation group: 4.2M rows is 65625 groups.
  { name: '4200000x1->1 p=0.3 bias (folded grids)', rows: 4_200_000, nIn: 1, nOut: 1, density: 0.3, graded: false, bias: true, accumulate: false, folds: true },
);

/** '' when equal, else the first difference (cheap on millions of entries, unlike toEqual). */
function firstDifference(gpu: ArrayLike<number>, ref: ArrayLike<number>): string {
  if (gpu.length !== ref.length) return `length: gpu ${gpu.length}, ref ${ref.length}`;
  for (let i = 0; i < ref.length; i++) if (gpu[i] !== ref[i]) return `at ${i}: gpu ${gpu[i]}, ref ${ref[i]}`;
  return '';
}

/** rows x nIn spikes: a fraction `density` nonzero, 1 or (graded) a nonzero value in [-2, 2]. */
function spikes(n: number, density: number, graded: boolean, seed: number): Float32Array<ArrayBuffer> {
  const u = seededArray(n, seed);
  const v = seededArray(n, seed + 1, 2);
  return Float32Array.from(u, (x, i) => ((x + 1) / 2 < density ? (graded ? v[i] || 1 : 1) : 0));
}

describe('spike propagation', () => {
  it('gives the compaction one lane per 32 columns, up to 64', () => {
    expect([1, 32, 33, 65, 257, 784, 1100, 2048, 5000].map(compactLanes)).toEqual([1, 1, 2, 4, 16, 32, 64, 64, 64]);
  });

  // The crossovers measured on lavapipe (bench/spike-propagation.ts).
  it('prefers events below the measured crossover densities', () => {
    const policy = [
      [0, 784, 256, true],
      [0.4, 784, 256, true],
      [0.5, 784, 256, false],
      [0.1, 256, 10, true],
      [0.3, 256, 10, false],
      [0, 1, 1, false],
    ] as const;
    for (const [density, nIn, nOut, events] of policy) expect(prefersEventDriven(density, nIn, nOut), `${density} ${nIn}->${nOut}`).toBe(events);
  });

  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { rows, nIn, nOut } = c;
      const S = spikes(rows * nIn, c.density, c.graded, 100 + 7 * ci);
      const W = seededArray(nOut * nIn, 3000 + ci);
      const bias = seededArray(nOut, 6000 + ci);
      const I0 = Float32Array.from({ length: rows * nOut + SPARE }, (_, i) => (c.accumulate && i < rows * nOut ? Math.fround(Math.sin(i)) : I_SENTINEL));
      const active0 = new Uint32Array(rows * nIn + SPARE).fill(SENTINEL);

      const bufS = upload(ctx, S);
      const bufW = upload(ctx, W);
      const bufBias = upload(ctx, bias);
      const bufActive = upload(ctx, active0);
      const bufCount = upload(ctx, new Uint32Array(rows + SPARE).fill(SENTINEL));
      const bufI = upload(ctx, I0);
      const bufC = upload(ctx, I0);
      const bufE = zeros(ctx, rows * nOut);

      // The dense path on the same data: C = S Wᵀ (+ bias, or + the previous C).
      const epilogue: Epilogue = c.bias
        ? { kind: 'bias-act', bias: bufBias, act: 'identity', activations: bufE }
        : c.accumulate
          ? { kind: 'accumulate', beta: 1 }
          : { kind: 'none' };
      const compact = await spikeCompact(ctx, { S: bufS, active: bufActive, count: bufCount, rows, cols: nIn });
      const propagate = await spikePropagate(ctx, { W: bufW, active: bufActive, count: bufCount, S: bufS, bias: c.bias ? bufBias : undefined, I: bufI, rows, nIn, nOut, accumulate: c.accumulate });
      expect(compact.workgroups[1] > 1 && propagate.workgroups[1] > 1).toBe(!!c.folds);
      const dense = c.folds ? [] : [await matmul(ctx, { M: rows, N: nOut, K: nIn, A: bufS, B: bufW, C: bufC, transB: true, epilogue })];
      run(ctx, [compact, propagate, ...dense]);
      const active = await readU32(ctx, bufActive, active0.length);
      const count = await readU32(ctx, bufCount, rows + SPARE);
      const I = await readF32(ctx, bufI, I0.length);
      const C = await readF32(ctx, bufC, rows * nOut);

      // Compaction is exact: indices, counts, and untouched slots past each count.
      const lists = spikeCompactRef({ S, rows, cols: nIn, active: active0.subarray(0, rows * nIn) });
      expect(firstDifference(count.subarray(0, rows), lists.count)).toBe('');
      expect(firstDifference(active.subarray(0, rows * nIn), lists.active)).toBe('');

      const expected = spikePropagateRef({
        W,
        S,
        active: lists.active,
        count: lists.count,
        rows,
        nIn,
        nOut,
        bias: c.bias ? bias : undefined,
        accumulate: c.accumulate ? I0 : undefined,
      });
      expect(relErr(I.subarray(0, rows * nOut), expected)).toBeLessThanOrEqual(TOL);
      // Same currents as the dense matmul (bias and accumulation together are event-only).
      if (!c.folds && !(c.bias && c.accumulate)) expect(relErr(I.subarray(0, rows * nOut), C)).toBeLessThanOrEqual(TOL);

      // Nothing written past the outputs.
      expect(Array.from(active.subarray(rows * nIn))).toEqual(new Array(SPARE).fill(SENTINEL));
      expect(Array.from(count.subarray(rows))).toEqual(new Array(SPARE).fill(SENTINEL));
      expect(Array.from(I.subarray(rows * nOut))).toEqual(new Array(SPARE).fill(I_SENTINEL));
      free(ctx, [bufS, bufW, bufBias, bufActive, bufCount, bufI, bufC, bufE]);
    });
  }
});
