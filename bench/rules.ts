// `npm run bench:rules`: every rule on MNIST and Fashion-MNIST from one shared
// preset (rule-presets.ts), written to rules.md and rules.json with a verdict
// against the issue's targets. Progress goes to stderr.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, choiceListFlag, numberFlag, parseArgs, stringFlag } from '../src/cli/args';
import { EXIT, reportFailure } from '../src/cli/failures';
import { compact, deg, duration, fixed, pct, sci } from '../src/cli/format';
import { createNodeContext, loadFromDisk } from '../src/cli/node-host';
import { defaultDataDir, packageRoot } from '../src/cli/package-root';
import { Progress } from '../src/cli/progress';
import { formatCoefficients } from '../src/cli/rules-command';
import { uploadDataset } from '../src/engine/data/gpu-dataset';
import { DATASETS, type Dataset, type DatasetName } from '../src/engine/data/loader';
import { angleDegrees } from '../src/engine/kernels/dot-products';
import { initialParameters } from '../src/engine/layers/init';
import { findRule } from '../src/engine/rules/registry';
import { usesActivity } from '../src/engine/rules/rule';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../src/engine/training/config';
import { type LayerMetrics, type MetricsRecord, Trainer } from '../src/engine/training/trainer';
import {
  ACCURACY_TARGETS,
  ALIGNMENT_TARGETS,
  PRESET_KEYS,
  RULE_PRESETS,
  type RulePreset,
  SHARED,
  TARGET_EPOCHS,
} from './rule-presets';

const FLAGS = {
  epochs: 'value',
  'train-subset': 'value',
  'test-subset': 'value',
  rules: 'value',
  datasets: 'value',
  out: 'value',
  'data-dir': 'value',
  'metrics-every': 'value',
  merge: 'switch',
  help: 'switch',
} as const;

const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

const HELP = `Usage: npm run bench:rules -- [options]   (or: node dist-cli/bench-rules.js [options])

Trains every rule preset (bench/rule-presets.ts) on each dataset and writes
rules.md and rules.json. Targets hold after ${TARGET_EPOCHS} epochs on the full sets.
  --epochs N            epochs per run (default ${TARGET_EPOCHS})
  --train-subset N      first N training examples (default: all)
  --test-subset N       first N test examples (default: all)
  --rules a,b,...       runs to do: ${PRESET_KEYS.join(', ')} (default: all)
  --datasets a,b        ${DATASET_NAMES.join(', ')} (default: both)
  --out DIR             where to write the report (default: bench/results in the package)
  --data-dir DIR        folder with the .gz IDX files (default: the package's public/datasets)
  --metrics-every N     steps between metric records (default 50)
  --merge               keep the runs of the report already in --out that this
                        invocation does not redo (same epochs and subsets), so a
                        long benchmark can be done in pieces
`;

interface BenchOptions {
  epochs: number;
  trainSubset: number | undefined;
  testSubset: number | undefined;
  presets: RulePreset[];
  datasets: DatasetName[];
  out: string;
  dataDir: string;
  metricsEvery: number;
  merge: boolean;
}

type Verdict = 'met' | 'missed' | 'not comparable';

interface TargetCheck {
  kind: 'accuracy' | 'alignment';
  /** Accuracy is a lower bound, the angle an upper one. */
  bound: '>=' | '<';
  target: number;
  /** The value compared: at epoch 10 of a comparable run, else the final one. */
  value: number | null;
  verdict: Verdict;
  text: string;
}

interface RunResult {
  key: string;
  rule: string;
  dataset: DatasetName;
  status: 'ok' | 'diverged' | 'failed';
  error: string | null;
  epochs: number;
  steps: number;
  finalTestAcc: number | null;
  finalTestLoss: number | null;
  bestTestAcc: number | null;
  bestEpoch: number | null;
  testAccByEpoch: (number | null)[];
  finalTrainLoss: number | null;
  finalTrainAcc: number | null;
  topWeightAngle: {
    /** angle(W, B^T) of the top layer at step 0, computed from the seeded initial weights. */
    initial: number | null;
    /** The first metric record's (after `step` updates). */
    firstRecord: { step: number; angle: number | null } | null;
    byEpoch: (number | null)[];
    final: number | null;
  };
  /** The last record's per-layer metrics, layer 1 first. */
  layers: LayerMetrics[];
  /** Training and per-epoch evaluation, without setup (pipelines, upload). */
  wallSec: number;
  samplesPerSec: number;
  config: TrainConfig;
  source: string;
  device: string;
  /** When the run ended (merged reports hold runs from several invocations). */
  finishedAt: string;
  targets: TargetCheck[];
}

