// `plasticity train`: load a dataset, train one rule, stream metrics.
import { uploadDataset } from '../engine/data/gpu-dataset';
import { DATASETS } from '../engine/data/loader';
import type { MetricsRecord } from '../engine/training/trainer';
import { Trainer } from '../engine/training/trainer';
import { parseArgs, UsageError } from './args';
import { EXIT } from './failures';
import { deg, duration, fixed, pct, sci } from './format';
import { trainHelp } from './help';
import { createNodeContext, loadFromDisk } from './node-host';
import { Progress, type ProgressRecord } from './progress';
import { TRAIN_FLAGS, type TrainOptions, trainOptions } from './train-options';
import type { GpuDataset } from '../engine/data/gpu-dataset';
import type { GpuContext } from '../engine/device/gpu-context';
import type { SpikingConfig } from '../engine/spiking/config';
import { createSpikingTrainer } from '../engine/spiking/create-trainer';
import type { SpikingMetricsRecord } from '../engine/spiking/trainer';
import type { StepLoop } from '../engine/training/step-loop';

/** The documented shape of a `--json` line (and nothing more). */
export function jsonRecord(m: MetricsRecord, device: string) {
  return {
    epoch: m.epoch,
    step: m.step,
    trainLoss: m.trainLoss,
    trainAcc: m.trainAcc,
    testAcc: m.testAcc,
    testLoss: m.testLoss,
    layers: m.layers.map((l) => ({
      layer: l.layer,
      weightAngle: l.weightAngle,
      gradientAngle: l.gradientAngle,
      bpAngle: l.bpAngle,
      weightNorm: l.weightNorm,
      feedbackNorm: l.feedbackNorm,
    })),
    samplesPerSec: m.samplesPerSec,
    elapsedSec: m.elapsedSec,
    device,
  };
}

export async function trainCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, TRAIN_FLAGS, 'train');
  if (args.switches.has('help')) {
    process.stdout.write(trainHelp());
    return EXIT.ok;
  }
  if (args.positionals.length) {
    throw new UsageError(null, `unexpected argument "${args.positionals[0]}"; options start with --. Run 'plasticity train --help'.`);
  }
  const opts = trainOptions(args);
  const progress = new Progress(process.stderr, { linePerRecord: !opts.json });

  // Data first: a wrong --data-dir is likelier than a missing GPU, and cheaper to report.
  const data = await loadFromDisk({ ...opts, onProgress: (p) => progress.loading(opts.dataset, p) });
  progress.clear();
  const ctx = await createNodeContext();
  if (opts.spiking) return runSpiking(ctx, uploadDataset(ctx, data), opts, opts.spiking, progress);
  const trainer = await Trainer.create(ctx, uploadDataset(ctx, data), opts.config, {
    metricsEvery: opts.metricsEvery,
    bpAngles: opts.bpAngles,
  });
  const c = opts.config;
  const sizes = [data.rows * data.cols, ...c.hidden, data.classes].join('-');
  const subsets = opts.trainSubset !== undefined || opts.testSubset !== undefined ? ' (subsets)' : '';
  progress.info(
    `plasticity: ${trainer.rule.name} (${c.rule}) ${sizes} ${c.activation} on ${DATASETS[opts.dataset].title}: ` +
      `${data.train.count} train / ${data.test.count} test${subsets}, ${opts.epochs} epoch(s) x ${trainer.stepsPerEpoch} steps, ` +
      `${c.optimizer.method} lr ${sci(c.optimizer.lr)}, batch ${c.batchSize}, seed ${c.seed}; device: ${ctx.adapterName}`,
  );

  return runToEnd(trainer, opts, progress, c.batchSize, {
    json: (m) => jsonRecord(m, ctx.adapterName),
    divergedHint: `Try a lower learning rate, e.g. --lr ${sci(c.optimizer.lr / 10)}${c.feedbackLr !== null ? ' (and a lower --feedback-lr)' : ''}.`,
    summary: (last) => `top-layer angle(W, B^T) ${deg(last?.layers.at(-1)?.weightAngle)}`,
  });
}

/** What a run's output looks like, per kind of network. */
interface RunReport<R> {
  json: (m: R) => unknown;
  divergedHint: string;
  /** The network-specific part of the final line. */
  summary: (last: R | null) => string;
  /** Warnings to print as records arrive, each key once. */
  notices?: (m: R) => Array<{ key: string; message: string }>;
}

type RunRecord = ProgressRecord & { testLoss: number | null; diverged: boolean };

/**
 * Trains the run's epochs with a progress bar (or --json records), stops on
 * divergence or Ctrl-C (a second one quits at once), then prints the summary.
 */
