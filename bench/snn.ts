// `npm run bench:snn`: spiking-network accuracy per rule on MNIST and
// Fashion-MNIST, and the throughput of a 784-1000-10 LIF network, written to
// bench/results/snn.md and snn.json. Progress goes to stderr.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choiceListFlag, numberFlag, parseArgs, stringFlag, UsageError } from '../src/cli/args';
import { EXIT, reportFailure } from '../src/cli/failures';
import { compact, duration, pct } from '../src/cli/format';
import { createNodeContext, loadFromDisk } from '../src/cli/node-host';
import { defaultDataDir, packageRoot } from '../src/cli/package-root';
import { uploadDataset } from '../src/engine/data/gpu-dataset';
import { DATASETS, type Dataset, type DatasetName } from '../src/engine/data/loader';
import { resolveSpikingConfig, type SpikingConfigInput } from '../src/engine/spiking/config';
import { createSpikingTrainer } from '../src/engine/spiking/create-trainer';
import { type SpikingMetricsRecord, SpikingTrainer } from '../src/engine/spiking/trainer';
import { measureRecordingOverhead, type RecordingOverhead, recordingExamples } from './recording-overhead';
import { presetFor, SNN_PRESET_KEYS, SNN_PRESETS, SNN_TARGETS, type SnnPreset, THROUGHPUT_NET } from './snn-presets';

const FLAGS = {
  epochs: 'value',
  'train-subset': 'value',
  'test-subset': 'value',
  rules: 'value',
  datasets: 'value',
  out: 'value',
  'data-dir': 'value',
  'throughput-steps': 'value',
  'recording-rounds': 'value',
  merge: 'switch',
  help: 'switch',
} as const;

const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

const HELP = `Usage: npm run bench:snn -- [options]   (or: node dist-cli/bench-snn.js [options])

Trains each spiking preset (bench/snn-presets.ts) and measures the throughput of
a 784-1000-10 LIF network (batch 64, T = 100); writes snn.md and snn.json.
  --epochs N             epochs per accuracy run (default 1; 0 skips them, to
                         measure throughput and recording alone)
  --train-subset N       first N training examples (default: all)
  --test-subset N        first N test examples (default: all)
  --rules a,b            ${SNN_PRESET_KEYS.join(', ')} (default: all)
  --datasets a,b         ${DATASET_NAMES.join(', ')} (default: both)
  --throughput-steps N   training steps timed for throughput (default 20; 0 skips it)
  --recording-rounds N   rounds of 10 steps with recording off and on, for its
                         overhead (default 6; 0 skips it)
  --out DIR              where to write (default: bench/results in the package)
  --data-dir DIR         folder with the .gz IDX files
  --merge                keep the report already in --out: a run replaces the row of
                         the same preset and dataset, others stay (as do the
                         throughput and recording figures, when this invocation
                         skips them)
`;

interface RunResult {
  key: string;
  rule: string;
  dataset: DatasetName;
  status: 'ok' | 'diverged' | 'failed';
  error: string | null;
  epochs: number;
  trainExamples: number;
  testExamples: number;
  finalTestAcc: number | null;
  testAccByEpoch: Array<number | null>;
  firingRates: number[];
  target: number | null;
  verdict: string;
  wallSec: number;
  samplesPerSec: number;
  /** The preset's settings as run, and why them. */
  config: SpikingConfigInput;
  source: string;
  /** The invocation that ran it (rows merged from several keep theirs). */
  command?: string;
}

interface Report {
  generatedAt: string;
  device: string;
  node: string;
  /** The invocations whose runs and measurements the report holds. */
  commands: string[];
  complete: boolean;
  results: RunResult[];
  throughput: Throughput | null;
  recording?: RecordingOverhead | null;
  /** The invocations that measured the throughput and the recording overhead. */
  throughputCommand?: string;
  recordingCommand?: string;
}

