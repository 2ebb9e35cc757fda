// output_loss.wgsl against the float64 reference: both losses, gradient on/off,
// clock tick on/off, metric slots that accumulate across dispatches, and batch
// sizes below, at and above the 256-thread workgroup.
import { afterAll, describe, expect, it } from 'vitest';
import { LOSSES, type Loss, outputLoss } from '../../src/engine/kernels/output-loss';
import { outputLossRef } from '../../src/engine/reference/output-loss';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

interface LossCase {
  name: string;
  loss: Loss;
  rows: number;
  classes: number;
  writeGrad: boolean;
  tick: boolean;
}

const SHAPES = [
  { rows: 1, classes: 10 },
  { rows: 3, classes: 3 },
  { rows: 257, classes: 17 },
  { rows: 300, classes: 10 },
];

const cases: LossCase[] = [];
for (const loss of LOSSES) {
  for (const { rows, classes } of SHAPES) {
    for (const writeGrad of [true, false]) {
      for (const tick of [true, false]) {
        cases.push({ name: `${loss} ${rows}x${classes} grad=${writeGrad} tick=${tick}`, loss, rows, classes, writeGrad, tick });
      }
    }
  }
}

const TOL = 1e-5;
const SLOT = 2;
const METRICS0 = Float32Array.from([100, 200, 300, 400, 500, 600, 700, 800]);
const CLOCK0 = 41;

/** Logits in [-4, 4) with planted ties at the maximum, and labels that hit either tied index. */
function batch(rows: number, classes: number, seed: number): { Z: Float32Array; Y: Uint32Array } {
  const Z = seededArray(rows * classes, seed, 4);
  const u = seededArray(rows, seed + 1);
  const Y = Uint32Array.from(u, (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
  for (let r = 0; r < rows; r += 4) {
    if (classes < 2) break;
    const a = r % classes === classes - 1 ? 0 : r % classes;
    const b = classes - 1;
    Z[r * classes + a] = 5;
    Z[r * classes + b] = 5;
    // Ties go to the first index: label a is a hit, label b a miss.
    Y[r] = r % 8 === 0 ? a : b;
  }
  return { Z, Y };
}

describe('output_loss', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { rows, classes } = c;
      const scale = 1 / rows;
      const b1 = batch(rows, classes, 100 + 2 * ci);
      const b2 = batch(rows, classes, 300 + 2 * ci);
      const sentinel = new Float32Array(rows * classes).fill(-7);
      const bufs = {
        Z1: upload(ctx, b1.Z),
        Y1: upload(ctx, b1.Y),
        Z2: upload(ctx, b2.Z),
        Y2: upload(ctx, b2.Y),
        G1: upload(ctx, sentinel),
        G2: upload(ctx, sentinel),
        metrics: upload(ctx, METRICS0),
        clock: upload(ctx, Uint32Array.of(CLOCK0)),
      };
      const common = { metrics: bufs.metrics, clock: bufs.clock, rows, classes, scale, slot: SLOT, loss: c.loss, tick: c.tick };
      const d1 = await outputLoss(ctx, { ...common, logits: bufs.Z1, labels: bufs.Y1, grad: c.writeGrad ? bufs.G1 : undefined, label: `loss${ci}a` });
      const d2 = await outputLoss(ctx, { ...common, logits: bufs.Z2, labels: bufs.Y2, grad: c.writeGrad ? bufs.G2 : undefined, label: `loss${ci}b` });

      run(ctx, [d1]);
      expect((await readU32(ctx, bufs.clock, 1))[0]).toBe(c.tick ? CLOCK0 + 1 : CLOCK0);
      run(ctx, [d2]);
      expect((await readU32(ctx, bufs.clock, 1))[0]).toBe(c.tick ? CLOCK0 + 2 : CLOCK0);

      const r1 = outputLossRef({ logits: b1.Z, labels: b1.Y, rows, classes, scale, loss: c.loss });
      const r2 = outputLossRef({ logits: b2.Z, labels: b2.Y, rows, classes, scale, loss: c.loss });
      // The planted ties make some rows right and some wrong by the first-index rule.
      if (rows >= 8) expect(r1.correct).toBeGreaterThan(0);

      const metrics = await readF32(ctx, bufs.metrics, METRICS0.length);
      const expected = Array.from(METRICS0);
      expected[SLOT] += r1.lossSum + r2.lossSum;
      expected[SLOT + 1] += r1.correct + r2.correct;
      expected[SLOT + 2] += r1.count + r2.count;
      // Slots outside [SLOT, SLOT + 3) untouched; counts exact; the loss to f32 accuracy.
      for (const i of [0, 1, 5, 6, 7]) expect(metrics[i]).toBe(METRICS0[i]);
      expect(metrics[SLOT + 1]).toBe(expected[SLOT + 1]);
      expect(metrics[SLOT + 2]).toBe(expected[SLOT + 2]);
      expect(relErr([metrics[SLOT]], [expected[SLOT]])).toBeLessThanOrEqual(TOL);

      const g1 = await readF32(ctx, bufs.G1, rows * classes);
      const g2 = await readF32(ctx, bufs.G2, rows * classes);
      if (c.writeGrad) {
        expect(relErr(g1, r1.grad)).toBeLessThanOrEqual(TOL);
        expect(relErr(g2, r2.grad)).toBeLessThanOrEqual(TOL);
      } else {
        expect(Array.from(g1)).toEqual(Array.from(sentinel));
        expect(Array.from(g2)).toEqual(Array.from(sentinel));
      }
      free(ctx, Object.values(bufs));
    });
  }

  it('accumulates two batches recorded into one submit, ticking twice', async () => {
    const ctx = await getContext();
    const rows = 65;
    const classes = 10;
    const b1 = batch(rows, classes, 1);
    const b2 = batch(rows, classes, 2);
    const bufs = [upload(ctx, b1.Z), upload(ctx, b1.Y), upload(ctx, b2.Z), upload(ctx, b2.Y)];
    const metrics = upload(ctx, new Float32Array(3));
    const clock = upload(ctx, Uint32Array.of(0));
    const common = { metrics, clock, rows, classes, scale: 1, slot: 0, loss: 'cross-entropy' as const, tick: true };
    run(ctx, [
      await outputLoss(ctx, { ...common, logits: bufs[0], labels: bufs[1], label: 'one' }),
      await outputLoss(ctx, { ...common, logits: bufs[2], labels: bufs[3], label: 'two' }),
    ]);
    const r1 = outputLossRef({ logits: b1.Z, labels: b1.Y, rows, classes, scale: 1, loss: 'cross-entropy' });
    const r2 = outputLossRef({ logits: b2.Z, labels: b2.Y, rows, classes, scale: 1, loss: 'cross-entropy' });
    const m = await readF32(ctx, metrics, 3);
    expect(relErr([m[0]], [r1.lossSum + r2.lossSum])).toBeLessThanOrEqual(TOL);
    expect([m[1], m[2]]).toEqual([r1.correct + r2.correct, 2 * rows]);
    expect((await readU32(ctx, clock, 1))[0]).toBe(2);
    free(ctx, [...bufs, metrics, clock]);
  });
});
