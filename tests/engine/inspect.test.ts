// The inspectors (engine/inspect) on a tiny 12-7-5-3 network and a 2-D
// teaching set: each agrees with a float64 forward pass of the read-back
// weights, the confusion matrix agrees with the trainer's test accuracy, and
// calling them in the middle of training changes nothing that training does.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dataset } from '../../src/engine/data/loader';
import { type GpuDataset, uploadDataset } from '../../src/engine/data/gpu-dataset';
import { makeTeachingSet } from '../../src/engine/data/teaching-sets';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import {
  confusionMatrix,
  coordinatesToNetworkInput,
  firstLayerWeights,
  inputScale,
  predictGrid,
  samplePredictions,
  toNetworkInput,
} from '../../src/engine/inspect';
import { initialParameters } from '../../src/engine/layers/init';
import { argmaxRef, confusionMatrixRef } from '../../src/engine/reference/confusion-matrix';
import { type ForwardRefLayer, forwardRef } from '../../src/engine/reference/forward';
import { findRule } from '../../src/engine/rules/registry';
import { resolveSpikingConfig } from '../../src/engine/spiking/config';
import { SpikingTrainer } from '../../src/engine/spiking/trainer';
import { type ConfigInput, resolveConfig } from '../../src/engine/training/config';
import { type MetricsRecord, Trainer } from '../../src/engine/training/trainer';
import { destroyContext, getContext, readF32, relErr, seededArray } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

const PIXELS = 12;
const CLASSES = 3;
const TEST_COUNT = 41;
const TOL = 1e-5;
/** Rows whose two largest float64 logits are this close may be argmax'ed differently in float32. */
const NEAR_TIE = 1e-4;

let ctx: GpuContext;
let synthetic: Dataset;
let gpuSynthetic: GpuDataset;

beforeAll(async () => {
  ctx = await getContext();
  synthetic = syntheticDataset(PIXELS, CLASSES, 96, TEST_COUNT, 11);
  gpuSynthetic = uploadDataset(ctx, synthetic);
});
afterAll(destroyContext);

function makeTrainer(data: GpuDataset, config: ConfigInput): Promise<Trainer> {
  return Trainer.create(ctx, data, resolveConfig({ hidden: [7, 5], batchSize: 8, seed: 3, ...config }), { metricsEvery: 4 });
}

/** The trainer's parameters as they are now, for the float64 forward pass. */
async function readNetwork(trainer: Trainer): Promise<ForwardRefLayer[]> {
  return Promise.all(
    trainer.network.layers.map(async (l) => ({
      nIn: l.nIn,
      nOut: l.nOut,
      act: l.act,
      W: await readF32(ctx, l.W, l.nOut * l.nIn),
      b: await readF32(ctx, l.b, l.nOut),
    })),
  );
}

/** Test images in the network's input scale, rounded through float32 as the gather computes them. */
function testInputs(trainer: Trainer, data: Dataset): Float64Array {
  const { shift, scale } = inputScale(trainer);
  const n = data.test.count * data.rows * data.cols;
  return Float64Array.from(data.test.images.subarray(0, n), (b) => Math.fround(Math.fround(Math.fround(b / 255) - Math.fround(shift)) * Math.fround(scale)));
}

function softmaxRef(logits: Float64Array, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const sum = row.reduce((s, z) => s + Math.exp(z - max), 0);
    row.forEach((z, k) => (out[r * classes + k] = Math.exp(z - max) / sum));
  }
  return out;
}

/** Rows whose top two logits are within NEAR_TIE: float32 may pick either. */
function nearTies(logits: Float64Array, rows: number, classes: number): Set<number> {
  const out = new Set<number>();
  for (let r = 0; r < rows; r++) {
    const sorted = Array.from(logits.subarray(r * classes, (r + 1) * classes)).sort((a, b) => b - a);
    if (sorted[0] - sorted[1] < NEAR_TIE) out.add(r);
  }
  return out;
}

function trace(counts: ArrayLike<number>, classes: number): number {
  let t = 0;
  for (let k = 0; k < classes; k++) t += counts[k * classes + k];
  return t;
}

