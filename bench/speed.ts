// `npm run bench:speed`: how fast the engine trains in Node (Dawn), written to
// bench/results/speed.md and speed.json with the adapter's description:
//   - training samples per second per rule, for the 784-256-256-10 MLP at
//     batch 128 and 1024, with the dispatches each step records and the GPU
//     memory each configuration holds;
//   - the spiking time loop: neuron-steps per second forward through a
//     784-1000-10 LIF network, batch 64, T = 100;
//   - time to the first training step: device, dataset load, shader
//     compilation, one step.
// Timed sections wait for the GPU once at their end (flush); nothing is read
// back inside them. Progress goes to stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choiceListFlag, numberFlag, parseArgs, stringFlag } from '../src/cli/args';
import { EXIT, reportFailure } from '../src/cli/failures';
import { compact } from '../src/cli/format';
import { createNodeContext, loadFromDisk } from '../src/cli/node-host';
import { defaultDataDir, packageRoot } from '../src/cli/package-root';
import type { GpuContext } from '../src/engine/device/gpu-context';
import { type GpuDataset, uploadDataset } from '../src/engine/data/gpu-dataset';
import type { Dataset } from '../src/engine/data/loader';
import { RULES } from '../src/engine/rules/registry';
import { resolveSpikingConfig } from '../src/engine/spiking/config';
import { SpikingTrainer } from '../src/engine/spiking/trainer';
import { resolveConfig } from '../src/engine/training/config';
import { Trainer } from '../src/engine/training/trainer';

const RULE_IDS = RULES.map((r) => r.id);
const HIDDEN = [256, 256];
const BATCHES = [128, 1024];
/** The bound on a training step's dispatches: 3 per layer plus 3. */
const dispatchBound = (layers: number) => 3 * layers + 3;

const FLAGS = { rules: 'value', steps: 'value', out: 'value', 'data-dir': 'value', 'spiking-examples': 'value', help: 'switch' } as const;

const HELP = `Usage: npm run bench:speed -- [options]   (or: node dist-cli/bench-speed.js [options])

Measures training speed per rule (784-256-256-10, batch ${BATCHES.join(' and ')}), the
spiking forward loop (784-1000-10 LIF, batch 64, T = 100) and the time to the
first step; writes speed.md and speed.json.
  --rules a,b             ${RULE_IDS.join(', ')} (default: all)
  --steps N               timed steps at batch 128 (default 100; batch 1024 times N/4)
  --spiking-examples N    test examples through the spiking network (default 1024)
  --out DIR               where to write the report (default: bench/results in the package)
  --data-dir DIR          folder with the .gz IDX files (default: the package's public/datasets)
  -h, --help              this text
`;

interface TrainingRate {
  rule: string;
  batch: number;
  steps: number;
  samplesPerSec: number;
  msPerStep: number;
  /** Dispatches every step records, and the bound for this depth. */
  dispatchesPerStep: number;
  dispatchBound: number;
  /** Extra dispatches on metric steps only (alignment probes). */
  probeDispatches: number;
  /** GPU memory of the trainer (parameters, optimiser state, activations, batch) and of the dataset. */
  trainerBytes: number;
  datasetBytes: number;
}

interface SpikingForward {
  network: string;
  batch: number;
  steps: number;
  examples: number;
  samplesPerSec: number;
  neuronStepsPerSec: number;
  dispatchesPerBatch: number;
}

interface FirstStep {
  deviceSec: number;
  datasetSec: number;
  compileSec: number;
  firstStepSec: number;
  totalSec: number;
}

