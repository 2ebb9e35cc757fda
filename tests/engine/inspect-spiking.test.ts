// The inspectors on spiking networks (12-7-5-3 over T = 5, a 41-example test
// set, chunks of 16: no shape a multiple of a workgroup): each agrees with a
// float64 run of the read-back weights (reference/spiking-forward.ts) under
// every forward the spiking trainer has (LIF with count, membrane and
// first-spike readouts, ALIF, TSSL-BP, e-prop), Poisson input included; the
// same weights give the same answer every time; the confusion matrix's trace
// is the trainer's own test accuracy; and inspecting mid-training changes
// nothing that training does.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dataset } from '../../src/engine/data/loader';
import { type GpuDataset, uploadDataset } from '../../src/engine/data/gpu-dataset';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import { confusionMatrix, firstLayerWeights, INSPECT_CLOCK, predictGrid, samplePredictions, spikingNoiseSeed, spikingTarget, type SpikingInspectTarget } from '../../src/engine/inspect';
import { argmaxRef, confusionMatrixRef } from '../../src/engine/reference/confusion-matrix';
import { type SpikingRefLayer, spikingScoresRef } from '../../src/engine/reference/spiking-forward';
import { resolveSpikingConfig, type SpikingConfigInput } from '../../src/engine/spiking/config';
import { createSpikingTrainer } from '../../src/engine/spiking/create-trainer';
import { ENCODE_STREAM } from '../../src/engine/spiking/step-program';
import { type SpikingMetricsRecord, SpikingTrainer } from '../../src/engine/spiking/trainer';
import { destroyContext, getContext, readF32, relErr, seededArray } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

const PIXELS = 12;
const CLASSES = 3;
const TEST_COUNT = 41;
const CHUNK = 16;
/** Float scores (membrane, PSP and e-prop readouts) whose top two are this close may be argmax'ed either way in float32. */
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

const BASE: SpikingConfigInput = { hidden: [7, 5], steps: 5, batchSize: 8, seed: 3, encoder: 'poisson', encoderGain: 1, neuron: { beta: 0.9, threshold: 0.4 }, optimizer: { method: 'sgd', lr: 0.05 } };

function makeTrainer(settings: SpikingConfigInput): Promise<SpikingTrainer> {
  return SpikingTrainer.create(ctx, gpuSynthetic, resolveSpikingConfig({ ...BASE, ...settings }), { metricsEvery: 4, propagation: 'dense' });
}

function target(trainer: SpikingTrainer): SpikingInspectTarget {
  return spikingTarget(ctx, trainer);
}

async function readLayers(trainer: SpikingTrainer): Promise<SpikingRefLayer[]> {
  return Promise.all(
    trainer.network.layers.map(async (l) => ({ nIn: l.nIn, nOut: l.nOut, W: await readF32(ctx, l.W, l.nOut * l.nIn), b: await readF32(ctx, l.b, l.nOut) })),
  );
}

/** The test images as the gather writes them: byte / 255 in float32. */
function testIntensities(indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length * PIXELS);
  indices.forEach((i, r) => {
    for (let p = 0; p < PIXELS; p++) out[r * PIXELS + p] = Math.fround(synthetic.test.images[i * PIXELS + p] / 255);
  });
  return out;
}

async function scoresRef(trainer: SpikingTrainer, X: ArrayLike<number>, rows: number, chunkRows: number): Promise<Float64Array> {
  return spikingScoresRef({
    layers: await readLayers(trainer), config: trainer.config, X, rows, chunkRows,
    seed: spikingNoiseSeed(trainer.config), clock: INSPECT_CLOCK, stream: ENCODE_STREAM.test,
  });
}

function softmaxRef(scores: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows * CLASSES);
  for (let r = 0; r < rows; r++) {
    const row = scores.subarray(r * CLASSES, (r + 1) * CLASSES);
    const max = Math.max(...row);
    const sum = row.reduce((s, z) => s + Math.exp(z - max), 0);
    row.forEach((z, k) => (out[r * CLASSES + k] = Math.exp(z - max) / sum));
  }
  return out;
}