function benchOptions(argv: readonly string[]): BenchOptions | null {
  const args = parseArgs(argv, FLAGS, 'bench:rules');
  if (args.switches.has('help')) return null;
  if (args.positionals.length) throw new UsageError(null, `unexpected argument "${args.positionals[0]}"; run with --help.`);
  const keys = choiceListFlag(args, 'rules', PRESET_KEYS) ?? PRESET_KEYS;
  const out = stringFlag(args, 'out');
  const dataDir = stringFlag(args, 'data-dir');
  return {
    epochs: numberFlag(args, 'epochs', { integer: true, min: 1 }) ?? TARGET_EPOCHS,
    trainSubset: numberFlag(args, 'train-subset', { integer: true, min: 1 }),
    testSubset: numberFlag(args, 'test-subset', { integer: true, min: 1 }),
    // Report order is the preset table's, whatever order --rules gives.
    presets: RULE_PRESETS.filter((p) => keys.includes(p.key)),
    datasets: choiceListFlag(args, 'datasets', DATASET_NAMES) ?? DATASET_NAMES,
    out: out !== undefined ? resolve(out) : join(packageRoot(), 'bench', 'results'),
    dataDir: dataDir !== undefined ? resolve(dataDir) : defaultDataDir(),
    metricsEvery: numberFlag(args, 'metrics-every', { integer: true, min: 1 }) ?? 50,
    merge: args.switches.has('merge'),
  };
}

function presetConfig(p: RulePreset, epochs: number, dataset: DatasetName): TrainConfig {
  const override = p.datasets?.[dataset];
  return resolveConfig({
    ...SHARED,
    scheduleEpochs: epochs,
    // Presets describe the 10-epoch run; a shorter run keeps the warm-up's share of it.
    warmupEpochs: ((override?.warmupEpochs ?? 0) * epochs) / TARGET_EPOCHS,
    hidden: [...SHARED.hidden],
    inputScaling: override?.inputScaling ?? SHARED.inputScaling,
    rule: p.rule,
    coefficients: { ...(p.coefficients ?? {}) },
    feedbackInput: p.feedbackInput ?? DEFAULT_CONFIG.feedbackInput,
    feedbackNoiseStd: p.feedbackNoiseStd ?? DEFAULT_CONFIG.feedbackNoiseStd,
    feedbackLr: override?.feedbackLr ?? p.feedbackLr ?? null,
    tiedDecay: p.tiedDecay ?? null,
    optimizer: { ...DEFAULT_CONFIG.optimizer, ...p.optimizer, ...override?.optimizer },
  });
}

/**
 * The top layer's angle(W, B^T) before any update, from the same seeded
 * initialisation the trainer uses; the probes only run after a step.
 */
export function initialTopAngle(config: TrainConfig, pixels: number, classes: number): number | null {
  const rule = findRule(config.rule);
  if (rule.feedback === 'transpose') return 0;
  const sizes = [pixels, ...config.hidden, classes];
  const top = initialParameters(sizes, config.activation, config.init, rule.feedback, config.seed).at(-1)!;
  const { W, nIn, nOut } = top;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let o = 0; o < nOut; o++) {
    for (let i = 0; i < nIn; i++) {
      const w = W[o * nIn + i]!;
      // Sign symmetry's B = kappa sign(W)^T is only formed during training.
      const b = rule.feedback === 'sign' ? top.kappa * Math.sign(w) : top.B![i * nOut + o]!;
      xy += w * b;
      xx += w * w;
      yy += b * b;
    }
  }
  return angleDegrees(xy, xx, yy);
}

function comparable(opts: BenchOptions, data: Dataset, dataset: DatasetName): boolean {
  const spec = DATASETS[dataset];
  return opts.epochs >= TARGET_EPOCHS && data.train.count >= spec.trainCount && data.test.count >= spec.testCount;
}

const NOT_COMPARABLE = `not comparable (run shorter than ${TARGET_EPOCHS} full epochs)`;

