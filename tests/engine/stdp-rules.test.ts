// EMSTDP and BP-STDP learn MNIST on the GPU, through their passes modules
// wired as a trainer would wire them: a 784-64-10 network sees each of 512
// training images once (64 steps of 8) and must then classify 200 test
// images well above chance (0.1). Both also run deterministically.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GpuDataset, uploadDataset } from '../../src/engine/data/gpu-dataset';
import { loadDataset } from '../../src/engine/data/loader';
import { nodeFileSource } from '../../src/engine/data/node-source';
import { type Dispatch, encodeDispatches } from '../../src/engine/device/dispatch';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import { gatherBatch } from '../../src/engine/kernels/gather-batch';
import { initialParameters } from '../../src/engine/layers/init';
import { RateNetwork } from '../../src/engine/layers/network';
import { TEST_SLOT, TRAIN_SLOT } from '../../src/engine/metrics/layout';
import { Rng, shuffledIndices } from '../../src/engine/rng';
import { allocateBpstdpBatch, bpstdpBackward, bpstdpForward, bpstdpOutputPass, bpstdpParams } from '../../src/engine/spiking/bpstdp-passes';
import { DEFAULT_EMSTDP, allocateEmstdpBatch, createEmstdp, emstdpForward, emstdpMetricsPass, emstdpUpdates } from '../../src/engine/spiking/emstdp-passes';
import { destroyContext, getContext, readF32 } from '../gpu-harness';

let data: GpuDataset;

beforeAll(async () => {
  const mnist = await loadDataset('mnist', nodeFileSource('public/datasets'), { trainSubset: 512, testSubset: 200 });
  data = uploadDataset(await getContext(), mnist);
});
afterAll(destroyContext);

const SIZES = [784, 64, 10];
const ROWS = 8;
const STEPS = 512 / ROWS;

interface Wiring {
  X: GPUBuffer;
  labels: GPUBuffer;
  /** Dispatches after the gather: forward, metrics (ticking the clock on training), update. */
  train: Dispatch[];
  evaluate: Dispatch[];
  testX: GPUBuffer;
  testLabels: GPUBuffer;
}