interface Throughput {
  network: string;
  batch: number;
  steps: number;
  trainStepsPerSec: number;
  forwardSamplesPerSec: number;
  neuronStepsPerSecTrain: number;
  neuronStepsPerSecForward: number;
  synapticEventsPerSecTrain: number;
  synapticEventsPerSecForward: number;
  firingRates: number[];
  inputRate: number;
}

async function runAccuracy(p: SnnPreset, dataset: DatasetName, data: Dataset, epochs: number, comparable: boolean, onDevice: (d: string) => void): Promise<RunResult> {
  const ctx = await createNodeContext();
  onDevice(ctx.adapterName);
  const records: SpikingMetricsRecord[] = [];
  let error: string | null = null;
  let wallSec = 0;
  let steps = 0;
  // A cosine schedule spans the run.
  const preset = presetFor(p, dataset);
  const input: SpikingConfigInput = { ...preset.config, ...(preset.config.lrSchedule === 'cosine' ? { scheduleEpochs: epochs } : {}) };
  const config = resolveSpikingConfig(input);
  try {
    const trainer = await createSpikingTrainer(ctx, uploadDataset(ctx, data), config, { metricsEvery: 100 });
    trainer.onMetrics((m) => {
      records.push(m);
      if (m.testAcc !== null) process.stderr.write(`  epoch ${m.epoch}/${epochs}: test ${pct(m.testAcc)}, rates ${m.layers.map((l) => pct(l.firingRate)).join('/')}, ${duration(m.elapsedSec)}\n`);
      if (m.diverged) trainer.stop();
    });
    const t0 = performance.now();
    await trainer.trainEpochs(epochs);
    await trainer.flush();
    wallSec = (performance.now() - t0) / 1000;
    steps = trainer.step;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    ctx.destroy();
  }
  const evals = records.filter((m) => m.testAcc !== null);
  const final = evals.at(-1)?.testAcc ?? null;
  const target = SNN_TARGETS[dataset]?.[p.key] ?? null;
  let verdict = 'no target';
  if (target !== null) {
    if (!comparable) verdict = 'not comparable (subset or short run)';
    else if (final === null) verdict = 'missed (no result)';
    else verdict = final >= target ? 'met' : `missed by ${((target - final) * 100).toFixed(2)} pp`;
  }
  return {
    key: p.key, rule: p.rule, dataset,
    status: error ? 'failed' : records.some((m) => m.diverged) ? 'diverged' : 'ok', error,
    epochs: evals.length, trainExamples: data.train.count, testExamples: data.test.count,
    finalTestAcc: final, testAccByEpoch: evals.map((m) => m.testAcc),
    firingRates: records.at(-1)?.layers.map((l) => l.firingRate) ?? [],
    target, verdict, wallSec, samplesPerSec: wallSec > 0 ? (steps * config.batchSize) / wallSec : 0, config: input, source: preset.source,
  };
}

