// spike_encode.wgsl against reference/spike-encode.ts: every encoder at shapes
// off the 256 grid, a grid folded past 65535 workgroups, spikes that match bit
// for bit (the poisson draws included), fresh draws per clock, and what each
// code promises: poisson rates, rate counts, one latency spike, a steady current.
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import { ENCODERS, type Encoder, spikeEncode } from '../../src/engine/kernels/spike-encode';
import { spikeAt, spikeEncodeRef } from '../../src/engine/reference/spike-encode';
import { clockStream, uniform } from '../../src/engine/reference/random';
import { destroyContext, free, getContext, readF32, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

interface EncodeCase {
  name: string;
  encoder: Encoder;
  rows: number;
  n: number;
  steps: number;
  gain: number;
  threshold: number;
  seed: number;
  stream: number;
  clock: number;
}

type Settings = Omit<EncodeCase, 'name' | 'rows' | 'n' | 'steps'>;

// A value no encoder writes here (gains are non-negative, so currents are too).
const SENTINEL = -7;
const TAIL = 5;

const shapes: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [3, 7],
  [17, 65],
  [5, 257],
];
const gains = [1, 0.8, 1.5];
const thresholds = [0, 0.3];

const cases: EncodeCase[] = [];
for (const encoder of ENCODERS) {
  for (const [rows, n] of shapes) {
    for (const steps of [1, 5, 25]) {
      const k = cases.length;
      const gain = gains[k % gains.length];
      const threshold = thresholds[k % thresholds.length];
      const settings = { encoder, gain, threshold, seed: 1000 + k, stream: k % 64, clock: k * 37 };
      cases.push({ name: `${encoder} ${rows}x${n}, T=${steps}, gain ${gain}, threshold ${threshold}`, rows, n, steps, ...settings });
    }
  }
  // 77011 threads a step, 7521 workgroups in all.
  cases.push({ name: `${encoder} 11x7001, T=25`, encoder, rows: 11, n: 7001, steps: 25, gain: 1, threshold: 0.1, seed: 7, stream: 3, clock: 0x7fffffff });
}

/**
 * rows x n intensities in [-0.2, 1.2), f32: both clamps are exercised. The
 * first few are the edges: 0, 1, out of range, the 0.3 threshold itself and
 * a latency tie at T = 5 ((1 - 0.875) * 4 = 0.5, which goes to even 0).
 */
function intensities(count: number, seed: number): Float32Array<ArrayBuffer> {
  const X = seededArray(count, seed).map((v) => 0.7 * v + 0.5);
  X.set([0, 1, -0.5, 2, 0.3, 0.875].slice(0, count));
  return X;
}

/** Runs the kernel on X into a sentinel-filled buffer with a tail, and reads all of it back. */
async function encode(ctx: GpuContext, X: Float32Array<ArrayBuffer>, c: Omit<EncodeCase, 'name'>): Promise<Float32Array> {
  const total = c.steps * c.rows * c.n;
  const bufs = {
    X: upload(ctx, X),
    S: upload(ctx, new Float32Array(total + TAIL).fill(SENTINEL)),
    // Only poisson reads the clock; the others run on the placeholder.
    ...(c.encoder === 'poisson' ? { clock: upload(ctx, Uint32Array.of(c.clock)) } : {}),
  };
  const { clock: _, ...settings } = c;
  run(ctx, [await spikeEncode(ctx, { ...settings, ...bufs })]);
  const S = await readF32(ctx, bufs.S, total + TAIL);
  free(ctx, Object.values(bufs));
  return S;
}