/** Rows whose top two scores differ, but by less than NEAR_TIE: float32 may order them either way. Exact ties (counts) break alike. */
function nearTies(scores: Float64Array, rows: number): Set<number> {
  const out = new Set<number>();
  for (let r = 0; r < rows; r++) {
    const sorted = Array.from(scores.subarray(r * CLASSES, (r + 1) * CLASSES)).sort((a, b) => b - a);
    if (sorted[0] !== sorted[1] && sorted[0] - sorted[1] < NEAR_TIE) out.add(r);
  }
  return out;
}

function trace(counts: ArrayLike<number>): number {
  let t = 0;
  for (let k = 0; k < CLASSES; k++) t += counts[k * CLASSES + k];
  return t;
}

const FORWARDS: Array<[string, SpikingConfigInput]> = [
  ['LIF, Poisson input, membrane readout', { rule: 'surrogate-bp' }],
  ['LIF, Poisson input, spike-count readout and MSE', { rule: 'surrogate-fa', readout: 'count', loss: 'mse' }],
  ['ALIF with a refractory step, rate input, first-spike readout', { rule: 'surrogate-dfa', encoder: 'rate', readout: 'first-spike', neuron: { model: 'alif', refractory: 1 } }],
  ['synaptic neurons, current input', { rule: 'surrogate-kp', encoder: 'current', neuron: { model: 'synaptic', reset: 'zero' } }],
  ['TSSL-BP (PSP neurons, the output PSP summed over T)', { rule: 'tssl-bp' }],
  ['e-prop (leaky readout), Poisson input', { rule: 'eprop' }],
];

describe.each(FORWARDS)('spiking inspectors: %s', (_name, settings) => {
  let trainer: SpikingTrainer;

  beforeAll(async () => {
    trainer = await makeTrainer(settings);
    await trainer.train(12);
    await trainer.flush();
  });
  afterAll(() => trainer.destroy());

  test('the confusion matrix counts the test set as the float64 forward pass does, and is the same every time', async () => {
    const all = Array.from({ length: TEST_COUNT }, (_, i) => i);
    for (const chunkRows of [undefined, CHUNK]) {
      const scores = await scoresRef(trainer, testIntensities(all), TEST_COUNT, chunkRows ?? TEST_COUNT);
      // The network spikes and tells examples apart: not a silent, constant readout.
      expect(new Set(scores).size).toBeGreaterThan(CLASSES);
      const expected = confusionMatrixRef({ scores, labels: synthetic.test.labels, rows: TEST_COUNT, classes: CLASSES });
      const counts = await confusionMatrix(target(trainer), { chunkRows });
      expect(counts.reduce((s, c) => s + c, 0)).toBe(TEST_COUNT);
      const moved = Array.from(counts).reduce((s, c, i) => s + Math.abs(c - expected[i]), 0);
      expect(moved).toBeLessThanOrEqual(2 * nearTies(scores, TEST_COUNT).size);
      // Seeded: asking again draws the same spikes.
      expect(Array.from(await confusionMatrix(target(trainer), { chunkRows }))).toEqual(Array.from(counts));
    }
  });

  test('sample predictions give the stored pixels, the label, and the float64 softmax and argmax of the readout', async () => {
    const indices = [40, 0, 7, 7, 13, 22, 35];
    const scores = await scoresRef(trainer, testIntensities(indices), indices.length, 4);
    const probs = softmaxRef(scores, indices.length);
    const ties = nearTies(scores, indices.length);
    const samples = await samplePredictions(target(trainer), indices, { chunkRows: 4 });
    samples.forEach((s, r) => {
      const i = indices[r];
      expect(s.index).toBe(i);
      expect(s.label).toBe(synthetic.test.labels[i]);
      expect(Array.from(s.pixels)).toEqual(Array.from(synthetic.test.images.subarray(i * PIXELS, (i + 1) * PIXELS)));
      expect(relErr(s.input, testIntensities([i]))).toBe(0);
      expect(relErr(s.probabilities, probs.subarray(r * CLASSES, (r + 1) * CLASSES))).toBeLessThanOrEqual(1e-4);
      if (!ties.has(r)) expect(s.predicted).toBe(argmaxRef(scores, r, CLASSES));
    });
  });

  test('predictions for arbitrary inputs agree with the float64 forward pass', async () => {
    const count = 37;
    const points = Float32Array.from(seededArray(count * PIXELS, 5), (v) => Math.fround((v + 1) / 2));
    const scores = await scoresRef(trainer, points, count, CHUNK);
    const grid = await predictGrid(target(trainer), points, { chunkRows: CHUNK });
    expect([grid.count, grid.classes]).toEqual([count, CLASSES]);
    expect(relErr(grid.probabilities, softmaxRef(scores, count))).toBeLessThanOrEqual(1e-4);
    const ties = nearTies(scores, count);
    for (let r = 0; r < count; r++) if (!ties.has(r)) expect(grid.predicted[r]).toBe(argmaxRef(scores, r, CLASSES));
  });
});

