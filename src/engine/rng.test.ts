import { describe, expect, it } from 'vitest';
import { Rng, shuffledIndices } from './rng';

const take = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextU32());

describe('Rng', () => {
  it('same seed gives the same sequence', () => {
    expect(take(new Rng(42), 100)).toEqual(take(new Rng(42), 100));
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 50; i++) expect(a.normal()).toBe(b.normal());
  });

  it('different seeds differ', () => {
    const seqs = [0, 1, 2, 42, 0xffffffff].map((s) => take(new Rng(s), 20).join(','));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('nextU32 is a uint32 and uniform is in [0, 1) with mean 0.5', () => {
    const rng = new Rng(1);
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.nextU32();
      if (!(Number.isInteger(u) && u >= 0 && u < 2 ** 32)) bad++;
      const x = rng.uniform();
      if (!(x >= 0 && x < 1)) bad++;
      sum += x;
    }
    expect(bad).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('normal() has mean about 0 and variance about 1 over 1e5 draws', () => {
    const rng = new Rng(123);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Number.isFinite(s2)).toBe(true);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.015); // ~5 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.025);
  });

  it('fork is deterministic, independent of draws so far, and distinct per stream', () => {
    const a = new Rng(9);
    const before = take(a.fork(3), 10);
    take(a, 17);
    expect(take(a.fork(3), 10)).toEqual(before);
    expect(take(new Rng(9).fork(4), 10)).not.toEqual(before);
    expect(take(new Rng(10).fork(3), 10)).not.toEqual(before);
    expect(take(new Rng(9), 10)).not.toEqual(before);
  });

  it('rejects non-integer seeds', () => {
    expect(() => new Rng(0.5)).toThrow(RangeError);
    expect(() => new Rng(NaN)).toThrow(RangeError);
  });
});

describe('shuffledIndices', () => {
  it('is a permutation of 0..n-1', () => {
    const p = shuffledIndices(10_000, new Rng(5));
    expect(p.length).toBe(10_000);
    const seen = new Uint8Array(10_000);
    for (const i of p) seen[i]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(Array.from(p.subarray(0, 20))).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('is deterministic per seed and handles n = 0 and 1', () => {
    expect(shuffledIndices(100, new Rng(1))).toEqual(shuffledIndices(100, new Rng(1)));
    expect(shuffledIndices(100, new Rng(1))).not.toEqual(shuffledIndices(100, new Rng(2)));
    expect(shuffledIndices(0, new Rng(1)).length).toBe(0);
    expect(Array.from(shuffledIndices(1, new Rng(1)))).toEqual([0]);
  });

  it('puts each element in each position about equally often', () => {
    const rng = new Rng(11);
    const n = 5;
    const trials = 50_000;
    const counts = new Array(n * n).fill(0);
    for (let t = 0; t < trials; t++) {
      const p = shuffledIndices(n, rng);
      for (let pos = 0; pos < n; pos++) counts[pos * n + p[pos]!]++;
    }
    const expected = trials / n;
    for (const c of counts) expect(Math.abs(c - expected) / expected).toBeLessThan(0.05);
  });
});