/** Timed training steps and a timed forward pass over the test set, on the throughput network. */
async function runThroughput(data: Dataset, trainSteps: number, onDevice: (d: string) => void): Promise<Throughput> {
  const ctx = await createNodeContext();
  onDevice(ctx.adapterName);
  try {
    const config = resolveSpikingConfig(THROUGHPUT_NET);
    const gpu = uploadDataset(ctx, data);
    const trainer = await SpikingTrainer.create(ctx, gpu, config, { metricsEvery: trainSteps, evalRows: 250 });
    let last: SpikingMetricsRecord | null = null;
    trainer.onMetrics((m) => (last = m));
    await trainer.train(2); // compile and warm up
    await trainer.flush();
    let t0 = performance.now();
    await trainer.train(trainSteps);
    await trainer.flush();
    const trainSec = (performance.now() - t0) / 1000;
    t0 = performance.now();
    trainer.evaluate();
    await trainer.flush();
    const forwardSec = (performance.now() - t0) / 1000;
    const rates = (last as SpikingMetricsRecord | null)?.layers.map((l) => l.firingRate) ?? [];
    trainer.destroy();
    // Poisson input spikes at the mean pixel intensity.
    const inputRate = gpu.pixelMean * config.encoderGain;
    const sizes = [data.rows * data.cols, ...config.hidden, data.classes];
    const neuronsPerSample = sizes.slice(1).reduce((a, b) => a + b, 0) * config.steps;
    // A synaptic event is one presynaptic spike reaching one postsynaptic neuron.
    let eventsPerSample = 0;
    for (let l = 1; l < sizes.length; l++) eventsPerSample += (l === 1 ? inputRate : rates[l - 2] ?? 0) * sizes[l - 1] * sizes[l] * config.steps;
    const trainSamplesPerSec = (trainSteps * config.batchSize) / trainSec;
    const forwardSamplesPerSec = data.test.count / forwardSec;
    return {
      network: `${sizes.join('-')} LIF`, batch: config.batchSize, steps: config.steps,
      trainStepsPerSec: trainSteps / trainSec, forwardSamplesPerSec,
      neuronStepsPerSecTrain: trainSamplesPerSec * neuronsPerSample, neuronStepsPerSecForward: forwardSamplesPerSec * neuronsPerSample,
      synapticEventsPerSecTrain: trainSamplesPerSec * eventsPerSample, synapticEventsPerSecForward: forwardSamplesPerSec * eventsPerSample,
      firingRates: rates, inputRate,
    };
  } finally {
    ctx.destroy();
  }
}

function markdown(r: Report): string {
  const unbuilt = Object.keys(SNN_TARGETS.mnist).filter((k) => !SNN_PRESET_KEYS.includes(k));
  const lines = [
    '# Spiking-network benchmark',
    '',
    r.complete ? '' : `**Incomplete: ${r.results.length} run(s) so far.**`,
    '| | |', '|---|---|',
    `| Date | ${r.generatedAt} |`, `| Device | ${r.device} |`, `| Command${r.commands.length > 1 ? 's (merged with --merge)' : ''} | ${r.commands.map((c) => `\`${c}\``).join('<br>')} |`,
    '',
    'Targets hold for full training and test sets; runs on subsets or short runs are reported as not comparable.',
    '',
    '## Accuracy',
    '',
    '| Run | Dataset | Train / test examples | Epochs | Final test acc | Target | Status | Firing rates (hidden / output) | Wall time | Samples/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.results.map((x) => `| ${x.key} | ${DATASETS[x.dataset].title} | ${x.trainExamples} / ${x.testExamples} | ${x.epochs} | ${pct(x.finalTestAcc)} | ${x.target === null ? '–' : `≥ ${pct(x.target, 1)}`} | ${x.status === 'ok' ? x.verdict : x.status} | ${x.firingRates.map((f) => pct(f)).join(' / ')} | ${duration(x.wallSec)} | ${compact(x.samplesPerSec)} |`),
    '',
    ...(unbuilt.length ? [`Rules of the issue not built yet (no run): ${unbuilt.join(', ')}.`, ''] : []),
    '## Settings',
    '',
    ...settingsLines(r.results),
    '',
  ];
  if (r.throughput) {
    const t = r.throughput;
    lines.push(
      '## Throughput',
      '',
      `${t.network}, batch ${t.batch}, T = ${t.steps}, Poisson input (mean rate ${pct(t.inputRate)} per pixel per step), firing rates ${t.firingRates.map((f) => pct(f)).join(' / ')}. ` +
        'Neuron-steps count every hidden and output neuron at every step; synaptic events count each presynaptic spike once per postsynaptic neuron (dense propagation computes all synapses regardless).',
      '',
      '| | Training | Forward only |', '|---|---|---|',
      `| Samples/s | ${compact(t.trainStepsPerSec * t.batch)} | ${compact(t.forwardSamplesPerSec)} |`,
      `| Neuron-steps/s | ${compact(t.neuronStepsPerSecTrain)} | ${compact(t.neuronStepsPerSecForward)} |`,
      `| Synaptic events/s | ${compact(t.synapticEventsPerSecTrain)} | ${compact(t.synapticEventsPerSecForward)} |`,
      '',
    );
  }
  if (r.recording) {
    const x = r.recording;
    const p = (v: number) => `${(100 * v).toFixed(2)}%`;
    lines.push(
      '## Recording for display',
      '',
      `${x.network}, trained with recording off and on (${x.record.samples.length} samples' rasters, ${x.record.neurons.length} traced neurons, every ${x.record.every} steps, ${x.record.slots} slots), ` +
        `${x.rounds} rounds of ${x.stepsPerBlock} steps alternating between the two; the issue asks for under 5% more per step.`,
      '',
      '| Recording off | Recording on | Overhead, total | Overhead, median of rounds | Overhead, best blocks | Recording dispatches alone |',
      '|---|---|---|---|---|---|',
      `| ${x.offMsPerStep.toFixed(1)} ms/step | ${x.onMsPerStep.toFixed(1)} ms/step (${x.recordingsDelivered} recordings delivered) | ${p(x.overheadTotal)} | ${p(x.overheadMedian)} | ${p(x.overheadBest)} | ${x.recordingMs.toFixed(3)} ms each: ${(100 * x.recordingSharePerStep).toFixed(3)}% of a step at every ${x.record.every} |`,
      '',
    );
  }
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}

