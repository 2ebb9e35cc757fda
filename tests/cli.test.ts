// The built `plasticity` command, run as a user would: a child process, from
// another directory (the datasets must be found next to the bundle, not the cwd).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBuilt, root } from './cli-build';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RULES } from '../src/engine/rules/registry';

const BIN = join(root, 'bin', 'plasticity.js');
const RULE_IDS = ['bp', 'fa', 'dfa', 'ss', 'wm', 'ia', 'sa', 'aa', 'kp'];
const elsewhere = mkdtempSync(join(tmpdir(), 'plasticity-cli-'));


function cli(args: string[], bin = BIN) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: elsewhere, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user error: exit 2, the message names what is wrong, and no stack trace. */
function expectUsageError(r: ReturnType<typeof cli>, ...mentions: string[]) {
  expect(r.code, r.stderr).toBe(2);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe('plasticity rules', () => {
  test('lists all nine rules', () => {
    const r = cli(['rules']);
    expect(r.code, r.stderr).toBe(0);
    const ids = r.stdout
      .split('\n')
      .map((l) => l.split(/\s+/)[0])
      .filter((id) => id && RULE_IDS.includes(id));
    expect(ids).toEqual(RULE_IDS);
    for (const rule of RULES) expect(r.stdout).toContain(rule.name);
  });

  test('--json is a parseable array with the documented fields', () => {
    const r = cli(['rules', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rules = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rules.map((x) => x.id)).toEqual(RULE_IDS);
    for (const x of rules) {
      for (const key of ['name', 'locality', 'feedback', 'feedbackPathway', 'coefficients', 'tiedDecay', 'summary']) expect(x).toHaveProperty(key);
    }
    for (const rule of RULES) {
      const listed = rules.find((x) => x.id === rule.id)!;
      expect(listed.coefficients).toEqual(rule.regularizer);
      expect(listed.tiedDecay).toBe(rule.tied ? rule.tiedDecay : null);
    }
  });
});

describe('plasticity train', () => {
  const FIELDS = ['device', 'elapsedSec', 'epoch', 'layers', 'samplesPerSec', 'step', 'testAcc', 'testLoss', 'trainAcc', 'trainLoss'];
  const LAYER_FIELDS = ['bpAngle', 'feedbackNorm', 'gradientAngle', 'layer', 'weightAngle', 'weightNorm'];

  function jsonLines(stdout: string, layerFields = LAYER_FIELDS, fields: readonly string[] = FIELDS): Record<string, unknown>[] {
    const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const m of records) {
      expect(Object.keys(m).sort()).toEqual([...fields].sort());
      expect(typeof m.device).toBe('string');
      for (const l of m.layers as Record<string, unknown>[]) expect(Object.keys(l).sort()).toEqual(layerFields);
    }
    return records;
  }

  test('--json prints documented records on stdout and a final test accuracy', () => {
    const r = cli(['train', '--rule', 'fa', '--hidden', '32', '--epochs', '1', '--train-subset', '512', '--test-subset', '256', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const records = jsonLines(r.stdout);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ step: 4, epoch: 1 });
    expect(last.testAcc).toBeGreaterThanOrEqual(0);
    expect(last.testAcc).toBeLessThanOrEqual(1);
    const layers = last.layers as Record<string, unknown>[];
    expect(layers.map((l) => l.layer)).toEqual([1, 2]);
    expect(layers[1]!.weightAngle).toEqual(expect.any(Number));
    // Progress and the summary go to stderr.
    expect(r.stderr).toContain('done: test accuracy');
  });

  test('--json: mid-epoch records have no test accuracy; --bp-angles fills bpAngle', () => {
    const r = cli(['train', '--rule', 'sa', '--hidden', '16,16', '--epochs', '1', '--train-subset', '1024', '--test-subset', '128', '--metrics-every', '4', '--bp-angles', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const records = jsonLines(r.stdout);
    expect(records.map((m) => m.step)).toEqual([4, 8]);
    expect(records[0]!.testAcc).toBeNull();
    expect(records[1]!.testAcc).toEqual(expect.any(Number));
    for (const l of records[1]!.layers as Record<string, unknown>[]) expect(l.bpAngle).toEqual(expect.any(Number));
  });

  test('divergence: exit 3 suggesting a lower learning rate', () => {
    const r = cli(['train', '--optimizer', 'sgd', '--lr', '1e30', '--hidden', '16', '--epochs', '1', '--train-subset', '512', '--test-subset', '128', '--metrics-every', '1']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('diverged');
    expect(r.stderr).toContain('lower learning rate, e.g. --lr');
  });

  test('help texts', () => {
    const main = cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('plasticity train');
    const train = cli(['train', '--help']);
    expect(train.code).toBe(0);
    expect(train.stdout).toContain('--feedback-input');
    expect(train.stdout).toContain('--json');
  });

  test('unknown rule: exit 2 naming the valid rules', () => {
    expectUsageError(cli(['train', '--rule', 'nope']), '--rule', 'nope', RULE_IDS.join(', '));
  });

  test('--hidden 0: exit 2 naming hidden', () => {
    expectUsageError(cli(['train', '--hidden', '0']), '--hidden');
    expectUsageError(cli(['train', '--hidden', '']), '--hidden');
    expectUsageError(cli(['train', '--hidden', '256,x']), '--hidden');
  });

  test('negative or non-numeric numbers: exit 2 naming the flag', () => {
    expectUsageError(cli(['train', '--lr', '-1']), '--lr', '-1');
    expectUsageError(cli(['train', '--epochs', 'ten']), '--epochs', 'ten');
    expectUsageError(cli(['train', '--train-subset', '1.5']), '--train-subset');
  });

  test('unknown flags, datasets and commands: exit 2', () => {
    expectUsageError(cli(['train', '--bogus', '1']), '--bogus');
    expectUsageError(cli(['train', '--epoch', '1']), '--epoch', 'Did you mean --epochs?');
    expectUsageError(cli(['train', '--dataset', 'cifar']), '--dataset', 'mnist, fashion-mnist');
    expectUsageError(cli(['fly']), 'unknown command');
  });

  test('spiking: --neuron and surrogate-* rules train a LIF network, with firing rates in --json', () => {
    const r = cli(['train', '--neuron', 'lif', '--rule', 'surrogate-fa', '--steps', '6', '--encoder', 'poisson', '--hidden', '24', '--epochs', '1', '--train-subset', '512', '--test-subset', '128', '--metrics-every', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const records = jsonLines(r.stdout, ['firingRate', 'layer', 'weightAngle'], [...FIELDS, 'warnings']);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ step: 4, epoch: 1 });
    expect(last.testAcc).toEqual(expect.any(Number));
    const layers = last.layers as Record<string, unknown>[];
    expect(layers.map((l) => l.layer)).toEqual([1, 2]);
    for (const l of layers) expect(l.firingRate).toEqual(expect.any(Number));
    expect(r.stderr).toContain('firing rates');
  });

  test('spiking: a silent network is warned about, once, with what to change', () => {
    const r = cli(['train', '--neuron', 'lif', '--threshold', '1e6', '--steps', '4', '--hidden', '8', '--epochs', '1', '--train-subset', '256', '--test-subset', '64', '--metrics-every', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = jsonLines(r.stdout, ['firingRate', 'layer', 'weightAngle'], [...FIELDS, 'warnings']).flatMap((m) => m.warnings as Array<Record<string, unknown>>);
    expect(warnings.some((w) => w.kind === 'silent' && w.layer === 1)).toBe(true);
    expect(r.stderr.match(/warning at step \d+: layer 1 is silent/g)).toHaveLength(1);
  });

  test('spiking: bad neuron settings and mixed flags are refused, naming the flag', () => {
    expectUsageError(cli(['train', '--neuron', 'lif', '--beta', '1.5']), '--beta', '[0, 1]');
    expectUsageError(cli(['train', '--neuron', 'lif', '--threshold', '0']), '--threshold', 'positive');
    expectUsageError(cli(['train', '--neuron', 'lif', '--steps', '0']), '--steps');
    expectUsageError(cli(['train', '--rule', 'surrogate-bp', '--activation', 'tanh']), '--activation', 'rate networks');
    expectUsageError(cli(['train', '--steps', '10']), '--steps', '--neuron lif');
    expectUsageError(cli(['train', '--neuron', 'lif', '--rule', 'wm']), '--rule', 'surrogate-bp');
    expectUsageError(cli(['train', '--neuron', 'lif', '--propagation', 'sparse']), '--propagation', 'auto, dense, event');
    expectUsageError(cli(['train', '--neuron', 'lif', '--tau-mem', '20']), '--dt', 'beta = exp(-dt / tau)');
    expectUsageError(cli(['train', '--neuron', 'lif', '--beta', '0.9', '--dt', '1', '--tau-mem', '20']), '--tau-mem', 'give one of the two');
    expectUsageError(cli(['train', '--rule', 'bp', '--warmup', '-1']), '--warmup');
    // The spike-only rules run their own neurons, input code and updates: flags they never read are refused.
    expectUsageError(cli(['train', '--rule', 'emstdp', '--encoder', 'latency']), '--encoder', 'not read by emstdp');
    expectUsageError(cli(['train', '--rule', 'bpstdp', '--lr', '0.1']), '--lr', 'not read by bpstdp');
    expectUsageError(cli(['train', '--rule', 'bpstdp', '--emstdp-lr', '0.1']), '--emstdp-lr', 'not read by bpstdp');
    expectUsageError(cli(['train', '--rule', 'emstdp', '--surrogate-slope', '5']), '--surrogate-slope', 'not read by emstdp');
    expectUsageError(cli(['train', '--rule', 'emstdp', '--lr-schedule', 'cosine']), '--lr-schedule', 'not read by emstdp');
    expectUsageError(cli(['train', '--rule', 'surrogate-bp', '--lr-schedule', 'cosine', '--warmup', '3', '--epochs', '3']), '--warmup', "shorter than the schedule's 3 epochs");
  });

  test('engine refusals are mapped back to flags', () => {
    // ConfigError("coefficients") from resolveConfig: FA has trainable B, DFA does not.
    expectUsageError(cli(['train', '--rule', 'dfa', '--coef', 'amp=1e-3']), '--coef');
    expectUsageError(cli(['train', '--coef', 'bogus=1']), '--coef bogus');
    expectUsageError(cli(['train', '--data-dir', join(elsewhere, 'missing')]), '--data-dir');
  });

  test('without a build, bin/plasticity.js says how to make one', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'plasticity-nobuild-'));
    mkdirSync(join(pkg, 'bin'));
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}');
    copyFileSync(BIN, join(pkg, 'bin', 'plasticity.js'));
    const r = cli(['rules'], join(pkg, 'bin', 'plasticity.js'));
    rmSync(pkg, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm run build:cli');
  });
});
