// confusion_matrix.wgsl against the reference: batch sizes below, at and above
// the 64-thread workgroup, 2 to 10 classes, planted argmax ties (the lowest
// index wins), labels out of range (skipped), and counts that accumulate
// across dispatches without touching anything past the matrix.
import { afterAll, describe, expect, it } from 'vitest';
import { confusionMatrix } from '../../src/engine/kernels/confusion-matrix';
import { argmaxRef, confusionMatrixRef } from '../../src/engine/reference/confusion-matrix';
import { destroyContext, free, getContext, readU32, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

const ROWS = [1, 3, 17, 65, 257];
const CLASSES = [2, 3, 10];
const SENTINEL = 0xdeadbeef;

/** Scores in [-4, 4) with ties planted at the maximum every third row, and a label out of range every seventh. */
function batch(rows: number, classes: number, seed: number): { scores: Float32Array; labels: Uint32Array } {
  const scores = seededArray(rows * classes, seed, 4);
  const u = seededArray(rows, seed + 1);
  const labels = Uint32Array.from(u, (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
  for (let r = 0; r < rows; r += 3) {
    const hi = classes - 1 - (r % classes);
    const lo = (hi + 1 + (r % (classes - 1 || 1))) % classes;
    scores[r * classes + hi] = 5;
    scores[r * classes + lo] = 5;
    if (classes > 2 && r % 6 === 0) scores[r * classes + ((lo + 1) % classes)] = 5;
  }
  for (let r = 5; r < rows; r += 7) labels[r] = classes + (r % 3);
  return { scores, labels };
}

describe('confusion_matrix', () => {
  for (const rows of ROWS) {
    for (const classes of CLASSES) {
      it(`${rows} rows x ${classes} classes, two batches accumulated`, async () => {
        const ctx = await getContext();
        const seed = 10 * rows + classes;
        const b1 = batch(rows, classes, seed);
        const b2 = batch(rows, classes, seed + 5);
        const initial = Uint32Array.from({ length: classes * classes }, (_, i) => (i * 7) % 5);
        const bufs = {
          s1: upload(ctx, b1.scores),
          y1: upload(ctx, b1.labels),
          s2: upload(ctx, b2.scores),
          y2: upload(ctx, b2.labels),
          // One spare u32 after the matrix: nothing may be written there.
          counts: upload(ctx, Uint32Array.from([...initial, SENTINEL])),
        };
        const common = { counts: bufs.counts, rows, classes };
        run(ctx, [
          await confusionMatrix(ctx, { ...common, scores: bufs.s1, labels: bufs.y1, label: `cm${seed}a` }),
          await confusionMatrix(ctx, { ...common, scores: bufs.s2, labels: bufs.y2, label: `cm${seed}b` }),
        ]);
        const got = await readU32(ctx, bufs.counts, classes * classes + 1);
        const once = confusionMatrixRef({ scores: b1.scores, labels: b1.labels, rows, classes, initial });
        const expected = confusionMatrixRef({ scores: b2.scores, labels: b2.labels, rows, classes, initial: once });
        expect(Array.from(got.subarray(0, classes * classes))).toEqual(Array.from(expected));
        expect(got[classes * classes]).toBe(SENTINEL);
        free(ctx, Object.values(bufs));
      });
    }
  }

  it('breaks ties by the lowest index and skips labels out of range', async () => {
    const ctx = await getContext();
    const classes = 3;
    // Rows: a tie of 1 and 2, a tie of all three, a clear 2, a NaN after the maximum, a label of 3.
    const scores = Float32Array.of(0, 4, 4, 1, 1, 1, -1, -2, 0, 2, Number.NaN, 1, 9, 0, 0);
    const labels = Uint32Array.of(1, 2, 2, 0, 3);
    const bufs = [upload(ctx, scores), upload(ctx, labels), upload(ctx, new Uint32Array(classes * classes))];
    run(ctx, [await confusionMatrix(ctx, { scores: bufs[0], labels: bufs[1], counts: bufs[2], rows: 5, classes, label: 'cm.ties' })]);
    const got = await readU32(ctx, bufs[2], classes * classes);
    expect([0, 1, 2, 3].map((r) => argmaxRef(scores, r, classes))).toEqual([1, 0, 2, 0]);
    // counts[true][predicted]: (1, 1), (2, 0), (2, 2), (0, 0); row 4 skipped.
    expect(Array.from(got)).toEqual([1, 0, 0, 0, 1, 0, 1, 0, 1]);
    expect(Array.from(got)).toEqual(Array.from(confusionMatrixRef({ scores, labels, rows: 5, classes })));
    free(ctx, bufs);
  });
});
