// Compare mode in Node, one RunSession per rule: the rules start from the same initial
// weights on the same data, train together, and each yields its own metrics. And a model
// file saved from a trained run restores into a fresh trainer of its experiment.
import { afterAll, describe, expect, test } from 'vitest';
import { uploadDataset } from '../../src/engine/data/gpu-dataset';
import { nodeFileSource } from '../../src/engine/data/node-source';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { RunSession } from '../../src/engine/session/run-session';
import { Trainer } from '../../src/engine/training/trainer';
import { DEFAULT_EXPERIMENT, type Experiment, toTrainConfig } from '../../src/ui/experiment/experiment';
import { type ComparedRule, CompareRun } from '../../src/ui/lab/compare-run';
import { datasetChoiceFor } from '../../src/ui/lab/experiment-spec';
import { modelFileText, readModelFile, restoreSnapshot } from '../../src/ui/lab/export';
import { destroyContext, getContext } from '../gpu-harness';

afterAll(destroyContext);

const host = () => ({ gpu: nodeGpu(), source: nodeFileSource('public/datasets') });

/** bp against fa on the first 256 MNIST images (8 steps of 32), tested on 64. */
const tiny: Experiment = { ...DEFAULT_EXPERIMENT, trainSubset: 256, testSubset: 64, hidden: [16], batchSize: 32, epochs: 1, rule: 'bp', compare: ['bp', 'fa'] };

/** Resolves once `done` holds for the comparison's rules. */
function until(run: CompareRun, done: (rules: readonly ComparedRule[]) => boolean): Promise<readonly ComparedRule[]> {
  return new Promise((resolve) => {
    if (done(run.rules)) return resolve(run.rules);
    const off = run.onChange((rules) => {
      if (!done(rules)) return;
      off();
      resolve(rules);
    });
  });
}

describe('compare run', () => {
  test('bp and fa start from the same weights on the same data, train together and each give metrics', async () => {
    const made: string[] = [];
    const run = new CompareRun((rule) => {
      made.push(rule);
      return new RunSession(host());
    });
    const infos = await run.start(tiny, { metricsEvery: 2 });
    expect(made).toEqual(['bp', 'fa']);
    expect(infos.map((i) => [i.settings.rule, i.sizes.join('-'), i.trainCount, i.totalSteps])).toEqual([
      ['bp', '784-16-10', 256, 8],
      ['fa', '784-16-10', 256, 8],
    ]);
    expect(run.rules.map((r) => [r.rule, r.phase, r.color])).toEqual([
      ['bp', 'ready', '#0072b2'],
      ['fa', 'ready', '#e69f00'],
    ]);

    // Step 0: one initial W for both rules, in every layer; fa alone has feedback weights.
    const [bp0, fa0] = await Promise.all([run.snapshot('bp'), run.snapshot('fa')]);
    expect(bp0.position.step).toBe(0);
    expect(fa0.position.step).toBe(0);
    expect(bp0.buffers['layer1.W']!.length).toBe(16 * 784);
    expect(fa0.buffers['layer1.W']).toEqual(bp0.buffers['layer1.W']);
    expect(fa0.buffers['layer2.W']).toEqual(bp0.buffers['layer2.W']);
    expect(fa0.buffers['layer2.B']).toBeDefined();
    expect(bp0.buffers['layer2.B']).toBeUndefined();

    await run.play();
    const rules = await until(run, (rs) => rs.every((r) => r.phase === 'finished' && r.records.some((x) => x.step === 8 && x.testAcc !== null)));
    for (const r of rules) {
      const steps = r.records.map((x) => x.step);
      expect(steps, r.rule).toEqual([0, 2, 4, 6, 8]);
      expect(r.records.every((x) => !x.diverged)).toBe(true);
      expect(r.records.at(-1)!.trainLoss).toBeGreaterThan(0);
      expect(r.diverged).toBe(false);
    }
    // One seed and data, two rules: the same first test score, then their own ways.
    const [bp, fa] = rules;
    expect(bp!.records[0]!.testAcc).toBe(fa!.records[0]!.testAcc);
    expect(bp!.records.at(-1)!.trainLoss).not.toBe(fa!.records.at(-1)!.trainLoss);

    // After training the rules' weights differ; reset brings both back to the shared start.
    const [bp8, fa8] = await Promise.all([run.snapshot('bp'), run.snapshot('fa')]);
    expect(fa8.buffers['layer1.W']).not.toEqual(bp8.buffers['layer1.W']);
    await run.reset();
    const [bpR, faR] = await Promise.all([run.snapshot('bp'), run.snapshot('fa')]);
    expect(bpR.buffers['layer1.W']).toEqual(bp0.buffers['layer1.W']);
    expect(faR.buffers['layer1.W']).toEqual(bp0.buffers['layer1.W']);

    // A new comparison keeps the controllers of rules still compared and drops the others.
    await run.start({ ...tiny, compare: ['ss', 'bp'] }, { metricsEvery: 2 });
    expect(made).toEqual(['bp', 'fa', 'ss']);
    expect(run.rules.map((r) => [r.rule, r.color])).toEqual([
      ['ss', '#0072b2'],
      ['bp', '#e69f00'],
    ]);
    await run.step();
    const stepped = await until(run, (rs) => rs.every((r) => r.records.some((x) => x.step === 2)));
    expect(stepped.map((r) => r.records.map((x) => x.step))).toEqual([
      [0, 2],
      [0, 2],
    ]);
    await run.destroy();
    expect(run.rules).toEqual([]);
  });

  test('refuses an experiment that compares fewer than two rules, before starting anything', async () => {
    const run = new CompareRun(() => {
      throw new Error('no controller should be made');
    });
    await expect(run.start({ ...tiny, compare: [] })).rejects.toThrow(/lists 0 rules; a comparison trains 2 to 6/);
    await expect(run.start({ ...tiny, compare: ['bp', 'magic'] })).rejects.toThrow(/unknown rule "magic"/);
  });
});

describe('model file restore', () => {
  test('a saved fa network, restored into a fresh trainer of its experiment, has the saved weights', async () => {
    const ctx = await getContext();
    const e: Experiment = { ...DEFAULT_EXPERIMENT, dataset: 'xor', trainSubset: 64, testSubset: 16, hidden: [8], batchSize: 8, rule: 'fa' };
    const choice = datasetChoiceFor(e);
    if (choice.kind !== 'given') throw new Error('xor is made in memory');
    const data = uploadDataset(ctx, choice.dataset);

    const trained = await Trainer.create(ctx, data, toTrainConfig(e), { metricsEvery: 4 });
    await trained.train(16);
    await trained.flush();
    const saved = await trained.snapshot();
    trained.destroy();

    const read = readModelFile(modelFileText(e, saved));
    if (!read.ok) throw new Error(read.problems.join(' '));
    const fresh = await Trainer.create(ctx, data, toTrainConfig(read.model.experiment), { metricsEvery: 4 });
    const start = await fresh.snapshot();
    expect(start.buffers['layer1.W']).not.toEqual(saved.buffers['layer1.W']);
    await fresh.restore(restoreSnapshot(read.model, start));
    const restored = await fresh.snapshot();
    for (const name of ['layer1.W', 'layer1.b', 'layer1.B', 'layer2.W', 'layer2.b', 'layer2.B']) {
      expect(restored.buffers[name], name).toEqual(saved.buffers[name]);
    }
    // It trains on from there as a new run.
    expect(restored.position.step).toBe(0);
    await fresh.train(4);
    await fresh.flush();
    fresh.destroy();
  });
});
