// fill_noise.wgsl (and the random.wgsl snippet) against reference/random.ts:
// the same draws, the right distribution, fresh per clock and stream, and
// nothing but a function of (seed, clock, stream, index).
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import { fillNoise } from '../../src/engine/kernels/fill-noise';
import { fillNoiseRef } from '../../src/engine/reference/fill-noise';
import { clockStream, gaussian, pcgHash, randomKey } from '../../src/engine/reference/random';
import { destroyContext, free, getContext, readF32, relErr, run, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

interface NoiseCase {
  name: string;
  n: number;
  std: number;
  seed: number;
  stream: number;
  clock: number;
}

const cases: NoiseCase[] = [
  { name: 'n=1', n: 1, std: 1, seed: 1, stream: 0, clock: 0 },
  { name: 'n=3', n: 3, std: 0.5, seed: 2, stream: 1, clock: 1 },
  { name: 'n=17', n: 17, std: 2, seed: 3, stream: 5, clock: 7 },
  { name: 'n=65', n: 65, std: 1, seed: 0xffffffff, stream: 63, clock: 12345 },
  { name: 'n=257', n: 257, std: 0.01, seed: 42, stream: 2, clock: 3 },
  // clock * 64 wraps past 2^32 here, as u32 arithmetic must.
  { name: 'n=70000, clock wraps', n: 70000, std: 1, seed: 7, stream: 9, clock: 0x7fffffff },
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

async function draw(ctx: GpuContext, c: Omit<NoiseCase, 'name'>): Promise<Float32Array> {
  const clock = upload(ctx, Uint32Array.of(c.clock));
  const out = zeros(ctx, c.n);
  run(ctx, [await fillNoise(ctx, { out, clock, n: c.n, std: c.std, seed: c.seed, stream: c.stream })]);
  const values = await readF32(ctx, out, c.n);
  free(ctx, [clock, out]);
  return values;
}

describe('random reference', () => {
  it('pcgHash matches known u32 values', () => {
    // Computed by hand from the PCG-RXS-M-XS formula with 64-bit BigInt arithmetic.
    const big = (x: number): number => {
      const m = (v: bigint) => v & 0xffffffffn;
      const state = m(BigInt(x) * 747796405n + 2891336453n);
      const word = m(((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n);
      return Number((word >> 22n) ^ word);
    };
    for (const x of [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 123456789]) expect(pcgHash(x)).toBe(big(x));
    expect(randomKey(1, 2, 3)).toBe(big(3 ^ big(2 ^ big(1))));
    expect(clockStream(0xffffffff, 5)).toBe((0xffffffff * 64 + 5) % 2 ** 32);
  });
});

// The hashing is bit-exact, so a wrong key would show as an O(1) error; what
// remains is f32 log/cos on the GPU. Lavapipe's cos is off by up to ~1e-5
// absolute near its zeros: 6e-7 relative over the cases here, 2.4e-6 over 1e5 draws.
const TOL = 1e-6;

describe('fill_noise', () => {
  for (const c of cases) {
    it(`matches the reference: ${c.name}`, async () => {
      const ctx = await getContext();
      const gpu = await draw(ctx, c);
      expect(relErr(gpu, fillNoiseRef(c))).toBeLessThanOrEqual(TOL);
    });
  }

  it('folds a grid past 65535 workgroups into y and still writes every index', async () => {
    const ctx = await getContext();
    const fold = 65535 * 256;
    const c = { n: fold + 17, std: 1, seed: 5, stream: 2, clock: 3 };
    const gpu = await draw(ctx, c);
    const s = clockStream(c.clock, c.stream);
    // Spot-check the start, both sides of the fold and the very end.
    const idx = [...range(0, 1000), ...range(fold - 1000, c.n)];
    expect(relErr(idx.map((i) => gpu[i]), idx.map((i) => gaussian(c.seed, s, i)))).toBeLessThanOrEqual(TOL);
    // Unwritten elements would still be the buffer's zeros.
    expect(gpu.indexOf(0)).toBe(-1);
  });

  it('has mean 0 and std sigma over 1e5 draws', async () => {
    const ctx = await getContext();
    const n = 100_000;
    const std = 0.3;
    const x = await draw(ctx, { n, std, seed: 2024, stream: 3, clock: 11 });
    let sum = 0;
    let sq = 0;
    for (const v of x) {
      sum += v;
      sq += v * v;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    // 5 standard errors: sigma / sqrt(n) for the mean, about sigma / sqrt(2n) for the std.
    expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(n));
    expect(Math.abs(sd - std)).toBeLessThan((5 * std) / Math.sqrt(2 * n));
  });

  it('gives fresh draws for another stream or clock, identical ones for the same inputs', async () => {
    const ctx = await getContext();
    const n = 4096;
    const base = { n, std: 1, seed: 99, stream: 4, clock: 10 };
    const a = await draw(ctx, base);
    const again = await draw(ctx, base);
    const otherStream = await draw(ctx, { ...base, stream: 5 });
    const otherClock = await draw(ctx, { ...base, clock: 11 });
    const otherSeed = await draw(ctx, { ...base, seed: 100 });
    expect(Array.from(again)).toEqual(Array.from(a));
    const corr = (x: Float32Array, y: Float32Array) => {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        xy += x[i] * y[i];
        xx += x[i] * x[i];
        yy += y[i] * y[i];
      }
      return xy / Math.sqrt(xx * yy);
    };
    for (const other of [otherStream, otherClock, otherSeed]) {
      expect(other.some((v, i) => v !== a[i])).toBe(true);
      // Independent draws: |corr| ~ 1/sqrt(n) = 0.016.
      expect(Math.abs(corr(a, other))).toBeLessThan(0.08);
    }
  });
});