function checkTargets(r: Omit<RunResult, 'targets'>, isComparable: boolean): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const at = <T>(byEpoch: T[], final: T): T => (isComparable ? (byEpoch[TARGET_EPOCHS - 1] ?? final) : final);
  const judge = (kind: TargetCheck['kind'], target: number, value: number | null): TargetCheck => {
    const bound = kind === 'accuracy' ? '>=' : '<';
    if (!isComparable) return { kind, bound, target, value, verdict: 'not comparable', text: NOT_COMPARABLE };
    if (r.status !== 'ok' || value === null || !Number.isFinite(value)) {
      return { kind, bound, target, value, verdict: 'missed', text: `missed (${r.status === 'ok' ? 'no value' : r.status})` };
    }
    const met = kind === 'accuracy' ? value >= target : value < target;
    const gap = kind === 'accuracy' ? `${((target - value) * 100).toFixed(2)} pp` : `${(value - target).toFixed(1)}°`;
    return { kind, bound, target, value, verdict: met ? 'met' : 'missed', text: met ? 'met' : `missed by ${gap}` };
  };
  const acc = ACCURACY_TARGETS[r.dataset]?.[r.key];
  if (acc !== undefined) checks.push(judge('accuracy', acc, at(r.testAccByEpoch, r.finalTestAcc)));
  const angle = ALIGNMENT_TARGETS[r.dataset]?.[r.key];
  if (angle !== undefined) checks.push(judge('alignment', angle, at(r.topWeightAngle.byEpoch, r.topWeightAngle.final)));
  return checks;
}

async function runOne(
  preset: RulePreset,
  dataset: DatasetName,
  data: Dataset,
  opts: BenchOptions,
  progress: Progress,
  onDevice: (name: string) => void,
): Promise<RunResult> {
  const config = presetConfig(preset, opts.epochs, dataset);
  const pixels = data.rows * data.cols;
  const why = preset.datasets?.[dataset]?.why;
  const base = {
    key: preset.key,
    rule: preset.rule,
    dataset,
    config,
    source: why ? `${preset.source} On ${DATASETS[dataset].title}: ${why}` : preset.source,
    device: 'unknown',
    finishedAt: '',
  };
  const records: MetricsRecord[] = [];
  let error: string | null = null;
  let wallSec = 0;
  let steps = 0;
  let epochs = 0;
  // A device per run: buffers are freed with it, and a failure stays in its run.
  const ctx = await createNodeContext();
  base.device = ctx.adapterName;
  onDevice(ctx.adapterName);
  try {
    const trainer = await Trainer.create(ctx, uploadDataset(ctx, data), config, { metricsEvery: opts.metricsEvery });
    trainer.onMetrics((m) => {
      if (records.at(-1)?.diverged) return;
      records.push(m);
      progress.record(m);
      if (m.testAcc !== null && !process.stderr.isTTY) {
        process.stderr.write(
          `  epoch ${m.epoch}/${opts.epochs}: test ${pct(m.testAcc)}, train loss ${fixed(m.trainLoss)}, ` +
            `top∠ ${deg(m.layers.at(-1)?.weightAngle)}, ${duration(m.elapsedSec)}\n`,
        );
      }
      if (m.diverged) trainer.stop();
    });
    progress.start({ epochs: opts.epochs, stepsPerEpoch: trainer.stepsPerEpoch, batchSize: config.batchSize });
    const t0 = performance.now();
    await trainer.trainEpochs(opts.epochs);
    await trainer.flush();
    wallSec = (performance.now() - t0) / 1000;
    steps = trainer.step;
    epochs = trainer.epoch;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    progress.end();
    ctx.destroy();
  }

  const last = records.at(-1) ?? null;
  const evals = records.filter((m) => m.testAcc !== null);
  const lastEval = evals.at(-1) ?? null;
  let best: MetricsRecord | null = null;
  for (const m of evals) if (best === null || m.testAcc! > best.testAcc!) best = m;
  const topAngle = (m: MetricsRecord | null | undefined) => m?.layers.at(-1)?.weightAngle ?? null;
  const diverged = records.some((m) => m.diverged);
  const partial: Omit<RunResult, 'targets'> = {
    ...base,
    finishedAt: new Date().toISOString(),
    status: error !== null ? 'failed' : diverged ? 'diverged' : 'ok',
    error,
    epochs,
    steps,
    finalTestAcc: lastEval?.testAcc ?? null,
    finalTestLoss: lastEval?.testLoss ?? null,
    bestTestAcc: best?.testAcc ?? null,
    bestEpoch: best?.epoch ?? null,
    testAccByEpoch: evals.map((m) => m.testAcc),
    finalTrainLoss: last?.trainLoss ?? null,
    finalTrainAcc: last?.trainAcc ?? null,
    topWeightAngle: {
      initial: initialTopAngle(config, pixels, data.classes),
      firstRecord: records[0] ? { step: records[0].step, angle: topAngle(records[0]) } : null,
      byEpoch: evals.map(topAngle),
      final: topAngle(last),
    },
    layers: last?.layers ?? [],
    wallSec,
    samplesPerSec: wallSec > 0 ? (steps * config.batchSize) / wallSec : 0,
  };
  return { ...partial, targets: checkTargets(partial, comparable(opts, data, dataset)) };
}

