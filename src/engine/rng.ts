// Deterministic seeded CPU RNG: splitmix32 (a Weyl sequence with step 0x9e3779b9, finalised by
// the murmur3 32-bit mixer). Period 2^32; fast, seedable from any u32, good enough for
// initialisation, shuffling and noise. Not cryptographic.

const GOLDEN = 0x9e3779b9;

function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  readonly seed: number;
  private state: number;
  private spareNormal: number | undefined = undefined;

  /** `seed` is taken as a uint32 (seed >>> 0). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be an integer, got ${seed}`);
    this.seed = seed >>> 0;
    // Hash the seed so nearby seeds start far apart on the Weyl sequence.
    this.state = mix32(this.seed ^ 0x5bd1e995);
  }

  nextU32(): number {
    this.state = (this.state + GOLDEN) | 0;
    return mix32(this.state);
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. 1 ≤ n ≤ 2^32. */
  below(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextU32();
    while (x >= limit);
    return x % n;
  }

  /** Standard normal by Box–Muller; each pair of uniforms gives two draws. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** An independent generator for `stream`, derived from this one's seed (not its current state). */
  fork(stream: number): Rng {
    if (!Number.isSafeInteger(stream)) throw new RangeError(`Rng stream must be an integer, got ${stream}`);
    return new Rng(mix32((this.seed ^ mix32((stream + GOLDEN) >>> 0)) >>> 0));
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function shuffledIndices(n: number, rng: Rng): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 4294967296) {
    throw new RangeError(`shuffledIndices: n must be an integer in 0..2^32, got ${n}`);
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
