// The browser half of `npm run bench:speed`: in one page, on one adapter, this
// engine and TensorFlow.js (tfjs-backend-webgpu) train the same 784-256-256-10
// ReLU MLP on MNIST, batch 128, plain SGD, softmax cross-entropy, with backprop
// and with feedback alignment (TF.js through tf.customGrad: a fixed random B in
// the backward pass). bench/speed-browser.ts opens this page and calls
// window.speedBench.run(). Timed loops read nothing back; each waits for the
// GPU once at its end. TensorFlow.js is imported here only, never by the app.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { uploadDataset, type GpuDataset } from '../../src/engine/data/gpu-dataset';
import { type Dataset, fetchSource, loadDataset } from '../../src/engine/data/loader';
import { GpuContext } from '../../src/engine/device/gpu-context';
import { RULES as RATE_RULES } from '../../src/engine/rules/registry';
import { resolveConfig } from '../../src/engine/training/config';
import { Trainer } from '../../src/engine/training/trainer';
import type { EngineFirstStep, FrameworkRate, PeerOptions, PeerRate, PeerReport } from './results';

const HIDDEN = [256, 256];
const RULES = ['bp', 'fa'] as const;
type Rule = (typeof RULES)[number];
const DEFAULTS: PeerOptions = { steps: 20, warmup: 3, rounds: 3, batch: 128, lr: 0.01 };