interface Report {
  title: string;
  complete: boolean;
  generatedAt: string;
  device: string;
  node: string;
  platform: string;
  /** Every invocation whose runs the report holds, oldest first. */
  commands: string[];
  epochs: number;
  targetEpochs: number;
  trainSubset: number | null;
  testSubset: number | null;
  /** Examples actually used, per dataset. */
  examples: Partial<Record<DatasetName, { train: number; test: number; fullTrain: number; fullTest: number }>>;
  comparable: boolean;
  network: typeof SHARED;
  results: RunResult[];
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** Plain words on what makes this run differ from the targets' conditions; empty when it does not. */
function shortfalls(r: Report): string[] {
  const out: string[] = [];
  if (r.epochs < TARGET_EPOCHS) out.push(`it trained ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} per run (the targets are after ${TARGET_EPOCHS})`);
  for (const [name, ex] of Object.entries(r.examples)) {
    const title = DATASETS[name as DatasetName].title;
    if (ex.train < ex.fullTrain) out.push(`${title} used a training subset of ${ex.train.toLocaleString('en')} of ${ex.fullTrain.toLocaleString('en')} examples`);
    if (ex.test < ex.fullTest) out.push(`${title} used a test subset of ${ex.test.toLocaleString('en')} of ${ex.fullTest.toLocaleString('en')} examples`);
  }
  return out;
}

function markdown(r: Report): string {
  const lines: string[] = ['# Learning-rule benchmark', ''];
  const short = shortfalls(r);
  if (short.length) {
    lines.push(`**Not comparable with the targets: ${short.join('; ')}.** Accuracies and angles below are from this shorter run.`, '');
  } else {
    lines.push(`Full run: ${r.epochs} epochs on the full training and test sets; targets are checked at epoch ${TARGET_EPOCHS}.`, '');
  }
  if (!r.complete) lines.push(`**Incomplete: ${r.results.length} run(s) finished so far.**`, '');
  const s = r.network;
  lines.push(
    '| | |',
    '|---|---|',
    `| Date | ${r.generatedAt} |`,
    `| Device | ${md(r.device)} |`,
    `| Node | ${r.node} (${r.platform}) |`,
    `| Epochs | ${r.epochs} |`,
    `| Training subset | ${r.trainSubset === null ? 'none (full set)' : r.trainSubset.toLocaleString('en')} |`,
    `| Test subset | ${r.testSubset === null ? 'none (full set)' : r.testSubset.toLocaleString('en')} |`,
    `| Network | 784-${s.hidden.join('-')}-10, ${s.activation}, ${s.loss}, init ${s.init}, ${s.inputScaling} inputs, ${s.lrSchedule} learning rate over the run, batch ${s.batchSize}, seed ${s.seed}; the same initial W for every rule |`,
    `| Command${r.commands.length > 1 ? 's (merged with --merge)' : ''} | ${r.commands.map((c) => `\`${md(c)}\``).join('<br>')} |`,
    '',
    'Angles are angle(W, Bᵀ) in degrees (0 means B is exactly Wᵀ; backprop is 0 by definition; – where B has another shape). ' +
      'Wall time covers training and the per-epoch test evaluation, not setup. Targets: ' +
      `test accuracy after ${TARGET_EPOCHS} epochs on the full sets.`,
    '',
  );
  for (const dataset of Object.keys(r.examples) as DatasetName[]) {
    const runs = r.results.filter((x) => x.dataset === dataset);
    if (!runs.length) continue;
    lines.push(
      `## ${DATASETS[dataset].title}`,
      '',
      '| Run | Final test acc | Best test acc (epoch) | Target | Status | Top-layer angle: start → final | Final angles, layer 1 … top | Final train loss | Wall time | Samples/s |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const x of runs) {
      const acc = x.targets.find((t) => t.kind === 'accuracy');
      const status = x.status === 'failed' ? `failed: ${x.error}` : (acc?.text ?? (x.key === 'wm' ? 'reported, no target' : '–'));
      lines.push(
        `| ${x.key}${x.status === 'diverged' ? ' (diverged)' : ''} | ${pct(x.finalTestAcc)} | ${pct(x.bestTestAcc)}${x.bestEpoch === null ? '' : ` (${x.bestEpoch})`} | ` +
          `${acc ? `≥ ${pct(acc.target, 1)}` : '–'} | ${md(status)} | ${deg(x.topWeightAngle.initial)} → ${deg(x.topWeightAngle.final)} | ` +
          `${x.layers.map((l) => deg(l.weightAngle)).join(' / ') || '–'} | ${fixed(x.finalTrainLoss)} | ${duration(x.wallSec)} | ${compact(x.samplesPerSec)} |`,
      );
    }
    lines.push('');
  }
  const align = r.results.filter((x) => x.targets.some((t) => t.kind === 'alignment'));
  if (align.length) {
    lines.push(
      '## Alignment targets (top layer, MNIST)',
      '',
      '| Run | Angle at start | First record (step) | Final angle | Target | Status |',
      '|---|---|---|---|---|---|',
    );
    for (const x of align) {
      const t = x.targets.find((c) => c.kind === 'alignment')!;
      const first = x.topWeightAngle.firstRecord;
      lines.push(
        `| ${x.key} | ${deg(x.topWeightAngle.initial)} | ${first ? `${deg(first.angle)} (${first.step})` : '–'} | ` +
          `${deg(x.topWeightAngle.final)} | < ${t.target}° | ${md(t.text)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Settings of each run',
    '',
    '| Run | Dataset | Rule | Optimiser | lr | Warm-up | Weight decay | Pixels | Coefficients of B | B driven by | B lr | Tied decay | Where the settings come from |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  // One row per distinct setting: a preset with no per-dataset override gets one row for all datasets.
  const rows = new Map<string, RunResult[]>();
  for (const x of r.results) {
    const id = `${x.key}\u0000${canonicalJson(x.config)}\u0000${x.source}`;
    rows.set(id, [...(rows.get(id) ?? []), x]);
  }
  for (const group of rows.values()) {
    const x = group[0];
    const c = x.config;
    const rule = findRule(c.rule);
    const coef = { ...rule.regularizer, ...c.coefficients };
    const trained = Object.values(coef).some(Boolean);
    const input = !trained ? '–' : !usesActivity(coef) ? 'W only' : c.feedbackInput === 'noise' ? `white noise, std ${c.feedbackNoiseStd}` : 'layer activity';
    const o = c.optimizer;
    lines.push(
      `| ${x.key} | ${group.map((g) => DATASETS[g.dataset].title).join(', ')} | ${c.rule} | ${o.method === 'momentum' ? `momentum ${o.momentum}` : o.method} | ${sci(o.lr)} | ` +
        `${c.warmupEpochs ? `${c.warmupEpochs} epoch${c.warmupEpochs === 1 ? '' : 's'}` : '–'} | ${o.weightDecay ? sci(o.weightDecay) : '–'} | ${c.inputScaling === 'standardize' ? 'standardised' : 'in [0, 1]'} | ${formatCoefficients(coef)} | ${input} | ` +
        `${c.feedbackLr === null ? 'as W' : sci(c.feedbackLr)} | ${rule.tied ? sci(c.tiedDecay ?? rule.tiedDecay ?? 0) : '–'} | ${md(x.source)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** JSON with object keys sorted, so that equal settings compare equal whatever their key order. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
}

/** Position in the report: datasets in their table's order, then presets in theirs. */
function order(x: RunResult): number {
  return DATASET_NAMES.indexOf(x.dataset) * 1000 + PRESET_KEYS.indexOf(x.key);
}

/** Starts from the report already in --out, which must have been run under the same conditions. */
function mergeEarlier(opts: BenchOptions, report: Report): void {
  const path = join(opts.out, 'rules.json');
  if (!existsSync(path)) return;
  const earlier = JSON.parse(readFileSync(path, 'utf8')) as Partial<Report>;
  const same = earlier.epochs === report.epochs && earlier.trainSubset === report.trainSubset && earlier.testSubset === report.testSubset;
  if (!same || !Array.isArray(earlier.results) || !Array.isArray(earlier.commands)) {
    throw new UsageError(
      'merge',
      `${path} was written with other epochs or subsets (or by an older version of this benchmark), so its runs are not comparable. ` +
        'Pick another --out, or drop --merge to overwrite it.',
    );
  }
  report.results = earlier.results;
  report.commands = [...earlier.commands, ...report.commands];
  report.examples = { ...earlier.examples };
  report.device = earlier.device ?? report.device;
}

function write(opts: BenchOptions, report: Report): void {
  report.device = [...new Set(report.results.map((x) => x.device))].join('; ') || report.device;
  report.comparable = Object.keys(report.examples).length > 0 && shortfalls(report).length === 0;
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'rules.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.out, 'rules.md'), markdown(report));
}

async function bench(argv: readonly string[]): Promise<number> {
  const opts = benchOptions(argv);
  if (!opts) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const report: Report = {
    title: 'Learning-rule benchmark',
    complete: false,
    generatedAt: new Date().toISOString(),
    device: 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commands: [['node dist-cli/bench-rules.js', ...argv].join(' ')],
    epochs: opts.epochs,
    targetEpochs: TARGET_EPOCHS,
    trainSubset: opts.trainSubset ?? null,
    testSubset: opts.testSubset ?? null,
    examples: {},
    comparable: false,
    network: SHARED,
    results: [],
  };
  if (opts.merge) mergeEarlier(opts, report);
  const progress = new Progress(process.stderr, { linePerRecord: false });
  const total = opts.datasets.length * opts.presets.length;
  let failed = 0;
  let started = 0;
  for (const dataset of opts.datasets) {
    const data = await loadFromDisk({
      dataset,
      dataDir: opts.dataDir,
      trainSubset: opts.trainSubset,
      testSubset: opts.testSubset,
      onProgress: (p) => progress.loading(dataset, p),
    });
    progress.clear();
    const spec = DATASETS[dataset];
    report.examples[dataset] = { train: data.train.count, test: data.test.count, fullTrain: spec.trainCount, fullTest: spec.testCount };
    for (const preset of opts.presets) {
      progress.info(`[${++started}/${total}] ${spec.title} ${preset.key}: ${data.train.count} train / ${data.test.count} test, ${opts.epochs} epoch(s)`);
      const result = await runOne(preset, dataset, data, opts, progress, (name) => (report.device = name));
      if (result.status === 'failed') failed++;
      const verdict = result.targets.map((t) => `${t.kind} ${t.text}`).join(', ');
      progress.info(
        `  ${result.status === 'failed' ? `failed: ${result.error}` : `final test ${pct(result.finalTestAcc)}, best ${pct(result.bestTestAcc)}`}` +
          `, top∠ ${deg(result.topWeightAngle.initial)} → ${deg(result.topWeightAngle.final)}, ${duration(result.wallSec)}${verdict ? `; ${verdict}` : ''}`,
      );
      // A redone run replaces its earlier result in place, keeping the preset table's order.
      const at = report.results.findIndex((x) => x.dataset === dataset && x.key === preset.key);
      if (at >= 0) report.results[at] = result;
      else report.results.push(result);
      report.results.sort((a, b) => order(a) - order(b));
      // Written after every run so a long benchmark shows its progress and keeps what it has.
      write(opts, report);
    }
  }
  report.complete = true;
  write(opts, report);
  progress.info(`wrote ${join(opts.out, 'rules.md')} and rules.json`);
  return failed ? EXIT.failed : EXIT.ok;
}

bench(process.argv.slice(2))
  .catch(reportFailure)
  .then(async (code) => {
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
    // Dawn keeps Node alive.
    process.exit(code);
  });
