// gather_batch.wgsl against the reference: byte unpacking at pixel counts that
// straddle the 4-byte words, the clock-driven batch position (modulo the epoch)
// and the explicit offset used for evaluation chunks.
import { afterAll, describe, expect, it } from 'vitest';
import { gatherBatch } from '../../src/engine/kernels/gather-batch';
import { gatherBatchRef } from '../../src/engine/reference/gather-batch';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

interface GatherCase {
  name: string;
  rows: number;
  pixels: number;
  useClock: boolean;
  clock: number;
  stepsPerEpoch: number;
  offset: number;
  /** X = (byte / 255 - shift) * scale; absent = unit pixels. */
  shift?: number;
  scale?: number;
}

const cases: GatherCase[] = [
  { name: '1 row x 7 px, clock 0', rows: 1, pixels: 7, useClock: true, clock: 0, stepsPerEpoch: 1, offset: 0 },
  { name: '3 x 7, clock 7 mod 3 epoch steps', rows: 3, pixels: 7, useClock: true, clock: 7, stepsPerEpoch: 3, offset: 0 },
  { name: '17 x 1, clock 5 mod 4', rows: 17, pixels: 1, useClock: true, clock: 5, stepsPerEpoch: 4, offset: 0 },
  { name: '17 x 3, offset 5', rows: 17, pixels: 3, useClock: false, clock: 9, stepsPerEpoch: 1, offset: 5 },
  // 2-D teaching sets: two bytes per example, and 21 examples end mid-word (42 bytes).
  { name: '9 x 2 (2-D points), clock 3 mod 2, standardised', rows: 9, pixels: 2, useClock: true, clock: 3, stepsPerEpoch: 2, offset: 0, shift: 0.5, scale: 2 },
  { name: '65 x 17, clock 1000 mod 7', rows: 65, pixels: 17, useClock: true, clock: 1000, stepsPerEpoch: 7, offset: 0 },
  { name: '3 x 784, offset 11', rows: 3, pixels: 784, useClock: false, clock: 0, stepsPerEpoch: 1, offset: 11 },
  { name: '257 x 7, clock 3 mod 2', rows: 257, pixels: 7, useClock: true, clock: 3, stepsPerEpoch: 2, offset: 0 },
  { name: '65 x 17, standardised (MNIST moments)', rows: 65, pixels: 17, useClock: true, clock: 4, stepsPerEpoch: 3, offset: 0, shift: 0.1307, scale: 1 / 0.3081 },
  { name: '3 x 784, standardised, offset 2', rows: 3, pixels: 784, useClock: false, clock: 0, stepsPerEpoch: 1, offset: 2, shift: 0.286, scale: 1 / 0.353 },
  { name: '10 x 7001 (70010 threads), offset 1', rows: 10, pixels: 7001, useClock: false, clock: 0, stepsPerEpoch: 1, offset: 1 },
];

/** Little-endian packing, 4 bytes per u32, as the dataset loader stores images. */
function packBytes(bytes: Uint8Array): Uint32Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const out = new Uint32Array(padded.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = (padded[4 * i] | (padded[4 * i + 1] << 8) | (padded[4 * i + 2] << 16) | (padded[4 * i + 3] << 24)) >>> 0;
  }
  return out;
}

/** A reproducible shuffle of 0..n-1. */
function permutation(n: number, seed: number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  const u = seededArray(n, seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(((u[i] + 1) / 2) * (i + 1)));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

describe('gather_batch', () => {
  it('packs bytes little-endian', () => {
    expect(Array.from(packBytes(Uint8Array.of(1, 2, 3, 4, 255)))).toEqual([0x04030201, 255]);
  });

  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { rows, pixels } = c;
      const used = Math.max(c.stepsPerEpoch * rows, c.offset + rows);
      const examples = used + 3;
      // Bytes over the whole 0..255 range, with both ends present.
      const images = Uint8Array.from(seededArray(examples * pixels, 40 + ci), (v) => Math.floor(((v + 1) / 2) * 256) & 255);
      images[0] = 255;
      images[images.length - 1] = 0;
      const labels = Uint32Array.from({ length: examples }, (_, i) => (i * 7 + ci) % 10);
      const index = permutation(examples, 70 + ci);

      const X0 = new Float32Array(rows * pixels + 5).fill(-1);
      const Y0 = new Uint32Array(rows + 2).fill(0xdead);
      const bufs = {
        images: upload(ctx, packBytes(images)),
        labels: upload(ctx, labels),
        index: upload(ctx, index),
        clock: upload(ctx, Uint32Array.of(c.clock)),
        X: upload(ctx, X0),
        Y: upload(ctx, Y0),
      };
      run(ctx, [
        await gatherBatch(ctx, { ...bufs, rows, pixels, useClock: c.useClock, offset: c.offset, stepsPerEpoch: c.stepsPerEpoch, shift: c.shift, scale: c.scale }),
      ]);
      const X = await readF32(ctx, bufs.X, X0.length);
      const Y = await readU32(ctx, bufs.Y, Y0.length);
      const ref = gatherBatchRef({ images, labels, index, rows, pixels, useClock: c.useClock, clock: c.clock, offset: c.offset, stepsPerEpoch: c.stepsPerEpoch, shift: c.shift, scale: c.scale });

      expect(relErr(X.subarray(0, rows * pixels), ref.X)).toBeLessThanOrEqual(1e-6);
      expect(Array.from(Y.subarray(0, rows))).toEqual(Array.from(ref.Y));
      // Nothing written past the batch.
      expect(Array.from(X.subarray(rows * pixels))).toEqual([-1, -1, -1, -1, -1]);
      expect(Array.from(Y.subarray(rows))).toEqual([0xdead, 0xdead]);
      free(ctx, Object.values(bufs));
    });
  }
});