interface SpeedReport {
  generatedAt: string;
  device: string;
  node: string;
  command: string;
  training: TrainingRate[];
  spiking: SpikingForward | null;
  firstStep: FirstStep | null;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Trains `steps` steps after a warm-up and returns the rate, with no metric record inside the timed part. */
async function trainingRate(ctx: GpuContext, gpuData: GpuDataset, datasetBytes: number, rule: string, batch: number, steps: number): Promise<TrainingRate> {
  const before = ctx.buffers.stats.bytes;
  const config = resolveConfig({ rule, hidden: HIDDEN, batchSize: batch, seed: 1 });
  // Metrics only past the timed steps: the timed loop records no readback.
  const trainer = await Trainer.create(ctx, gpuData, config, { metricsEvery: 100_000 });
  try {
    const trainerBytes = ctx.buffers.stats.bytes - before;
    const warm = 3;
    if (warm + steps > trainer.stepsPerEpoch) throw new Error(`${steps} steps do not fit in one epoch of ${trainer.stepsPerEpoch} at batch ${batch}`);
    await trainer.train(warm);
    await trainer.flush();
    await ctx.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    await trainer.train(steps);
    await ctx.device.queue.onSubmittedWorkDone();
    const sec = seconds(t0);
    const d = trainer.dispatchCounts;
    return {
      rule, batch, steps, samplesPerSec: (steps * batch) / sec, msPerStep: (sec * 1000) / steps,
      dispatchesPerStep: d.train + d.update, dispatchBound: dispatchBound(HIDDEN.length + 1), probeDispatches: d.probe,
      trainerBytes, datasetBytes,
    };
  } finally {
    trainer.destroy();
  }
}

/** The test set through the spiking network in batches of 64 (one evaluation pass), timed. */
async function spikingForward(ctx: GpuContext, data: Dataset): Promise<SpikingForward> {
  const gpuData = uploadDataset(ctx, data);
  const batch = 64;
  const config = resolveSpikingConfig({ hidden: [1000], steps: 100, batchSize: batch, seed: 1 });
  const trainer = await SpikingTrainer.create(ctx, gpuData, config, { metricsEvery: 100_000, evalRows: batch });
  try {
    trainer.evaluate(); // compile and warm up
    await trainer.flush();
    const t0 = performance.now();
    trainer.evaluate();
    await trainer.flush();
    const sec = seconds(t0);
    const examples = data.test.count;
    const neurons = (1000 + data.classes) * config.steps;
    const chunks = Math.ceil(examples / batch);
    return {
      network: `784-1000-${data.classes} LIF`, batch, steps: config.steps, examples,
      samplesPerSec: examples / sec, neuronStepsPerSec: (examples * neurons) / sec,
      dispatchesPerBatch: trainer.dispatchCounts.evaluation / chunks,
    };
  } finally {
    trainer.destroy();
  }
}

/** A fresh device, MNIST from disk, the default network's pipelines, and its first step. */
async function firstStep(dataDir: string): Promise<FirstStep> {
  const t0 = performance.now();
  const ctx = await createNodeContext();
  const deviceSec = seconds(t0);
  try {
    let t = performance.now();
    const data = uploadDataset(ctx, await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: undefined, testSubset: undefined }));
    const datasetSec = seconds(t);
    t = performance.now();
    const trainer = await Trainer.create(ctx, data, resolveConfig({}), {});
    const compileSec = seconds(t);
    t = performance.now();
    await trainer.train(1);
    await ctx.device.queue.onSubmittedWorkDone();
    const firstStepSec = seconds(t);
    trainer.destroy();
    return { deviceSec, datasetSec, compileSec, firstStepSec, totalSec: seconds(t0) };
  } finally {
    ctx.destroy();
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function markdown(r: SpeedReport): string {
  const lines = [
    '# Speed (`npm run bench:speed`)',
    '',
    '| | |',
    '|---|---|',
    `| Date | ${r.generatedAt} |`,
    `| Device | ${r.device} |`,
    `| Host | Node ${r.node}, WebGPU through Dawn (\`webgpu\` package) |`,
    `| Command | \`${r.command}\` |`,
    '',
    'Wall-clock rates on a shared machine: compare rows of one run, not runs.',
    '',
    '## Training, 784-256-256-10 MLP (ReLU, cross-entropy, momentum SGD)',
    '',
    '| Rule | Batch | Samples/s | ms/step | Dispatches/step (bound) | + on metric steps | Trainer memory | Dataset memory |',
    '|---|---|---|---|---|---|---|---|',
    ...r.training.map(
      (t) =>
        `| ${t.rule} | ${t.batch} | ${compact(t.samplesPerSec)} | ${t.msPerStep.toFixed(2)} | ${t.dispatchesPerStep} (${t.dispatchesPerStep <= t.dispatchBound ? '≤' : '>'} ${t.dispatchBound}) | ${t.probeDispatches} | ${mb(t.trainerBytes)} | ${mb(t.datasetBytes)} |`,
    ),
    '',
    'A step is one command-buffer entry of its dispatches; several steps share a submit and no step reads anything back. ' +
      'The bound is the issue\'s "at most 3 per layer plus 3".',
    '',
  ];
  if (r.spiking) {
    const s = r.spiking;
    lines.push(
      '## Spiking forward, time loop',
      '',
      '| Network | Batch | T | Examples | Samples/s | Neuron-steps/s | Dispatches per batch |',
      '|---|---|---|---|---|---|---|',
      `| ${s.network} | ${s.batch} | ${s.steps} | ${s.examples} | ${compact(s.samplesPerSec)} | ${compact(s.neuronStepsPerSec)} | ${s.dispatchesPerBatch.toFixed(1)} |`,
      '',
    );
  }
  if (r.firstStep) {
    const f = r.firstStep;
    lines.push(
      '## Time to the first training step (Node, default network, MNIST from disk)',
      '',
      '| Device | Dataset load + upload | Pipelines | First step | Total |',
      '|---|---|---|---|---|',
      `| ${f.deviceSec.toFixed(2)} s | ${f.datasetSec.toFixed(2)} s | ${f.compileSec.toFixed(2)} s | ${f.firstStepSec.toFixed(2)} s | ${f.totalSec.toFixed(2)} s |`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, FLAGS, 'bench:speed');
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const rules = choiceListFlag(args, 'rules', RULE_IDS) ?? RULE_IDS;
  const steps = numberFlag(args, 'steps', { integer: true, min: 4 }) ?? 100;
  const spikingExamples = numberFlag(args, 'spiking-examples', { integer: true, min: 1 }) ?? 1024;
  const outFlag = stringFlag(args, 'out');
  const out = outFlag !== undefined ? resolve(outFlag) : join(packageRoot(), 'bench', 'results');
  const dataFlag = stringFlag(args, 'data-dir');
  const dataDir = dataFlag !== undefined ? resolve(dataFlag) : defaultDataDir();

  const report: SpeedReport = {
    generatedAt: new Date().toISOString(), device: 'unknown', node: process.version,
    command: `node dist-cli/bench-speed.js ${argv.join(' ')}`.trim(), training: [], spiking: null, firstStep: null,
  };
  process.stderr.write('time to the first step\n');
  report.firstStep = await firstStep(dataDir);

  const mnist = await loadFromDisk({ dataset: 'mnist', dataDir, trainSubset: undefined, testSubset: undefined });
  const ctx = await createNodeContext();
  report.device = ctx.adapterName;
  try {
    // Uploaded once, shared by every trainer.
    const gpuData = uploadDataset(ctx, mnist);
    const datasetBytes = ctx.buffers.stats.bytes;
    for (const batch of BATCHES) {
      for (const rule of rules) {
        const n = batch === 128 ? steps : Math.max(4, Math.floor(steps / 4));
        const r = await trainingRate(ctx, gpuData, datasetBytes, rule, batch, n);
        process.stderr.write(`${rule} batch ${batch}: ${compact(r.samplesPerSec)} samples/s, ${r.dispatchesPerStep} dispatches/step\n`);
        report.training.push(r);
      }
    }
  } finally {
    ctx.destroy();
  }
  process.stderr.write(`spiking forward: ${spikingExamples} examples through 784-1000-10, T = 100\n`);
  const subset = { ...mnist, test: { count: spikingExamples, images: mnist.test.images.subarray(0, spikingExamples * 784), labels: mnist.test.labels.subarray(0, spikingExamples) } };
  // A device of its own: the spiking test subset is another upload.
  const spikingCtx = await createNodeContext();
  try {
    report.spiking = await spikingForward(spikingCtx, subset);
  } finally {
    spikingCtx.destroy();
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'speed.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'speed.md'), markdown(report));
  process.stderr.write(`wrote ${join(out, 'speed.md')}\n`);
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => process.exit(reportFailure(e)),
);
