// Reference of random.wgsl: counter-based PCG hashing and Box-Muller normals.
// The integer part is bit-exact (u32 arithmetic via Math.imul and >>> 0); the
// float part rounds the two uniforms to f32 as the GPU does, then evaluates
// log, sqrt and cos in float64.

/** PCG-RXS-M-XS hash of one u32 (pcg_hash in random.wgsl). */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The key of draw `index` in `stream` under `seed` (random_key in random.wgsl). */
export function randomKey(seed: number, stream: number, index: number): number {
  return pcgHash((index >>> 0) ^ pcgHash((stream >>> 0) ^ pcgHash(seed)));
}

/** The stream the kernels draw from at a given step: clock * 64 + stream, wrapping like u32. */
export function clockStream(clock: number, stream: number): number {
  return (Math.imul(clock >>> 0, 64) + (stream >>> 0)) >>> 0;
}

/**
 * A uniform draw in [0, 1) from the key's top 24 bits, as the kernels compute
 * f32(random_key(seed, stream, index) >> 8u) / 16777216.0 (exact in f32).
 */
export function uniform(seed: number, stream: number, index: number): number {
  return (randomKey(seed, stream, index) >>> 8) / 16777216;
}

const TWO_PI_F32 = Math.fround(6.283185307179586);

/** A standard normal draw, the same one the GPU's gaussian(seed, stream, index) returns. */
export function gaussian(seed: number, stream: number, index: number): number {
  const k1 = randomKey(seed, stream, index);
  const k2 = pcgHash(k1);
  // (f32(k1 >> 8) + 0.5) rounds in f32 above 2^23; dividing by 2^24 is exact.
  const u1 = Math.fround((k1 >>> 8) + 0.5) / 16777216;
  const u2 = (k2 >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(Math.fround(TWO_PI_F32 * u2));
}
