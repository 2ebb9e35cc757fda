// A one-epoch smoke run of the rules benchmark on subsets: both report files,
// with the documented shape, and a plain statement that the run is not comparable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBuilt, root } from './cli-build';
import { afterAll, beforeAll, expect, test } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'plasticity-bench-'));


beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('bench:rules writes rules.md and rules.json', () => {
  const args = ['--epochs', '1', '--train-subset', '512', '--test-subset', '256', '--rules', 'bp,fa', '--datasets', 'mnist', '--out', out];
  const r = spawnSync(process.execPath, [join(root, 'dist-cli', 'bench-rules.js'), ...args], { cwd: tmpdir(), encoding: 'utf8', timeout: 90_000 });
  expect(r.status, r.stderr).toBe(0);
  // Progress belongs on stderr.
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('[2/2] MNIST fa');

  const report = JSON.parse(readFileSync(join(out, 'rules.json'), 'utf8'));
  expect(report).toMatchObject({ complete: true, comparable: false, epochs: 1, targetEpochs: 10, trainSubset: 512, testSubset: 256, node: process.version });
  expect(report.device).toEqual(expect.any(String));
  expect(Date.parse(report.generatedAt)).not.toBeNaN();
  expect(report.examples.mnist).toEqual({ train: 512, test: 256, fullTrain: 60000, fullTest: 10000 });
  expect(report.results.map((x: { key: string }) => x.key)).toEqual(['bp', 'fa']);
  for (const x of report.results) {
    expect(x).toMatchObject({ dataset: 'mnist', status: 'ok', epochs: 1, steps: 4, error: null });
    expect(x.finalTestAcc).toBeGreaterThanOrEqual(0);
    expect(x.bestTestAcc).toBeGreaterThanOrEqual(x.finalTestAcc);
    expect(x.testAccByEpoch).toHaveLength(1);
    expect(x.finalTrainLoss).toBeGreaterThan(0);
    expect(x.layers).toHaveLength(3);
    expect(x.wallSec).toBeGreaterThan(0);
    expect(x.samplesPerSec).toBeGreaterThan(0);
    expect(x.topWeightAngle.final).toEqual(expect.any(Number));
    expect(x.targets[0]).toMatchObject({ kind: 'accuracy', bound: '>=', verdict: 'not comparable' });
  }
  const [bp, fa] = report.results;
  expect(bp.topWeightAngle.initial).toBe(0);
  expect(bp.targets[0].target).toBe(0.98);
  // Random B starts near orthogonal to W; FA also carries the alignment target.
  expect(fa.topWeightAngle.initial).toBeGreaterThan(80);
  expect(fa.topWeightAngle.initial).toBeLessThan(100);
  expect(fa.targets.map((t: { kind: string }) => t.kind)).toEqual(['accuracy', 'alignment']);

  const md = readFileSync(join(out, 'rules.md'), 'utf8');
  expect(md).toContain('**Not comparable with the targets');
  expect(md).toContain('1 epoch per run');
  expect(md).toContain('training subset of 512 of 60,000');
  expect(md).toMatch(/^\| bp \| /m);
  expect(md).toMatch(/^\| fa \| /m);
  expect(md).toContain('not comparable (run shorter than 10 full epochs)');
  expect(md).toContain('## Alignment targets');
  expect(md).toContain('## Settings of each run');
}, 120_000);

test('--merge redoes one run into the earlier report, and refuses a report of other conditions', () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'dist-cli', 'bench-rules.js'), '--train-subset', '512', '--test-subset', '256', '--datasets', 'mnist', '--out', out, ...args], {
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 90_000,
    });
  const before = JSON.parse(readFileSync(join(out, 'rules.json'), 'utf8'));
  const r = bench('--epochs', '1', '--rules', 'fa', '--merge');
  expect(r.status, r.stderr).toBe(0);
  const after = JSON.parse(readFileSync(join(out, 'rules.json'), 'utf8'));
  expect(after.results.map((x: { key: string }) => x.key)).toEqual(['bp', 'fa']);
  expect(after.results[0]).toEqual(before.results[0]); // bp kept as it was
  expect(after.results[1].finishedAt).not.toBe(before.results[1].finishedAt); // fa redone
  expect(after.commands).toHaveLength(2);
  expect(readFileSync(join(out, 'rules.md'), 'utf8')).toContain('Commands (merged with --merge)');

  const other = bench('--epochs', '2', '--rules', 'fa', '--merge');
  expect(other.status).toBe(2);
  expect(other.stderr).toContain('other epochs or subsets');
  expect(JSON.parse(readFileSync(join(out, 'rules.json'), 'utf8'))).toEqual(after); // nothing lost
}, 180_000);
