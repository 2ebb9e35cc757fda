// Smoke runs of the spiking benchmark on subsets: the report files, a dataset's
// own preset settings, and --merge keeping rows and the commands behind them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureCliBuilt, root } from './cli-build';

const out = mkdtempSync(join(tmpdir(), 'plasticity-bench-snn-'));

beforeAll(() => ensureCliBuilt(), 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const SMALL = ['--epochs', '1', '--train-subset', '256', '--test-subset', '64', '--throughput-steps', '0', '--recording-rounds', '0', '--out', out];

function bench(...args: string[]): { command: string; report: { commands: string[]; results: Array<Record<string, unknown>> }; markdown: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist-cli', 'bench-snn.js'), ...args, ...SMALL], { cwd: tmpdir(), encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe('');
  return {
    command: ['node dist-cli/bench-snn.js', ...args, ...SMALL].join(' '),
    report: JSON.parse(readFileSync(join(out, 'snn.json'), 'utf8')),
    markdown: readFileSync(join(out, 'snn.md'), 'utf8'),
  };
}

test('bench:snn writes its report, merges runs into it and lists only the commands behind its rows', () => {
  const first = bench('--rules', 'bpstdp', '--datasets', 'mnist');
  expect(first.report.results).toHaveLength(1);
  expect(first.report.results[0]).toMatchObject({ key: 'bpstdp', dataset: 'mnist', status: 'ok', epochs: 1, trainExamples: 256, verdict: 'not comparable (subset or short run)', command: first.command });
  expect(first.report.commands).toEqual([first.command]);

  // Fashion-MNIST's surrogate-bp row runs with that dataset's own settings, and says so.
  const second = bench('--rules', 'surrogate-bp', '--datasets', 'fashion-mnist', '--merge');
  expect(second.report.results.map((x) => `${x.key}/${x.dataset}`)).toEqual(['bpstdp/mnist', 'surrogate-bp/fashion-mnist']);
  expect(second.report.results[1]!.config).toMatchObject({ rule: 'surrogate-bp', optimizer: { method: 'adam', lr: 1e-3 } });
  expect(second.report.commands).toEqual([first.command, second.command]);
  expect(second.markdown).toMatch(/\*\*surrogate-bp\*\* \(Fashion-MNIST\): .*"adam".*On Fashion-MNIST, Adam/);

  // A run of the same preset and dataset replaces the row; the command that made the old one goes.
  const third = bench('--datasets', 'mnist', '--rules', 'bpstdp', '--merge');
  expect(third.report.results.map((x) => x.command)).toEqual([third.command, second.command]);
  expect(third.report.commands).toEqual([second.command, third.command]);
  expect(third.markdown).toContain('Commands (merged with --merge)');
  expect(third.markdown).not.toContain(`\`${first.command}\``);
}, 300_000);