describe.each(['unit', 'standardize'] as const)('inspectors with inputScaling %s', (inputScaling) => {
  let trainer: Trainer;
  let lastTest: MetricsRecord;

  beforeAll(async () => {
    trainer = await makeTrainer(gpuSynthetic, { inputScaling });
    const records: MetricsRecord[] = [];
    trainer.onMetrics((r) => records.push(r));
    await trainer.train(24);
    await trainer.flush();
    lastTest = records.filter((r) => r.testAcc !== null).at(-1)!;
    expect(lastTest.step).toBe(24);
  });
  afterAll(() => trainer.destroy());

  test('the first layer\'s weights are W_1, units x inputs, and start as the seeded initialisation', async () => {
    const w = await firstLayerWeights(trainer);
    expect([w.units, w.inputs]).toEqual([7, PIXELS]);
    expect(Array.from(w.weights)).toEqual(Array.from(await readF32(ctx, trainer.network.layers[0].W, 7 * PIXELS)));

    const fresh = await makeTrainer(gpuSynthetic, { inputScaling });
    const init = initialParameters([PIXELS, 7, 5, CLASSES], fresh.config.activation, fresh.config.init, findRule(fresh.config.rule).feedback, fresh.config.seed);
    expect(Array.from((await firstLayerWeights(fresh)).weights)).toEqual(Array.from(init[0].W));
    fresh.destroy();
  });

  test('the confusion matrix counts the test set as the float64 forward pass does, and its trace is the test accuracy', async () => {
    const logits = forwardRef(await readNetwork(trainer), testInputs(trainer, synthetic), TEST_COUNT);
    const expected = confusionMatrixRef({ scores: logits, labels: synthetic.test.labels, rows: TEST_COUNT, classes: CLASSES });
    const ties = nearTies(logits, TEST_COUNT, CLASSES);
    for (const chunkRows of [undefined, 16, 1]) {
      const counts = await confusionMatrix(trainer, { chunkRows });
      expect(counts.length).toBe(CLASSES * CLASSES);
      expect(counts.reduce((s, c) => s + c, 0)).toBe(TEST_COUNT);
      // Each near-tie row can move one count from one cell to another.
      const moved = Array.from(counts).reduce((s, c, i) => s + Math.abs(c - expected[i]), 0);
      expect(moved).toBeLessThanOrEqual(2 * ties.size);
      // Same forward kernels, same tie rule: exactly the trainer's own accuracy.
      expect(trace(counts, CLASSES) / TEST_COUNT).toBe(lastTest.testAcc);
    }
  });

  test('sample predictions give the stored pixels, the label, and the float64 softmax and argmax', async () => {
    const indices = [40, 0, 7, 7, 13, 22];
    const inputs = testInputs(trainer, synthetic);
    const logits = forwardRef(await readNetwork(trainer), inputs, TEST_COUNT);
    const probs = softmaxRef(logits, TEST_COUNT, CLASSES);
    const ties = nearTies(logits, TEST_COUNT, CLASSES);
    const samples = await samplePredictions(trainer, indices, { chunkRows: 4 });
    expect(samples.map((s) => s.index)).toEqual(indices);
    for (const s of samples) {
      const i = s.index;
      expect(s.label).toBe(synthetic.test.labels[i]);
      expect(Array.from(s.pixels)).toEqual(Array.from(synthetic.test.images.subarray(i * PIXELS, (i + 1) * PIXELS)));
      expect(relErr(s.input, inputs.subarray(i * PIXELS, (i + 1) * PIXELS))).toBeLessThanOrEqual(TOL);
      expect(relErr(s.probabilities, probs.subarray(i * CLASSES, (i + 1) * CLASSES))).toBeLessThanOrEqual(1e-4);
      if (!ties.has(i)) expect(s.predicted).toBe(argmaxRef(logits, i, CLASSES));
    }
    expect(await samplePredictions(trainer, [])).toEqual([]);
    await expect(samplePredictions(trainer, [TEST_COUNT])).rejects.toThrow(/outside the test set/);
  });

  test('predictions for arbitrary inputs agree with the float64 forward pass, in chunks and whole', async () => {
    const count = 70;
    const points = seededArray(count * PIXELS, 5, 2);
    const logits = forwardRef(await readNetwork(trainer), points, count);
    const ties = nearTies(logits, count, CLASSES);
    for (const chunkRows of [undefined, 16]) {
      const grid = await predictGrid(trainer, points, { chunkRows });
      expect([grid.count, grid.classes]).toEqual([count, CLASSES]);
      expect(relErr(grid.probabilities, softmaxRef(logits, count, CLASSES))).toBeLessThanOrEqual(1e-4);
      for (let r = 0; r < count; r++) if (!ties.has(r)) expect(grid.predicted[r]).toBe(argmaxRef(logits, r, CLASSES));
    }
    await expect(predictGrid(trainer, points.subarray(1))).rejects.toThrow(/not whole points/);
  });

  test('points are in the network\'s input scale: a test image through toNetworkInput predicts as its gather does', async () => {
    const samples = await samplePredictions(trainer, [5, 30]);
    const points = toNetworkInput(trainer, samples.flatMap((s) => Array.from(s.pixels, (b) => b / 255)));
    expect(relErr(points, [...samples[0].input, ...samples[1].input])).toBeLessThanOrEqual(TOL);
    const grid = await predictGrid(trainer, points);
    expect(relErr(grid.probabilities, [...samples[0].probabilities, ...samples[1].probabilities])).toBeLessThanOrEqual(TOL);
    expect(Array.from(grid.predicted)).toEqual(samples.map((s) => s.predicted));
  });
});

