// Snapshots continue a run bit for bit; live rule and coefficient switches
// keep W and b, give B what the new rule starts from, and the next step
// matches the float64 reference of the new rule from those weights.
import { afterAll, describe, expect, test } from 'vitest';
import { type GpuDataset, uploadDataset } from '../../src/engine/data/gpu-dataset';
import { ConfigError } from '../../src/engine/errors';
import { initialParameters, type LayerInit } from '../../src/engine/layers/init';
import { refNetwork, referenceTrainStep } from '../../src/engine/reference/train-step';
import { Rng, shuffledIndices } from '../../src/engine/rng';
import { findRule } from '../../src/engine/rules/registry';
import type { RateSnapshot } from '../../src/engine/session/trainer-snapshot';
import { resolveSpikingConfig, type SpikingConfigInput } from '../../src/engine/spiking/config';
import { createSpikingTrainer } from '../../src/engine/spiking/create-trainer';
import { type SpikingMetricsRecord, SpikingTrainer } from '../../src/engine/spiking/trainer';
import { type ConfigInput, resolveConfig, type TrainConfig } from '../../src/engine/training/config';
import { type MetricsRecord, Trainer } from '../../src/engine/training/trainer';
import { destroyContext, getContext, relErr } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

afterAll(destroyContext);

type AnyRecord = MetricsRecord | SpikingMetricsRecord;
const strip = (rs: AnyRecord[]) => rs.map(({ samplesPerSec: _s, elapsedSec: _e, ...rest }) => rest);

interface Resumable {
  train(n: number): Promise<void>;
  flush(): Promise<void>;
  destroy(): void;
  onMetrics(l: (r: AnyRecord) => void): () => void;
  snapshot(): Promise<{ buffers: Record<string, Float32Array> } & object>;
  restore(s: never): Promise<void>;
}

/** Train n, snapshot, train m (A); a fresh trainer restores the snapshot and trains m (B): A and B must agree exactly. */
async function continuesExactly(make: () => Promise<Resumable>, n: number, m: number): Promise<void> {
  const a = await make();
  const recordsA: AnyRecord[] = [];
  a.onMetrics((r) => recordsA.push(r));
  await a.train(n);
  const snap = await a.snapshot();
  await a.train(m);
  await a.flush();
  const endA = await a.snapshot();
  a.destroy();

  const b = await make();
  await b.restore(snap as never);
  const recordsB: AnyRecord[] = [];
  b.onMetrics((r) => recordsB.push(r));
  await b.train(m);
  await b.flush();
  const endB = await b.snapshot();
  b.destroy();

  const after = recordsA.filter((r) => r.step > n);
  expect(after.length).toBeGreaterThan(2);
  expect(after.some((r) => r.testAcc !== null)).toBe(true);
  expect(strip(recordsB)).toEqual(strip(after));
  expect(Object.keys(endB.buffers)).toEqual(Object.keys(endA.buffers));
  for (const [name, values] of Object.entries(endA.buffers)) expect(endB.buffers[name], name).toEqual(values);
}

describe('snapshot and restore', () => {
  test('a rate run (wm, Adam, noise-driven B) continues bit for bit', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 64, 24));
    const config = resolveConfig({
      rule: 'wm', hidden: [10, 6], batchSize: 8, seed: 4, feedbackInput: 'noise', feedbackUpdateNoise: 1e-4,
      optimizer: { method: 'adam', lr: 3e-3 },
    });
    // 10 steps: inside the second epoch, between two records.
    await continuesExactly(() => Trainer.create(ctx, data, structuredClone(config), { metricsEvery: 3 }) as Promise<Resumable>, 10, 14);
  });

  test('a spiking run (surrogate-fa) continues bit for bit', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 48, 16));
    const config = resolveSpikingConfig({ rule: 'surrogate-fa', hidden: [8], steps: 4, batchSize: 8, seed: 3 });
    await continuesExactly(() => SpikingTrainer.create(ctx, data, structuredClone(config), { metricsEvery: 2, evalRows: 16 }) as Promise<Resumable>, 7, 9);
  });

  test('an EMSTDP run (its own packed weights) continues bit for bit', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 32, 8));
    const config = resolveSpikingConfig({ rule: 'emstdp', hidden: [8], steps: 12, batchSize: 4, seed: 2 } as SpikingConfigInput);
    await continuesExactly(() => createSpikingTrainer(ctx, data, structuredClone(config), { metricsEvery: 2, evalRows: 8 }) as Promise<Resumable>, 5, 7);
  });

  test('a snapshot of another network, dataset or kind is refused with a reason', async () => {
    const ctx = await getContext();
    const data = uploadDataset(ctx, syntheticDataset(16, 3, 32, 8));
    const base: ConfigInput = { rule: 'fa', hidden: [6], batchSize: 8 };
    const trainer = await Trainer.create(ctx, data, resolveConfig(base));
    const snap = await trainer.snapshot();
    const wider = await Trainer.create(ctx, data, resolveConfig({ ...base, hidden: [7] }));
    await expect(wider.restore(snap)).rejects.toThrow(/snapshot: was taken with another hidden\.0/);
    const smaller = await Trainer.create(ctx, uploadDataset(ctx, syntheticDataset(16, 3, 24, 8)), resolveConfig(base));
    await expect(smaller.restore(snap)).rejects.toThrow(/training set of 32 examples; this one has 24/);
    const spiking = await SpikingTrainer.create(ctx, data, resolveSpikingConfig({ hidden: [6], steps: 2, batchSize: 8 }));
    await expect(spiking.restore(snap)).rejects.toThrow(ConfigError);
    await expect(trainer.restore(await spiking.snapshot())).rejects.toThrow(/spiking network/);
    // A snapshot of another rule is adopted: the rule switches, then the state is written.
    const bp = await Trainer.create(ctx, data, resolveConfig({ ...base, rule: 'bp' }));
    await bp.restore(snap);
    expect(bp.rule.id).toBe('fa');
    for (const t of [trainer, wider, smaller, spiking, bp]) t.destroy();
  });
});