/** Trains one epoch of 64 steps, then evaluates the 200 test images; returns the metrics and the first layer's weights. */
async function trainAndTest(ctx: GpuContext, clock: GPUBuffer, metrics: GPUBuffer, wiring: Wiring, W: GPUBuffer) {
  const order = ctx.buffers.createWithData('stdp.order', shuffledIndices(data.train.count, new Rng(5)));
  const testOrder = ctx.buffers.createWithData('stdp.test.order', Uint32Array.from({ length: data.test.count }, (_, i) => i));
  const gather = await gatherBatch(ctx, {
    images: data.train.images, labels: data.train.labels, index: order, clock, X: wiring.X, Y: wiring.labels,
    rows: ROWS, pixels: data.pixels, useClock: true, stepsPerEpoch: STEPS,
  });
  const gatherTest = await gatherBatch(ctx, {
    images: data.test.images, labels: data.test.labels, index: testOrder, clock, X: wiring.testX, Y: wiring.testLabels,
    rows: data.test.count, pixels: data.pixels, useClock: false, offset: 0,
  });
  for (let s = 0; s < STEPS; s += 8) {
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (let k = 0; k < 8; k++) encodeDispatches(pass, [gather, ...wiring.train]);
    pass.end();
    ctx.device.queue.submit([encoder.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
  }
  const encoder = ctx.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  encodeDispatches(pass, [gatherTest, ...wiring.evaluate]);
  pass.end();
  ctx.device.queue.submit([encoder.finish()]);
  const m = await readF32(ctx, metrics, 6);
  return { trainLoss: m[TRAIN_SLOT] / m[TRAIN_SLOT + 2], trainAcc: m[TRAIN_SLOT + 1] / m[TRAIN_SLOT + 2], testAcc: m[TEST_SLOT + 1] / m[TEST_SLOT + 2], seen: m[TRAIN_SLOT + 2], W: await readF32(ctx, W, 64 * 784) };
}

async function emstdpRun(seed: number) {
  const ctx = await getContext();
  const init = initialParameters(SIZES, 'relu', 'auto', 'transpose', seed);
  const net = RateNetwork.create(ctx, init, 'relu', 'transpose', false);
  // The code's lr (1e-4) is for many epochs; one pass over 512 images needs a larger one.
  const e = createEmstdp(ctx, net, init, { ...DEFAULT_EMSTDP, steps: 40, lr: 3e-3 });
  const train = allocateEmstdpBatch(ctx, net, e, ROWS, 'emstdp.train');
  const test = allocateEmstdpBatch(ctx, net, e, data.test.count, 'emstdp.test');
  const clock = ctx.buffers.storage('emstdp.clock', 1);
  const metrics = ctx.buffers.storage('emstdp.metrics', 6);
  const draws = { clock, seed: 11 };
  const wiring: Wiring = {
    X: train.X, labels: train.labels, testX: test.X, testLabels: test.labels,
    train: [
      ...(await emstdpForward(ctx, net, e, train, { ...draws, training: true, stream: 40, label: 'emstdp.train' })),
      await emstdpMetricsPass(ctx, net, train, { metrics, clock, slot: TRAIN_SLOT, tick: true, label: 'emstdp.train.metrics' }),
      ...(await emstdpUpdates(ctx, net, e, train)),
    ],
    evaluate: [
      ...(await emstdpForward(ctx, net, e, test, { ...draws, training: false, stream: 41, label: 'emstdp.test' })),
      await emstdpMetricsPass(ctx, net, test, { metrics, clock, slot: TEST_SLOT, tick: false, label: 'emstdp.test.metrics' }),
    ],
  };
  return trainAndTest(ctx, clock, metrics, wiring, net.layers[0].W);
}

async function bpstdpRun(seed: number) {
  const ctx = await getContext();
  const init = initialParameters(SIZES, 'relu', 'auto', 'transpose', seed);
  const net = RateNetwork.create(ctx, init, 'relu', 'transpose', false);
  const p = bpstdpParams(net.layers.length);
  const train = allocateBpstdpBatch(ctx, net, p, ROWS, 'bpstdp.train', true);
  const test = allocateBpstdpBatch(ctx, net, p, data.test.count, 'bpstdp.test', false);
  const clock = ctx.buffers.storage('bpstdp.clock', 1);
  const metrics = ctx.buffers.storage('bpstdp.metrics', 6);
  const trainDraws = { clock, seed: 11, stream: 40 };
  const wiring: Wiring = {
    X: train.X, labels: train.labels, testX: test.X, testLabels: test.labels,
    train: [
      ...(await bpstdpForward(ctx, net, train, p, trainDraws, 'bpstdp.train')),
      ...(await bpstdpOutputPass(ctx, net, train, p, { metrics, clock, slot: TRAIN_SLOT, draws: trainDraws, label: 'bpstdp.train.out' })),
      ...(await bpstdpBackward(ctx, net, train, p)),
    ],
    evaluate: [
      ...(await bpstdpForward(ctx, net, test, p, { clock, seed: 11, stream: 42 }, 'bpstdp.test')),
      ...(await bpstdpOutputPass(ctx, net, test, p, { metrics, clock, slot: TEST_SLOT, label: 'bpstdp.test.out' })),
    ],
  };
  return trainAndTest(ctx, clock, metrics, wiring, net.layers[0].W);
}

describe('spike-only rules learn a 784-64-10 network in one pass over 512 MNIST images', () => {
  test('EMSTDP (symmetric error network, T = 40, lr 3e-3)', async () => {
    const a = await emstdpRun(3);
    console.log(`EMSTDP: train acc ${a.trainAcc.toFixed(3)}, error spikes/example ${a.trainLoss.toFixed(2)}, test acc ${a.testAcc.toFixed(3)}`);
    expect(a.seen).toBe(512);
    expect(a.testAcc).toBeGreaterThan(0.3);
    const b = await emstdpRun(3);
    expect(b.testAcc).toBe(a.testAcc);
    expect(Array.from(b.W)).toEqual(Array.from(a.W));
  });

  test('BP-STDP (the spec defaults: T = 50, ε = 5, μ = 5e-4, thresholds 1)', async () => {
    const a = await bpstdpRun(3);
    console.log(`BP-STDP: train acc ${a.trainAcc.toFixed(3)}, |ξ|/example ${a.trainLoss.toFixed(2)}, test acc ${a.testAcc.toFixed(3)}`);
    expect(a.seen).toBe(512);
    expect(a.testAcc).toBeGreaterThan(0.3);
    const b = await bpstdpRun(3);
    expect(b.testAcc).toBe(a.testAcc);
    expect(Array.from(b.W)).toEqual(Array.from(a.W));
  });
});
