// One training step of every rule on a small network (12-7-5-3, batch 4):
// the GPU's dW, db and dB must match the float64 reference within 1e-4, with
// the fused updates (each layer's gradient applied in its matmul) and with
// separate gradient and optimiser dispatches (which also store gW and gB).
import { afterAll, describe, expect, test } from 'vitest';
import { uploadDataset } from '../../src/engine/data/gpu-dataset';
import { fusesFeedbackStep, regularizerGradient } from '../../src/engine/layers/feedback-update';
import { initialParameters } from '../../src/engine/layers/init';
import { refNetwork, referenceTrainStep } from '../../src/engine/reference/train-step';
import { Rng, shuffledIndices } from '../../src/engine/rng';
import { findRule, RULES } from '../../src/engine/rules/registry';
import { type ConfigInput, resolveConfig } from '../../src/engine/training/config';
import { type MetricsRecord, Trainer } from '../../src/engine/training/trainer';
import { GpuContext, type GpuEntry } from '../../src/engine/device/gpu-context';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { destroyContext, getContext, readF32, relErr } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

const PIXELS = 12;
const CLASSES = 3;
const BATCH = 4;
const TOLERANCE = 1e-4;

interface Case {
  name: string;
  config: ConfigInput;
  steps?: number;
}

const sgd = { method: 'sgd', lr: 0.5 } as const;
const cases: Case[] = [
  ...RULES.map((r) => ({ name: `${r.id} (sgd)`, config: { rule: r.id, optimizer: sgd } })),
  ...RULES.map((r) => ({ name: `${r.id} (adam, 3 steps)`, config: { rule: r.id, optimizer: { method: 'adam', lr: 1e-2 } }, steps: 3 }) as Case),
  { name: 'fa, momentum, tanh, mse', config: { rule: 'fa', activation: 'tanh', loss: 'mse', optimizer: { method: 'momentum', lr: 0.3, momentum: 0.9 } }, steps: 2 },
  { name: 'wm driven by white noise', config: { rule: 'wm', feedbackInput: 'noise', feedbackNoiseStd: 0.5, coefficients: { amp: 0.3, decay: 0.1 }, optimizer: sgd } },
  { name: 'ia with its own B learning rate', config: { rule: 'ia', feedbackLr: 2, coefficients: { amp: 0.2, null: 0.1, decay: 0.1 }, optimizer: sgd } },
  { name: 'aa with large coefficients', config: { rule: 'aa', coefficients: { sparse: 0.2, amp: 0.4 }, optimizer: sgd } },
  // Every way the activity terms share products (feedback-update.ts): each alone, and in pairs and all three.
  { name: 'wm with every regulariser term, noise input', config: { rule: 'wm', feedbackInput: 'noise', feedbackNoiseStd: 0.5, coefficients: { amp: 0.3, sparse: 0.2, null: 0.1, decay: 0.1, self: 0.2 }, optimizer: sgd } },
  { name: 'ia with null alone', config: { rule: 'ia', coefficients: { amp: 0, null: 0.3, decay: 0 }, optimizer: sgd } },
  { name: 'aa with sparse alone', config: { rule: 'aa', coefficients: { sparse: 0.3, amp: 0 }, optimizer: sgd } },
  { name: 'ia with sparse and null, no amp', config: { rule: 'ia', coefficients: { amp: 0, sparse: 0.2, null: 0.2 }, optimizer: sgd } },
  // B's fused step (one activity product): with momentum and Adam, update noise, and a self term that keeps it separate.
  { name: 'wm, momentum, noisy B updates (3 steps)', config: { rule: 'wm', feedbackUpdateNoise: 1e-2, coefficients: { amp: 0.3, decay: 0.1 }, optimizer: { method: 'momentum', lr: 0.3, momentum: 0.9 } }, steps: 3 },
  { name: 'aa, adam, white-noise input (3 steps)', config: { rule: 'aa', feedbackInput: 'noise', feedbackNoiseStd: 0.5, coefficients: { sparse: 0.2, amp: 0.4, decay: 0.05 }, optimizer: { method: 'adam', lr: 1e-2 } }, steps: 3 },
  { name: 'ia with a self term (separate B step)', config: { rule: 'ia', coefficients: { amp: 0.2, null: 0.1, self: 0.1 }, optimizer: sgd } },
  { name: 'sa with noisy B updates', config: { rule: 'sa', feedbackUpdateNoise: 1e-2, optimizer: sgd } },
  { name: 'kp with noisy B updates and weight decay', config: { rule: 'kp', feedbackUpdateNoise: 1e-2, tiedDecay: 0.3, optimizer: { ...sgd, weightDecay: 0.01 } } },
  { name: 'fa with noisy B updates (random walk)', config: { rule: 'fa', feedbackUpdateNoise: 1e-2, optimizer: sgd } },
  { name: 'sign activation, ss', config: { rule: 'ss', activation: 'sign', optimizer: sgd } },
  { name: 'softplus, dfa', config: { rule: 'dfa', activation: 'softplus', optimizer: sgd } },
  { name: 'sigmoid, bp, xavier', config: { rule: 'bp', activation: 'sigmoid', init: 'xavier', optimizer: sgd } },
  // One batch per epoch here, so epochs are steps: rates 1/4, 2/4, 3/4, then the cosine's 1 and 1/2.
  { name: 'kp, momentum, 3-epoch warm-up then cosine to 0 at 5 (5 steps)', config: { rule: 'kp', lrSchedule: 'cosine', warmupEpochs: 3, scheduleEpochs: 5, optimizer: { method: 'momentum', lr: 0.3, momentum: 0.9 } }, steps: 5 },
  { name: 'ia, 2-epoch warm-up then constant (3 steps)', config: { rule: 'ia', warmupEpochs: 2, optimizer: sgd }, steps: 3 },
];