const PIXELS = 12;
const CLASSES = 3;
const BATCH = 4;
const SIZES = [PIXELS, 7, 5, CLASSES];

/** A trainer whose every step is one epoch of BATCH examples, so the reference can follow its order. */
async function smallTrainer(config: ConfigInput): Promise<{ trainer: Trainer; data: ReturnType<typeof syntheticDataset>; gpu: GpuDataset }> {
  const ctx = await getContext();
  const data = syntheticDataset(PIXELS, CLASSES, BATCH, BATCH);
  const gpu = uploadDataset(ctx, data);
  const trainer = await Trainer.create(ctx, gpu, resolveConfig({ hidden: [7, 5], batchSize: BATCH, seed: 11, ...config }), { metricsEvery: 1 });
  return { trainer, data, gpu };
}

/** The float64 reference of step `step` (1-based) from the weights and moments in `s`, under `s.config`. */
function referenceFrom(s: RateSnapshot, data: ReturnType<typeof syntheticDataset>, step: number) {
  const c: TrainConfig = s.config;
  const kappas = initialParameters(SIZES, c.activation, c.init, 'backward', c.seed).map((l) => l.kappa);
  const init: LayerInit[] = kappas.map((kappa, i) => ({
    nIn: SIZES[i], nOut: SIZES[i + 1], kappa,
    W: s.buffers[`layer${i + 1}.W`], b: s.buffers[`layer${i + 1}.b`], B: s.buffers[`layer${i + 1}.B`] ?? null,
  }));
  const ref = refNetwork(init, c.activation);
  ref.clock = s.clock;
  ref.layers.forEach((l, i) => {
    const get = (k: string) => s.buffers[`layer${i + 1}.${k}`];
    l.mW.set(get('mW'));
    l.vW.set(get('vW'));
    l.mb.set(get('mb'));
    l.vb.set(get('vb'));
    if (get('mB')) l.mB.set(get('mB'));
    if (get('vB')) l.vB.set(get('vB'));
  });
  const shuffle = new Rng(c.seed).fork(3);
  let order: Uint32Array = new Uint32Array(0);
  for (let k = 0; k < step; k++) order = shuffledIndices(BATCH, shuffle);
  const X = new Float64Array(BATCH * PIXELS);
  const labels = new Uint32Array(BATCH);
  order.forEach((ex, i) => {
    labels[i] = data.train.labels[ex];
    for (let p = 0; p < PIXELS; p++) X[i * PIXELS + p] = Math.fround(data.train.images[ex * PIXELS + p] / 255);
  });
  referenceTrainStep(ref, X, labels, c, findRule(c.rule), new Rng(c.seed).fork(4).nextU32(), 1);
  return ref;
}

/** The next step on the GPU against the reference from the same state. */
async function expectNextStepMatchesReference(trainer: Trainer, data: ReturnType<typeof syntheticDataset>): Promise<RateSnapshot> {
  const before = await trainer.snapshot();
  await trainer.train(1);
  await trainer.flush();
  const after = await trainer.snapshot();
  const ref = referenceFrom(before, data, before.position.step + 1);
  ref.layers.forEach((r, i) => {
    const name = (k: string) => `layer${i + 1}.${k}`;
    const delta = (now: ArrayLike<number>, then: ArrayLike<number>) => Array.from(now, (v, k) => v - then[k]);
    expect(relErr(delta(after.buffers[name('W')], before.buffers[name('W')]), delta(r.W, before.buffers[name('W')])), name('dW')).toBeLessThan(1e-4);
    expect(relErr(delta(after.buffers[name('b')], before.buffers[name('b')]), delta(r.b, before.buffers[name('b')])), name('db')).toBeLessThan(1e-4);
    if (r.B && trainer.rule.feedback !== 'sign') {
      const dRef = delta(r.B, before.buffers[name('B')]);
      const dGpu = delta(after.buffers[name('B')], before.buffers[name('B')]);
      if (dRef.some((v) => v !== 0)) expect(relErr(dGpu, dRef), name('dB')).toBeLessThan(1e-4);
      else expect(dGpu.every((v) => v === 0), name('B fixed')).toBe(true);
    }
  });
  return after;
}