describe('the confusion matrix\'s trace is the trainer\'s test accuracy', () => {
  async function testAccuracy(trainer: SpikingTrainer): Promise<number> {
    const records: SpikingMetricsRecord[] = [];
    const off = trainer.onMetrics((r) => records.push(r));
    trainer.evaluate();
    await trainer.flush();
    off();
    return records.filter((r) => r.testAcc !== null).at(-1)!.testAcc!;
  }

  test('with a deterministic encoder, at any step', async () => {
    const trainer = await makeTrainer({ rule: 'surrogate-bp', encoder: 'rate' });
    await trainer.train(10);
    const counts = await confusionMatrix(target(trainer));
    expect(trace(counts) / TEST_COUNT).toBe(await testAccuracy(trainer));
    trainer.destroy();
  });

  test('with Poisson input, at step 0, whose evaluation draws what an inspection draws', async () => {
    const trainer = await makeTrainer({ rule: 'surrogate-fa' });
    const counts = await confusionMatrix(target(trainer));
    expect(trace(counts) / TEST_COUNT).toBe(await testAccuracy(trainer));
    trainer.destroy();
  });
});

test('the spike-only rules give their weights and refuse the forward views with the reason', async () => {
  const stdp = await createSpikingTrainer(ctx, gpuSynthetic, resolveSpikingConfig({ hidden: [6], steps: 4, batchSize: 8, seed: 2, rule: 'bpstdp' }));
  const t = spikingTarget(ctx, stdp);
  expect((await firstLayerWeights(t)).units).toBe(6);
  await expect(confusionMatrix(t)).rejects.toThrow(/bpstdp predicts with its own spike-only windows/);
  stdp.destroy();
});

test('inspecting a spiking network in the middle of training leaves training bit-identical and frees what it made', async () => {
  const points = Float32Array.from(seededArray(9 * PIXELS, 9), (v) => (v + 1) / 2);
  const inspectAll = (t: SpikingTrainer) =>
    Promise.all([confusionMatrix(target(t), { chunkRows: CHUNK }), samplePredictions(target(t), [3, 1, 4]), firstLayerWeights(target(t)), predictGrid(target(t), points)]);

  async function run(inspect: boolean) {
    const trainer = await makeTrainer({ rule: 'surrogate-fa' });
    const records: SpikingMetricsRecord[] = [];
    const inspections: Promise<unknown>[] = [];
    trainer.onMetrics((r) => {
      records.push(r);
      // Fired from the listener, not awaited: the loop keeps submitting while they run.
      if (inspect) inspections.push(inspectAll(trainer));
    });
    await trainer.train(24);
    if (inspect) {
      await Promise.all(inspections.splice(0));
      const before = ctx.buffers.stats;
      await inspectAll(trainer);
      expect(ctx.buffers.stats).toEqual(before);
    }
    await trainer.train(12);
    trainer.evaluate();
    await trainer.flush();
    await Promise.all(inspections);
    const weights = await Promise.all(trainer.network.layers.flatMap((l) => [readF32(ctx, l.W, l.nOut * l.nIn), readF32(ctx, l.b, l.nOut)]));
    trainer.destroy();
    return { records: records.map(({ samplesPerSec: _s, elapsedSec: _e, ...rest }) => rest), weights: weights.map((w) => Array.from(w)) };
  }

  const quiet = await run(false);
  const inspected = await run(true);
  expect(inspected.records.length).toBeGreaterThanOrEqual(9);
  expect(inspected.records).toEqual(quiet.records);
  expect(inspected.weights).toEqual(quiet.weights);
});