function log(text: string): void {
  console.log(`[speed] ${text}`);
  const pre = document.getElementById('log');
  if (pre) pre.textContent += `${text}\n`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function rateOf(samplesPerSec: number[], batch: number): FrameworkRate {
  const sps = median(samplesPerSec);
  return { samplesPerSec: sps, msPerStep: (1000 * batch) / sps, roundsSamplesPerSec: samplesPerSec };
}

// ---- this engine ----

/** Samples per second of `steps` engine steps after `warmup`, on a fresh trainer (its pipelines come from the cache after the first). */
async function engineRate(ctx: GpuContext, data: GpuDataset, rule: Rule, o: PeerOptions): Promise<number> {
  const config = resolveConfig({ rule, hidden: HIDDEN, batchSize: o.batch, seed: 1, optimizer: { method: 'sgd', lr: o.lr } });
  // No metric record inside the timed steps: nothing is read back.
  const trainer = await Trainer.create(ctx, data, config, { metricsEvery: 1_000_000 });
  try {
    if (o.warmup + o.steps > trainer.stepsPerEpoch) throw new Error(`${o.warmup + o.steps} steps do not fit in one epoch of ${trainer.stepsPerEpoch}`);
    await trainer.train(o.warmup);
    await trainer.flush();
    await ctx.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await trainer.train(o.steps);
    await ctx.device.queue.onSubmittedWorkDone();
    const sec = (performance.now() - t0) / 1000;
    ctx.throwIfFailed();
    return (o.steps * o.batch) / sec;
  } finally {
    trainer.destroy();
  }
}

/** Dispatches per training step of every rate rule on this page's device, whose storage-buffer limit decides what fuses. */
async function dispatchesPerStep(ctx: GpuContext, data: GpuDataset, o: PeerOptions): Promise<Array<{ rule: string; dispatches: number }>> {
  const out: Array<{ rule: string; dispatches: number }> = [];
  for (const { id } of RATE_RULES) {
    const config = resolveConfig({ rule: id, hidden: HIDDEN, batchSize: o.batch, seed: 1, optimizer: { method: 'sgd', lr: o.lr } });
    const trainer = await Trainer.create(ctx, data, config, { metricsEvery: 1_000_000 });
    const d = trainer.dispatchCounts;
    out.push({ rule: id, dispatches: d.train + d.update });
    trainer.destroy();
  }
  log(`dispatches per step (${ctx.limits.maxStorageBuffersPerShaderStage} storage buffers per stage): ${out.map((r) => `${r.rule} ${r.dispatches}`).join(', ')}`);
  return out;
}

// ---- TensorFlow.js ----

interface TfBatches {
  xs: tf.Tensor2D[];
  ys: tf.Tensor2D[];
}

/** The first batches of the training set, in file order, as [0, 1] floats and one-hot labels: uploaded once, before any timing. */
function tfBatches(data: Dataset, count: number, batch: number): TfBatches {
  const pixels = data.rows * data.cols;
  const xs: tf.Tensor2D[] = [];
  const ys: tf.Tensor2D[] = [];
  for (let i = 0; i < count; i++) {
    const from = i * batch;
    const bytes = data.train.images.subarray(from * pixels, (from + batch) * pixels);
    const floats = Float32Array.from(bytes, (v) => v / 255);
    xs.push(tf.tensor2d(floats, [batch, pixels]));
    const labels = tf.tensor1d(Int32Array.from(data.train.labels.subarray(from, from + batch)), 'int32');
    ys.push(tf.tidy(() => tf.cast(tf.oneHot(labels, data.classes), 'float32')) as tf.Tensor2D);
    labels.dispose();
  }
  return { xs, ys };
}

interface TfModel {
  weights: tf.Variable[];
  biases: tf.Variable[];
  /** Fixed random feedback weights, one per layer above the first (FA only). */
  feedback: tf.Tensor2D[];
  logits(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/**
 * One dense layer whose backward pass sends the error down through a fixed
 * matrix B (shaped like W) instead of W: feedback alignment. Weight and bias
 * gradients are the usual ones; the output layer is linear.
 */
function feedbackDense(b: tf.Tensor2D, relu: boolean) {
  return tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = tf.fused.matMul({ a: x, b: w, bias, activation: relu ? 'relu' : 'linear' });
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dz = relu ? tf.mul(dy, tf.step(ys)) : dy;
        return [tf.matMul(dz, b, false, true), tf.matMul(xs, dz, true, false), tf.sum(dz, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
}

/** He-normal W (as the engine's ReLU default), zero biases; B for FA drawn the same way. Seeded, so every round starts alike. */
function tfModel(rule: Rule, sizes: number[]): TfModel {
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  const feedback: tf.Tensor2D[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [fanIn, fanOut] = [sizes[l]!, sizes[l + 1]!];
    const std = Math.sqrt(2 / fanIn);
    weights.push(tf.variable(tf.randomNormal([fanIn, fanOut], 0, std, 'float32', 1 + l)));
    biases.push(tf.variable(tf.zeros([fanOut])));
    if (rule === 'fa' && l > 0) feedback.push(tf.randomNormal([fanIn, fanOut], 0, std, 'float32', 101 + l));
  }
  const last = sizes.length - 2;
  const custom = rule === 'fa' ? feedback.map((b, i) => feedbackDense(b, i + 1 !== last)) : [];
  return {
    weights, biases, feedback,
    logits(x) {
      let h = x;
      for (let l = 0; l <= last; l++) {
        const w = weights[l] as unknown as tf.Tensor2D;
        const bias = biases[l] as unknown as tf.Tensor1D;
        // The first layer's input needs no error, so autodiff gives FA's first-layer gradient too.
        if (rule === 'fa' && l > 0) h = custom[l - 1]!(h, w, bias);
        else h = tf.fused.matMul({ a: h, b: w, bias, activation: l === last ? 'linear' : 'relu' }) as tf.Tensor2D;
      }
      return h;
    },
    dispose() {
      for (const t of [...weights, ...biases, ...feedback]) t.dispose();
    },
  };
}

const tfLoss = (model: TfModel, x: tf.Tensor2D, y: tf.Tensor2D) => tf.losses.softmaxCrossEntropy(y, model.logits(x)) as tf.Scalar;

async function lossOf(model: TfModel, b: TfBatches): Promise<number> {
  const loss = tf.tidy(() => tfLoss(model, b.xs[0]!, b.ys[0]!));
  const v = (await loss.data())[0]!;
  loss.dispose();
  return v;
}

/** Samples per second of `steps` TF.js SGD steps after `warmup`; the loss on batch 0 before and after. */
async function tfRate(rule: Rule, sizes: number[], b: TfBatches, o: PeerOptions): Promise<{ samplesPerSec: number; before: number; after: number }> {
  const model = tfModel(rule, sizes);
  const optimizer = tf.train.sgd(o.lr);
  const vars = [...model.weights, ...model.biases];
  const step = (i: number) => {
    const k = i % b.xs.length;
    optimizer.minimize(() => tfLoss(model, b.xs[k]!, b.ys[k]!), false, vars);
  };
  try {
    const before = await lossOf(model, b);
    for (let i = 0; i < o.warmup; i++) step(i);
    // Waits for every queued kernel of the warm-up (compilation included).
    await model.biases.at(-1)!.data();
    const t0 = performance.now();
    for (let i = 0; i < o.steps; i++) step(o.warmup + i);
    await model.biases.at(-1)!.data();
    const sec = (performance.now() - t0) / 1000;
    const after = await lossOf(model, b);
    return { samplesPerSec: (o.steps * o.batch) / sec, before, after };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

// ---- the run ----

/** Frame timestamps while `fn` runs; the longest gap between two (the ends included). */
async function watchFrames<T>(fn: () => Promise<T>): Promise<{ value: T; longestGapMs: number }> {
  const frames: number[] = [performance.now()];
  let on = true;
  const tick = (t: number) => {
    frames.push(t);
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const value = await fn();
  on = false;
  frames.push(performance.now());
  let longestGapMs = 0;
  for (let i = 1; i < frames.length; i++) longestGapMs = Math.max(longestGapMs, frames[i]! - frames[i - 1]!);
  return { value, longestGapMs };
}

/** The engine's first use in this page: dataset, device, the default network's pipelines, one step. Leaves the device and dataset for the rates. */
async function engineFirstStep(): Promise<{ first: EngineFirstStep; data: Dataset; ctx: GpuContext; gpuData: GpuDataset }> {
  const t0 = performance.now();
  let t = t0;
  const lap = () => {
    const now = performance.now();
    const sec = (now - t) / 1000;
    t = now;
    return sec;
  };
  const data = await loadDataset('mnist', fetchSource(new URL('/datasets/', location.href).href));
  const datasetSec = lap();
  const ctx = await GpuContext.create(navigator.gpu);
  const deviceSec = lap();
  const gpuData = uploadDataset(ctx, data);
  const uploadSec = lap();
  const { value: trainer, longestGapMs } = await watchFrames(() => Trainer.create(ctx, gpuData, resolveConfig({}), {}));
  const compileSec = lap();
  await trainer.train(1);
  await ctx.device.queue.onSubmittedWorkDone();
  const stepSec = lap();
  trainer.destroy();
  const first = { datasetSec, deviceSec, uploadSec, compileSec, stepSec, totalSec: (performance.now() - t0) / 1000, longestFrameGapMs: longestGapMs };
  log(`engine first step: ${first.totalSec.toFixed(2)} s (dataset ${datasetSec.toFixed(2)}, device ${deviceSec.toFixed(2)}, upload ${uploadSec.toFixed(2)}, pipelines ${compileSec.toFixed(2)}, step ${stepSec.toFixed(2)})`);
  return { first, data, ctx, gpuData };
}

async function run(partial: Partial<PeerOptions> = {}): Promise<PeerReport> {
  const o: PeerOptions = { ...DEFAULTS, ...partial };
  const { first, data, ctx, gpuData } = await engineFirstStep();
  const sizes = [data.rows * data.cols, ...HIDDEN, data.classes];
  let t = performance.now();
  await tf.setBackend('webgpu');
  await tf.ready();
  const backend = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } };
  const tfjsAdapter = { vendor: backend.adapterInfo?.vendor ?? '', architecture: backend.adapterInfo?.architecture ?? '' };
  log(`engine adapter: ${JSON.stringify(ctx.adapter)}; TF.js ${tf.version_core} on ${tf.getBackend()}: ${JSON.stringify(tfjsAdapter)}`);
  const batches = tfBatches(data, Math.min(o.warmup + o.steps, 64), o.batch);

  const engineRounds: Record<Rule, number[]> = { bp: [], fa: [] };
  const tfRounds: Record<Rule, number[]> = { bp: [], fa: [] };
  const losses: Record<Rule, { before: number; after: number }> = { bp: { before: NaN, after: NaN }, fa: { before: NaN, after: NaN } };
  const storageBuffersPerStage = ctx.limits.maxStorageBuffersPerShaderStage;
  let dispatches: Array<{ rule: string; dispatches: number }> = [];
  try {
    dispatches = await dispatchesPerStep(ctx, gpuData, o);
    // Interleaved, so a burst of load from elsewhere on the machine falls on both frameworks alike.
    for (let r = 0; r < o.rounds; r++) {
      for (const rule of RULES) {
        t = performance.now();
        const e = await engineRate(ctx, gpuData, rule, o);
        engineRounds[rule].push(e);
        log(`round ${r + 1} ${rule}: engine ${e.toFixed(0)} samples/s (${((performance.now() - t) / 1000).toFixed(1)} s)`);
        t = performance.now();
        const f = await tfRate(rule, sizes, batches, o);
        tfRounds[rule].push(f.samplesPerSec);
        losses[rule] = { before: f.before, after: f.after };
        log(`round ${r + 1} ${rule}: TF.js ${f.samplesPerSec.toFixed(0)} samples/s, loss ${f.before.toFixed(3)} → ${f.after.toFixed(3)} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
      }
    }
  } finally {
    for (const x of [...batches.xs, ...batches.ys]) x.dispose();
    ctx.destroy();
  }
  const rates: PeerRate[] = RULES.map((rule) => {
    const engine = rateOf(engineRounds[rule], o.batch);
    const tfjs = rateOf(tfRounds[rule], o.batch);
    return { rule, engine, tfjs, ratio: engine.samplesPerSec / tfjs.samplesPerSec, tfjsLoss: losses[rule] };
  });
  return {
    options: o, network: sizes.join('-'), userAgent: navigator.userAgent,
    engineAdapter: ctx.adapter, tfjsAdapter, tfjsVersion: tf.version_core, engineFirstStep: first, rates,
    storageBuffersPerStage, dispatchesPerStep: dispatches,
  };
}

declare global {
  interface Window {
    speedBench: { run: typeof run };
  }
}

window.speedBench = { run };
log('ready: call window.speedBench.run()');