test('a spiking trainer\'s first layer reads back through its network', async () => {
  const snn = await SpikingTrainer.create(ctx, gpuSynthetic, resolveSpikingConfig({ hidden: [6], steps: 4, batchSize: 8, seed: 2 }), { evalRows: 16 });
  const w = await firstLayerWeights({ context: ctx, network: snn.network });
  expect([w.units, w.inputs]).toEqual([6, PIXELS]);
  expect(Array.from(w.weights)).toEqual(Array.from(await readF32(ctx, snn.network.layers[0].W, 6 * PIXELS)));
  snn.destroy();
});

test('a 64 x 64 decision-boundary grid over a teaching set\'s square', async () => {
  const xor = makeTeachingSet('xor', { trainCount: 64, testCount: 16, noise: 0.05, seed: 1 });
  const trainer = await makeTrainer(uploadDataset(ctx, xor), { inputScaling: 'standardize' });
  await trainer.train(16);
  const side = 64;
  const coordinates = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      coordinates[(r * side + c) * 2] = -1 + ((c + 0.5) * 2) / side;
      coordinates[(r * side + c) * 2 + 1] = 1 - ((r + 0.5) * 2) / side;
    }
  }
  const points = coordinatesToNetworkInput(trainer, coordinates);
  // A stored byte b stands for c = b / 127.5 - 1, so the pixel the gather makes of it is (c + 1) / 2.
  const { shift, scale } = inputScale(trainer);
  expect(points[0]).toBeCloseTo(((coordinates[0] + 1) / 2 - shift) * scale, 6);
  const grid = await predictGrid(trainer, points);
  const logits = forwardRef(await readNetwork(trainer), points, side * side);
  expect(grid.count).toBe(side * side);
  expect(relErr(grid.probabilities, softmaxRef(logits, side * side, 2))).toBeLessThanOrEqual(1e-4);
  trainer.destroy();
});

test('calling every inspector in the middle of training leaves training bit-identical and frees what it made', async () => {
  const points = seededArray(20 * PIXELS, 9);
  const inspectAll = (t: Trainer) =>
    Promise.all([confusionMatrix(t, { chunkRows: 16 }), samplePredictions(t, [3, 1, 4]), firstLayerWeights(t), predictGrid(t, points, { chunkRows: 8 })]);

  async function run(inspect: boolean) {
    const trainer = await makeTrainer(gpuSynthetic, { rule: 'fa', inputScaling: 'standardize', feedbackUpdateNoise: 1e-4 });
    const records: MetricsRecord[] = [];
    const inspections: Promise<unknown>[] = [];
    let fired = 0;
    trainer.onMetrics((r) => {
      records.push(r);
      // Fired from the listener, not awaited: the loop keeps submitting while they run.
      if (inspect && r.step % 8 === 0) {
        inspections.push(inspectAll(trainer));
        fired++;
      }
    });
    await trainer.train(30);
    if (inspect) {
      await Promise.all(inspections.splice(0));
      const before = ctx.buffers.stats;
      await inspectAll(trainer);
      expect(ctx.buffers.stats).toEqual(before);
    }
    await trainer.train(30);
    trainer.evaluate();
    await trainer.flush();
    await Promise.all(inspections);
    const weights = await Promise.all(trainer.network.layers.flatMap((l) => [readF32(ctx, l.W, l.nOut * l.nIn), readF32(ctx, l.b, l.nOut), ...(l.B ? [readF32(ctx, l.B, l.nIn * l.feedbackCols)] : [])]));
    const step = trainer.step;
    trainer.destroy();
    return { records: records.map(({ samplesPerSec: _s, elapsedSec: _e, ...rest }) => rest), weights: weights.map((w) => Array.from(w)), step, fired };
  }

  const quiet = await run(false);
  const inspected = await run(true);
  expect(inspected.fired).toBeGreaterThanOrEqual(4);
  expect(inspected.step).toBe(60);
  expect(inspected.records).toEqual(quiet.records);
  expect(inspected.weights).toEqual(quiet.weights);
});