afterAll(destroyContext);

describe('one step of every rule matches the float64 reference', () => {
  for (const c of cases) for (const fuseUpdates of [true, false]) {
    test(`${c.name}${fuseUpdates ? '' : ', separate updates'}`, async () => checkSteps(await getContext(), c, fuseUpdates));
  }
});

/** The adapter's WebGPU entry with maxStorageBuffersPerShaderStage capped at `n` (Chromium offers 10 on SwiftShader). */
function withStorageBuffers(gpu: GpuEntry, n: number): GpuEntry {
  return {
    async requestAdapter(options) {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) return adapter;
      const limits = new Proxy(adapter.limits, {
        get: (target, prop) => (prop === 'maxStorageBuffersPerShaderStage' ? Math.min(n, target.maxStorageBuffersPerShaderStage) : Reflect.get(target, prop, target)),
      });
      return new Proxy(adapter, {
        get(target, prop) {
          if (prop === 'limits') return limits;
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

/** Dispatches per training step of each rule on `ctx` (a 784-7-5-10 network: three layers). */
async function stepDispatches(ctx: GpuContext, rules: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const rule of rules) {
    const config = resolveConfig({ rule, hidden: [7, 5], batchSize: BATCH });
    const trainer = await Trainer.create(ctx, uploadDataset(ctx, syntheticDataset(PIXELS, CLASSES, BATCH, BATCH)), config);
    const d = trainer.dispatchCounts;
    counts[rule] = d.train + d.update;
    trainer.destroy();
  }
  return counts;
}

// The rules whose B takes a step of its own (sa's cases, fa's B as a random walk
// under update noise alone, and wm, ia and aa's B steps from their products).
const trainedB = cases.filter((c) => c.config.rule === 'sa' || c.name.startsWith('fa with noisy B') || /^(wm|ia|aa) \(sgd\)$/.test(c.name) || c.name.startsWith('ia with its own B'));

/**
 * Inside a describe: every trained-B case on a device that binds `n` storage
 * buffers per stage (created once, destroyed after the block); returns the device.
 */
function trainedBStepsOn(n: number): () => Promise<GpuContext> {
  let ctx: GpuContext | null = null;
  afterAll(() => ctx?.destroy());
  const device = async () => (ctx ??= await GpuContext.create(withStorageBuffers(nodeGpu(), n)));
  for (const c of trainedB) {
    test(c.name, async () => {
      const capped = await device();
      expect(capped.limits.maxStorageBuffersPerShaderStage).toBe(n);
      await checkSteps(capped, c, true);
    });
  }
  return device;
}

// Chromium on SwiftShader, and Chrome on some devices, bind 10 storage buffers:
// every fused update fits (7, 8 with B's step beside W's, 10 at most with B's
// own product), so every rule keeps the step structure it has on lavapipe.
describe('on a device that binds 10 storage buffers', () => {
  const ten = trainedBStepsOn(10);

  test('every rule is within 3 dispatches per layer plus 3', async () => {
    // ia's layer 1 has no delta below it for its Y B^T to ride in.
    expect(await stepDispatches(await ten(), ['bp', 'fa', 'ss', 'kp', 'sa', 'wm', 'ia', 'aa'])).toEqual({ bp: 10, fa: 10, ss: 10, kp: 10, sa: 10, wm: 10, ia: 11, aa: 10 });
  });
});

// WebGPU's default is 8: W's fused update (7) and B's batch-free step beside it
// (8) fit; the paired products do not, so B steps from its product in a fused
// dispatch of its own, and ia's Y B^T and aa's X B are products of their own.
describe("on a device that binds WebGPU's default 8 storage buffers", () => {
  const eight = trainedBStepsOn(8);

  test('bp, fa and sa keep their 10 dispatches; wm, ia and aa step B on its own', async () => {
    // 10 + 3 B steps; ia adds the three Y B^T products, aa the three X B.
    expect(await stepDispatches(await eight(), ['bp', 'fa', 'sa', 'wm', 'ia', 'aa'])).toEqual({ bp: 10, fa: 10, sa: 10, wm: 13, ia: 16, aa: 16 });
  });
});

/** Trains `c` on `ctx` and compares dW, db, dB, the stored gradients and the probes with the float64 reference. */
async function checkSteps(ctx: GpuContext, c: Case, fuseUpdates: boolean): Promise<void> {
  const config = resolveConfig({ hidden: [7, 5], batchSize: BATCH, seed: 11, ...c.config });
  const rule = findRule(config.rule);
  const data = syntheticDataset(PIXELS, CLASSES, BATCH, BATCH);
  const trainer = await Trainer.create(ctx, uploadDataset(ctx, data), config, { metricsEvery: 1, bpAngles: true, fuseUpdates });
  const records: MetricsRecord[] = [];
  trainer.onMetrics((m) => records.push(m));

  // The same start: parameters from the seed, batches in the trainer's shuffled order.
  const init = initialParameters([PIXELS, 7, 5, CLASSES], config.activation, config.init, rule.feedback, config.seed);
  const ref = refNetwork(init, config.activation);
  const shuffle = new Rng(config.seed).fork(3);
  const steps = c.steps ?? 1;
  let last = null as ReturnType<typeof referenceTrainStep> | null;
  const before = ref.layers.map((l) => ({ W: l.W.slice(), b: l.b.slice(), B: l.B?.slice() ?? null }));
  for (let s = 0; s < steps; s++) {
    const order = shuffledIndices(BATCH, shuffle);
    const X = new Float64Array(BATCH * PIXELS);
    const labels = new Uint32Array(BATCH);
    order.forEach((ex, i) => {
      labels[i] = data.train.labels[ex];
      for (let p = 0; p < PIXELS; p++) X[i * PIXELS + p] = Math.fround(data.train.images[ex * PIXELS + p] / 255);
    });
    last = referenceTrainStep(ref, X, labels, config, rule, noiseSeed(config.seed), 1);
  }
  await trainer.train(steps);
  await trainer.flush();

  // The probes of the last step, taken on the GPU before its updates.
  const probes = records[records.length - 1].layers;
  last!.probes.forEach((p, i) => {
    const gpu = probes[i];
    if (rule.feedback === 'transpose') {
      expect([gpu.weightAngle, gpu.gradientAngle ?? 0, gpu.bpAngle]).toEqual([0, 0, 0]);
      return;
    }
    const close = (g: number | null, r: number | null, what: string) => {
      if (r === null || Number.isNaN(r)) return expect(g === null || Number.isNaN(g), what).toBe(true);
      expect(Math.abs(g! - r), `layer ${i + 1} ${what}: gpu ${g}, ref ${r}`).toBeLessThan(0.1);
    };
    close(gpu.weightAngle, p.weightAngle, 'weight angle');
    close(gpu.gradientAngle, i === 0 ? null : p.gradientAngle, 'gradient angle');
    close(gpu.bpAngle, p.bpAngle, 'angle to backprop dW');
  });

  for (const [i, layer] of trainer.network.layers.entries()) {
    const r = ref.layers[i];
    const W = await readF32(ctx, layer.W, r.W.length);
    const b = await readF32(ctx, layer.b, r.b.length);
    const delta = (now: ArrayLike<number>, then: ArrayLike<number>) => Array.from(now, (v, k) => v - then[k]);
    expect(relErr(delta(W, before[i].W), delta(r.W, before[i].W)), `layer ${i + 1} dW`).toBeLessThan(TOLERANCE);
    expect(relErr(delta(b, before[i].b), delta(r.b, before[i].b)), `layer ${i + 1} db`).toBeLessThan(TOLERANCE);
    if (steps === 1 && !fuseUpdates) {
      expect(relErr(await readF32(ctx, layer.gW, r.W.length), last!.gW[i]), `layer ${i + 1} gW`).toBeLessThan(TOLERANCE);
    }
    if (layer.B && r.B) {
      const B = await readF32(ctx, layer.B, r.B.length);
      if (rule.feedback === 'sign') {
        // B = kappa sign(W)^T is rebuilt from W each step: compare the values.
        expect(relErr(B, r.B), `layer ${i + 1} B`).toBeLessThan(TOLERANCE);
      } else {
        const dRef = delta(r.B, before[i].B!);
        const dGpu = delta(B, before[i].B!);
        if (dRef.some((v) => v !== 0)) expect(relErr(dGpu, dRef), `layer ${i + 1} dB`).toBeLessThan(TOLERANCE);
        else expect(dGpu.every((v) => v === 0), `layer ${i + 1}: B must stay fixed`).toBe(true);
      }
      // gB stores the regulariser's activity terms; B's step adds p B + w W^T itself (dB above checks the sum).
      // A fused B step applies its product where it is computed and stores nothing.
      const coefficients = { ...rule.regularizer, ...config.coefficients };
      const g = regularizerGradient(coefficients);
      const stores = !(fuseUpdates && fusesFeedbackStep(coefficients));
      if (layer.gB && steps === 1 && g.readGrad && stores) {
        const [rows, cols] = [layer.nIn, r.B.length / layer.nIn];
        const stored = Array.from(last!.gB[i]!, (v, k) => {
          const { p, w } = g.regularizer ?? { p: 0, w: 0 };
          return v - p * before[i].B![k] - w * before[i].W[(k % cols) * rows + Math.floor(k / cols)];
        });
        expect(relErr(await readF32(ctx, layer.gB, r.B.length), stored), `layer ${i + 1} gB's activity terms`).toBeLessThan(TOLERANCE);
      }
    }
  }
}

describe('rule semantics', () => {
  test('Kolen-Pollack: B receives exactly the transposed update, so W - B^T decays geometrically', async () => {
    const ctx = await getContext();
    const config = resolveConfig({ rule: 'kp', hidden: [7, 5], batchSize: BATCH, seed: 3, tiedDecay: 0.5, optimizer: { method: 'adam', lr: 0.05 } });
    const trainer = await Trainer.create(ctx, uploadDataset(ctx, syntheticDataset(PIXELS, CLASSES, BATCH, BATCH)), config);
    const gap = async () => {
      let s = 0;
      for (const l of trainer.network.layers) {
        const W = await readF32(ctx, l.W, l.nOut * l.nIn);
        const B = await readF32(ctx, l.B!, l.nIn * l.nOut);
        for (let r = 0; r < l.nOut; r++) for (let c = 0; c < l.nIn; c++) s += (W[r * l.nIn + c] - B[c * l.nOut + r]) ** 2;
      }
      return Math.sqrt(s);
    };
    const g0 = await gap();
    await trainer.train(10);
    await trainer.flush();
    // Each step multiplies W - B^T by (1 - lr * decay) = 0.975, whatever Adam does.
    expect((await gap()) / g0).toBeCloseTo(0.975 ** 10, 4);
  });

  test('feedback alignment leaves B untouched and backprop allocates none', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(PIXELS, CLASSES, BATCH, BATCH));
    const bp = await Trainer.create(ctx, data, resolveConfig({ rule: 'bp', hidden: [7], batchSize: BATCH }));
    expect(bp.network.layers.every((l) => l.B === null)).toBe(true);
    const fa = await Trainer.create(ctx, data, resolveConfig({ rule: 'fa', hidden: [7], batchSize: BATCH }));
    expect(fa.network.layers.every((l) => l.B !== null && l.gB === null)).toBe(true);
  });
});

/** The GPU noise seed the trainer derives from the config seed. */
function noiseSeed(seed: number): number {
  return new Rng(seed).fork(4).nextU32();
}