async function runToEnd<R extends RunRecord>(
  trainer: StepLoop<R>,
  opts: TrainOptions,
  progress: Progress,
  batchSize: number,
  report: RunReport<R>,
): Promise<number> {
  let last: R | null = null;
  let lastTest: R | null = null;
  let diverged: R | null = null;
  const noticed = new Set<string>();
  trainer.onMetrics((m) => {
    // Records already in flight when training stopped add nothing after a divergence.
    if (diverged) return;
    if (opts.json) process.stdout.write(`${JSON.stringify(report.json(m))}\n`);
    for (const n of report.notices?.(m) ?? []) {
      if (noticed.has(n.key)) continue;
      noticed.add(n.key);
      progress.info(`warning at step ${m.step}: ${n.message}`);
    }
    progress.record(m);
    last = m;
    if (m.testAcc !== null) lastTest = m;
    if (m.diverged) {
      diverged = m;
      trainer.stop();
    }
  });

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  progress.start({ epochs: opts.epochs, stepsPerEpoch: trainer.stepsPerEpoch, batchSize });
  try {
    await trainer.trainEpochs(opts.epochs);
    if (interrupted && !diverged) trainer.evaluate();
    await trainer.flush();
  } finally {
    process.off('SIGINT', onSigint);
    progress.end();
  }

  const d = diverged as R | null;
  if (d) {
    process.stderr.write(`plasticity: training diverged at step ${d.step} (epoch ${d.epoch + 1}): the training loss became ${d.trainLoss}. ${report.divergedHint}\n`);
    return EXIT.diverged;
  }
  const l = last as R | null;
  const t = lastTest as R | null;
  const summary =
    `${interrupted ? 'interrupted' : 'done'}: test accuracy ${pct(t?.testAcc)} (loss ${fixed(t?.testLoss)}), ` +
    `train loss ${fixed(l?.trainLoss)}, ${report.summary(l)}, ${trainer.epoch} epoch(s) in ${duration(l?.elapsedSec ?? 0)}\n`;
  // stdout belongs to the JSON records under --json.
  (opts.json ? process.stderr : process.stdout).write(summary);
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

/** The documented shape of a spiking run's `--json` line. */
export function spikingJsonRecord(m: SpikingMetricsRecord, device: string) {
  return {
    epoch: m.epoch,
    step: m.step,
    trainLoss: m.trainLoss,
    trainAcc: m.trainAcc,
    testAcc: m.testAcc,
    testLoss: m.testLoss,
    layers: m.layers.map((l) => ({ layer: l.layer, firingRate: l.firingRate, weightAngle: l.weightAngle })),
    warnings: m.warnings.map((w) => ({ layer: w.layer, kind: w.kind, message: w.message })),
    samplesPerSec: m.samplesPerSec,
    elapsedSec: m.elapsedSec,
    device,
  };
}

async function runSpiking(ctx: GpuContext, data: GpuDataset, opts: TrainOptions, c: SpikingConfig, progress: Progress): Promise<number> {
  const trainer = await createSpikingTrainer(ctx, data, c, { metricsEvery: opts.metricsEvery, propagation: opts.propagation });
  const sizes = [data.pixels, ...c.hidden, data.classes].join('-');
  progress.info(
    `plasticity: ${c.rule} ${sizes} ${c.neuron.model} (beta ${c.neuron.beta}, threshold ${c.neuron.threshold}, ${c.neuron.reset} reset), ` +
      `T = ${c.steps}, ${c.encoder} input, ${c.readout} readout, ${c.loss} on ${DATASETS[opts.dataset].title}: ` +
      `${data.train.count} train / ${data.test.count} test, ${opts.epochs} epoch(s) x ${trainer.stepsPerEpoch} steps, ` +
      `${c.optimizer.method} lr ${sci(c.optimizer.lr)}, batch ${c.batchSize}, seed ${c.seed}; device: ${ctx.adapterName}`,
  );
  return runToEnd<SpikingMetricsRecord>(trainer, opts, progress, c.batchSize, {
    json: (m) => spikingJsonRecord(m, ctx.adapterName),
    divergedHint: `Try a lower learning rate, e.g. --lr ${sci(c.optimizer.lr / 10)}.`,
    summary: (last) => `firing rates ${last && last.layers.some((x) => Number.isFinite(x.firingRate)) ? last.layers.map((x) => pct(x.firingRate)).join(' / ') : '–'}`,
    // Each kind of warning for each layer once, when it first appears.
    notices: (m) => m.warnings.map((w) => ({ key: `${w.layer}:${w.kind}`, message: w.message })),
  });
}