/** Each row's settings, once per distinct preset and config; merged rows keep the settings they ran with. */
function settingsLines(results: RunResult[]): string[] {
  const lines = new Map<string, { x: RunResult; datasets: string[] }>();
  for (const x of results) {
    const key = `${x.key}|${JSON.stringify(x.config)}|${x.source}`;
    const entry = lines.get(key) ?? { x, datasets: [] };
    entry.datasets.push(DATASETS[x.dataset].title);
    lines.set(key, entry);
  }
  return [...lines.values()].map(({ x, datasets }) => `- **${x.key}** (${datasets.join(', ')}): ${JSON.stringify(x.config)}. ${x.source}`);
}

/** Position in the report: datasets in order, then presets in theirs. */
function order(x: RunResult): number {
  return DATASET_NAMES.indexOf(x.dataset) * 1000 + SNN_PRESET_KEYS.indexOf(x.key);
}

/** Starts from the report already in `out`; this invocation's runs replace rows of the same preset and dataset. */
function mergeEarlier(out: string, report: Report): void {
  const path = join(out, 'snn.json');
  if (!existsSync(path)) return;
  const earlier = JSON.parse(readFileSync(path, 'utf8')) as Partial<Report>;
  if (!Array.isArray(earlier.results) || !Array.isArray(earlier.commands) || earlier.results.some((x) => !x.config)) {
    throw new UsageError('merge', `${path} was written by an older version of this benchmark, without each run's settings. Pick another --out, or drop --merge to overwrite it.`);
  }
  report.results = earlier.results;
  report.commands = [...earlier.commands, ...report.commands];
  report.throughput = earlier.throughput ?? null;
  report.recording = earlier.recording ?? null;
  if (earlier.throughputCommand) report.throughputCommand = earlier.throughputCommand;
  if (earlier.recordingCommand) report.recordingCommand = earlier.recordingCommand;
  report.device = earlier.device ?? report.device;
}

/**
 * The invocations behind what the report now holds, in the order they ran: a
 * row replaced by a later run drops its command. Reports from before rows
 * kept their command list every invocation merged.
 */
function currentCommands(report: Report): string[] {
  const sources = [...report.results.map((x) => x.command), report.throughput ? report.throughputCommand : '', report.recording ? report.recordingCommand : ''];
  if (sources.some((c) => c === undefined)) return report.commands;
  return report.commands.filter((c, i) => sources.includes(c) && report.commands.indexOf(c) === i);
}