describe('switching the rule mid-run', () => {
  test('bp → fa: W, b and momentum are kept, B is the seed\'s random B, and the next step is FA\'s', async () => {
    const { trainer, data } = await smallTrainer({ rule: 'bp', optimizer: { method: 'momentum', lr: 0.3 } });
    await trainer.train(2);
    const before = await trainer.snapshot();
    await trainer.switchRule('fa');
    const switched = await trainer.snapshot();
    expect(trainer.rule.id).toBe('fa');
    const fresh = initialParameters(SIZES, 'relu', 'auto', 'backward', 11);
    for (let l = 1; l <= 3; l++) {
      for (const k of ['W', 'b', 'mW', 'mb']) expect(switched.buffers[`layer${l}.${k}`], `layer${l}.${k}`).toEqual(before.buffers[`layer${l}.${k}`]);
      expect(switched.buffers[`layer${l}.B`]).toEqual(fresh[l - 1].B);
      expect(switched.buffers[`layer${l}.mB`]).toBeUndefined();
    }
    expect(switched.position).toEqual(before.position);
    await expectNextStepMatchesReference(trainer, data);
    trainer.destroy();
  });

  test('fa → wm keeps B and trains it; coefficients change live; → ss and → dfa and → bp each step as their reference', async () => {
    const { trainer, data } = await smallTrainer({ rule: 'fa', optimizer: { method: 'sgd', lr: 0.5 } });
    await trainer.train(1);
    const faB = (await trainer.snapshot()).buffers['layer2.B'];
    await trainer.switchRule('wm', { coefficients: { amp: 0.3, decay: 0.1 } });
    expect((await trainer.snapshot()).buffers['layer2.B']).toEqual(faB);
    await expectNextStepMatchesReference(trainer, data);
    await trainer.setCoefficients({ amp: 0.05, null: 0.2, decay: 0.02 });
    expect(trainer.config.coefficients).toEqual({ amp: 0.05, null: 0.2, decay: 0.02 });
    await expectNextStepMatchesReference(trainer, data);
    await trainer.switchRule('ss');
    await expectNextStepMatchesReference(trainer, data);
    await trainer.switchRule('dfa');
    const dfa = await expectNextStepMatchesReference(trainer, data);
    expect(dfa.buffers['layer2.B'].length).toBe(7 * CLASSES);
    await trainer.switchRule('bp');
    const bp = await expectNextStepMatchesReference(trainer, data);
    expect(bp.buffers['layer2.B']).toBeUndefined();
    trainer.destroy();
  });

  test('kp with reset feedback draws B afresh; repeated switches free what they replace', async () => {
    const { trainer, data } = await smallTrainer({ rule: 'wm', optimizer: { method: 'sgd', lr: 0.5 } });
    const ctx = await getContext();
    await trainer.train(2);
    await trainer.switchRule('kp', { resetFeedback: true });
    expect((await trainer.snapshot()).buffers['layer1.B']).toEqual(initialParameters(SIZES, 'relu', 'auto', 'backward', 11)[0].B);
    await expectNextStepMatchesReference(trainer, data);
    await trainer.switchRule('wm');
    await trainer.train(1);
    await trainer.flush();
    await ctx.device.queue.onSubmittedWorkDone();
    const count = ctx.buffers.stats.count;
    for (const rule of ['fa', 'ss', 'dfa', 'bp', 'wm']) {
      await trainer.switchRule(rule);
      await trainer.train(1);
      // Readbacks settled, so the metrics reader never grows its pool.
      await trainer.flush();
    }
    await trainer.flush();
    await ctx.device.queue.onSubmittedWorkDone();
    await new Promise((r) => setTimeout(r, 0));
    expect(ctx.buffers.stats.count).toBe(count);
    trainer.destroy();
  });

  test('impossible switches are refused with the reason, and change nothing', async () => {
    const { trainer } = await smallTrainer({ rule: 'fa' });
    await expect(trainer.switchRule('surrogate-fa')).rejects.toThrow(/trains spiking neurons and this is a rate network/);
    await expect(trainer.switchRule('magic')).rejects.toThrow(/unknown rule "magic"/);
    await expect(trainer.switchRule('dfa', { coefficients: { amp: 1 } })).rejects.toThrow(/coefficients: rule "dfa" has no trainable backward weights/);
    await expect(trainer.setCoefficients({ magic: 1 } as never)).rejects.toThrow(/coefficients\.magic/);
    expect(trainer.rule.id).toBe('fa');
    expect(trainer.config.coefficients).toEqual({});
    trainer.destroy();
  });
});