/** The first few elements where gpu and ref differ, empty when they agree exactly. */
function mismatches(gpu: ArrayLike<number>, ref: ArrayLike<number>, at: (j: number) => number = (j) => j): string[] {
  const out: string[] = [];
  for (let j = 0; j < ref.length && out.length < 5; j++) {
    if (gpu[j] !== ref[j]) out.push(`S[${at(j)}]: gpu ${gpu[j]}, ref ${ref[j]}`);
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** S[t, j] for each position j = r * n + i: the train of one input over T steps. */
function trains(S: Float32Array, steps: number, size: number): number[][] {
  return range(0, size).map((j) => range(0, steps).map((t) => S[t * size + j]));
}

describe('spike_encode', () => {
  for (const [ci, c] of cases.entries()) {
    it(`matches the reference exactly: ${c.name}`, async () => {
      const ctx = await getContext();
      const X = intensities(c.rows * c.n, 50 + ci);
      const S = await encode(ctx, X, c);
      const total = c.steps * c.rows * c.n;
      expect(mismatches(S.subarray(0, total), spikeEncodeRef({ ...c, X }))).toEqual([]);
      // Nothing written past the output.
      expect(Array.from(S.subarray(total))).toEqual(new Array(TAIL).fill(SENTINEL));
    });
  }

  it('folds a grid past 65535 workgroups into y and still writes every element', async () => {
    const ctx = await getContext();
    const c = { encoder: 'poisson' as const, rows: 1, n: 4096, steps: 4097, gain: 1, threshold: 0, seed: 5, stream: 2, clock: 3 };
    const fold = 65535 * 256;
    const total = c.steps * c.rows * c.n;
    expect(total).toBeGreaterThan(fold);
    const X = intensities(c.rows * c.n, 9);
    const S = await encode(ctx, X, c);
    // Spot-check the start, both sides of the fold and the very end.
    const idx = [...range(0, 1000), ...range(fold - 1000, total)];
    expect(mismatches(idx.map((k) => S[k]), idx.map((k) => spikeAt({ ...c, X }, k)), (j) => idx[j])).toEqual([]);
    expect(S.subarray(0, total).indexOf(SENTINEL)).toBe(-1);
    expect(Array.from(S.subarray(total))).toEqual(new Array(TAIL).fill(SENTINEL));
  });

  it('refuses poisson without a clock', async () => {
    const ctx = await getContext();
    const X = upload(ctx, Float32Array.of(0.5));
    const S = upload(ctx, new Float32Array(1));
    await expect(spikeEncode(ctx, { X, S, rows: 1, n: 1, steps: 1, encoder: 'poisson' })).rejects.toThrow(/clock/);
    free(ctx, [X, S]);
  });
});

describe('poisson encoder', () => {
  const rows = 8;
  const n = 64;
  const steps = 25;
  const base: Settings = { encoder: 'poisson', gain: 1, threshold: 0, seed: 99, stream: 4, clock: 10 };
  const half = new Float32Array(rows * n).fill(0.5);

  it('draws fresh spikes for another clock, stream or seed, identical ones for the same inputs', async () => {
    const ctx = await getContext();
    const shape = { rows, n, steps };
    const a = await encode(ctx, half, { ...shape, ...base });
    const again = await encode(ctx, half, { ...shape, ...base });
    expect(mismatches(again, a)).toEqual([]);
    for (const other of [{ clock: 11 }, { stream: 5 }, { seed: 100 }]) {
      const b = await encode(ctx, half, { ...shape, ...base, ...other });
      // Independent Bernoulli(1/2) pairs differ half the time: 0.5 +- 0.0044 over 12800.
      let differ = 0;
      for (let k = 0; k < steps * rows * n; k++) differ += a[k] !== b[k] ? 1 : 0;
      expect(Math.abs(differ / (steps * rows * n) - 0.5)).toBeLessThan(0.03);
    }
  });

  it('keys each draw by clock * 64 + stream and the flat output index', async () => {
    const ctx = await getContext();
    const S = await encode(ctx, half, { rows, n, steps, ...base });
    const s = clockStream(base.clock, base.stream);
    expect(mismatches(S.subarray(0, steps * rows * n), Float64Array.from(S.subarray(0, steps * rows * n), (_, k) => (uniform(base.seed, s, k) < 0.5 ? 1 : 0)))).toEqual([]);
  });

  for (const gain of [1, 0.5]) {
    it(`fires at rate gain * x within 4 standard errors, gain ${gain}`, async () => {
      const ctx = await getContext();
      const levels = [0, 0.1, 0.5, 0.9, 1];
      const r = 400;
      const X = Float32Array.from({ length: r * levels.length }, (_, j) => levels[j % levels.length]);
      const S = await encode(ctx, X, { rows: r, n: levels.length, steps, ...base, gain });
      const samples = steps * r;
      for (const [i, x] of levels.entries()) {
        let count = 0;
        for (let k = i; k < samples * levels.length; k += levels.length) count += S[k];
        const p = Math.min(gain * x, 1);
        // p = 0 and p = 1 leave no room at all: u in [0, 1) is never below 0 and always below 1.
        expect(Math.abs(count / samples - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / samples));
      }
    });
  }
});

describe('rate encoder', () => {
  it('spikes floor(T x) times over T steps, evenly spaced', async () => {
    const ctx = await getContext();
    for (const steps of [7, 25, 100]) {
      // Every count 0..T on the grid k / T, and 200 intensities in between.
      const X = Float32Array.from([...range(0, steps + 1).map((k) => k / steps), ...intensities(200, steps).map((v) => Math.min(Math.max(v, 0), 1))]);
      const S = await encode(ctx, X, { rows: 1, n: X.length, steps, encoder: 'rate', gain: 1, threshold: 0, seed: 0, stream: 0, clock: 0 });
      for (const [j, train] of trains(S, steps, X.length).entries()) {
        const count = train.reduce((s, v) => s + v, 0);
        // floor of T x as the kernel rounds it to f32 (one ulp can lift 6.99999988 to 7).
        expect(count, `x = ${X[j]}`).toBe(Math.floor(Math.fround(steps * X[j])));
        expect(Math.abs(count - steps * X[j]), `x = ${X[j]}`).toBeLessThan(1);
        const times = range(0, steps).filter((t) => train[t] === 1);
        const gaps = times.slice(1).map((t, q) => t - times[q]);
        if (gaps.length > 0) expect(Math.max(...gaps) - Math.min(...gaps), `x = ${X[j]}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('latency encoder', () => {
  it('fires once at round((1 - x)(T - 1)) above the threshold, never at or below it', async () => {
    const ctx = await getContext();
    const threshold = Math.fround(0.2);
    for (const steps of [1, 2, 4, 25]) {
      const X = Float32Array.from([0, threshold, Math.fround(threshold + 1e-6), 0.25, 0.5, 0.75, 1, ...intensities(100, steps)]);
      const S = await encode(ctx, X, { rows: 1, n: X.length, steps, encoder: 'latency', gain: 1, threshold, seed: 0, stream: 0, clock: 0 });
      const all = trains(S, steps, X.length);
      const fired: number[] = [];
      for (const [j, train] of all.entries()) {
        const x = Math.min(Math.max(X[j], 0), 1);
        const times = range(0, steps).filter((t) => train[t] === 1);
        expect(train.every((v) => v === 0 || v === 1)).toBe(true);
        if (x <= threshold) {
          expect(times, `x = ${x}`).toEqual([]);
          continue;
        }
        expect(times.length, `x = ${x}`).toBe(1);
        // Nearest integer; a tie may go either way (the kernel sends it to even).
        expect(Math.abs(times[0] - (1 - x) * (steps - 1)), `x = ${x}`).toBeLessThanOrEqual(0.5 + 1e-6);
        fired.push(j);
      }
      // Brighter is never later.
      const bright = [...fired].sort((a, b) => X[b] - X[a]);
      const when = (j: number) => all[j].indexOf(1);
      for (let q = 1; q < bright.length; q++) expect(when(bright[q])).toBeGreaterThanOrEqual(when(bright[q - 1]));
    }
  });
});

describe('current encoder', () => {
  for (const gain of [1, 0.5]) {
    it(`injects gain * x at every step, gain ${gain}`, async () => {
      const ctx = await getContext();
      const steps = 5;
      const X = intensities(3 * 7, 11);
      const S = await encode(ctx, X, { rows: 3, n: 7, steps, encoder: 'current', gain, threshold: 0, seed: 0, stream: 0, clock: 0 });
      for (const [j, train] of trains(S, steps, X.length).entries()) {
        const x = Math.min(Math.max(X[j], 0), 1);
        expect(train).toEqual(new Array(steps).fill(Math.fround(gain * x)));
      }
    });
  }
});