function addResult(report: Report, result: RunResult): void {
  report.results = [...report.results.filter((x) => x.key !== result.key || x.dataset !== result.dataset), result].sort((a, b) => order(a) - order(b));
}

async function bench(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, FLAGS, 'bench:snn');
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const epochs = numberFlag(args, 'epochs', { integer: true, min: 0 }) ?? 1;
  const trainSubset = numberFlag(args, 'train-subset', { integer: true, min: 1 });
  const testSubset = numberFlag(args, 'test-subset', { integer: true, min: 1 });
  const keys = choiceListFlag(args, 'rules', SNN_PRESET_KEYS) ?? SNN_PRESET_KEYS;
  const datasets = choiceListFlag(args, 'datasets', DATASET_NAMES) ?? DATASET_NAMES;
  const throughputSteps = numberFlag(args, 'throughput-steps', { integer: true, min: 0 }) ?? 20;
  const recordingRounds = numberFlag(args, 'recording-rounds', { integer: true, min: 0 }) ?? 6;
  const outFlag = stringFlag(args, 'out');
  const out = outFlag !== undefined ? resolve(outFlag) : join(packageRoot(), 'bench', 'results');
  const dirFlag = stringFlag(args, 'data-dir');
  const dataDir = dirFlag !== undefined ? resolve(dirFlag) : defaultDataDir();
  const command = ['node dist-cli/bench-snn.js', ...argv].join(' ');
  const report: Report = {
    generatedAt: new Date().toISOString(), device: 'unknown', node: process.version,
    commands: [command], complete: false,
    results: [], throughput: null, recording: null,
  };
  if (args.switches.has('merge')) mergeEarlier(out, report);
  const write = () => {
    mkdirSync(out, { recursive: true });
    report.commands = currentCommands(report);
    writeFileSync(join(out, 'snn.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(out, 'snn.md'), markdown(report));
  };
  for (const dataset of epochs > 0 ? datasets : []) {
    const data = await loadFromDisk({ dataset, dataDir, trainSubset, testSubset });
    const spec = DATASETS[dataset];
    const comparable = data.train.count >= spec.trainCount && data.test.count >= spec.testCount;
    for (const p of SNN_PRESETS.filter((x) => keys.includes(x.key) && SNN_TARGETS[dataset]?.[x.key] !== undefined)) {
      process.stderr.write(`${spec.title} ${p.key}: ${data.train.count} train / ${data.test.count} test, ${epochs} epoch(s)\n`);
      const result = await runAccuracy(p, dataset, data, epochs, comparable, (d) => (report.device = d));
      process.stderr.write(`  ${result.status === 'failed' ? `failed: ${result.error}` : `final test ${pct(result.finalTestAcc)}; ${result.verdict}`}\n`);
      addResult(report, { ...result, command });
      write();
    }
  }
  if (throughputSteps > 0) {
    process.stderr.write(`throughput: ${throughputSteps} training steps of 784-1000-10, batch 64, T = 100\n`);
    const data = await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: 2048, testSubset: 500 });
    report.throughput = await runThroughput(data, throughputSteps, (d) => (report.device = d));
    report.throughputCommand = command;
  }
  if (recordingRounds > 0) {
    process.stderr.write(`recording overhead: ${recordingRounds} rounds of 10 steps, recording off and on\n`);
    const data = await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: recordingExamples(recordingRounds, 10), testSubset: 100 });
    const ctx = await createNodeContext();
    try {
      report.device = ctx.adapterName;
      report.recording = await measureRecordingOverhead(ctx, data, recordingRounds, 10);
      report.recordingCommand = command;
    } finally {
      ctx.destroy();
    }
  }
  report.complete = true;
  write();
  process.stderr.write(`wrote ${join(out, 'snn.md')}\n`);
  return report.results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.ok;
}

bench(process.argv.slice(2))
  .catch(reportFailure)
  .then(async (code) => {
    await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
    // Dawn keeps Node alive.
    process.exit(code);
  });
