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
import { Progress } from './progress';
import { TRAIN_FLAGS, type TrainOptions, trainOptions } from './train-options';
import type { GpuDataset } from '../engine/data/gpu-dataset';
import type { GpuContext } from '../engine/device/gpu-context';
import type { SpikingConfig } from '../engine/spiking/config';
import { createSpikingTrainer } from '../engine/spiking/create-trainer';
import type { SpikingMetricsRecord } from '../engine/spiking/trainer';

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

  const seen: { last: MetricsRecord | null; lastTest: MetricsRecord | null; diverged: MetricsRecord | null } = {
    last: null,
    lastTest: null,
    diverged: null,
  };
  trainer.onMetrics((m) => {
    // Records already in flight when training stopped add nothing after a divergence.
    if (seen.diverged) return;
    if (opts.json) process.stdout.write(`${JSON.stringify(jsonRecord(m, ctx.adapterName))}\n`);
    progress.record(m);
    seen.last = m;
    if (m.testAcc !== null) seen.lastTest = m;
    if (m.diverged) {
      seen.diverged = m;
      trainer.stop();
    }
  });

  // Ctrl-C stops after the current submit and still reports; a second one quits at once.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  progress.start({ epochs: opts.epochs, stepsPerEpoch: trainer.stepsPerEpoch, batchSize: c.batchSize });
  try {
    await trainer.trainEpochs(opts.epochs);
    if (interrupted && !seen.diverged) trainer.evaluate();
    await trainer.flush();
  } finally {
    process.off('SIGINT', onSigint);
    progress.end();
  }

  const { diverged, last, lastTest } = seen;
  if (diverged) {
    process.stderr.write(
      `plasticity: training diverged at step ${diverged.step} (epoch ${diverged.epoch + 1}): the training loss became ${diverged.trainLoss}. ` +
        `Try a lower learning rate, e.g. --lr ${sci(c.optimizer.lr / 10)}${c.feedbackLr !== null ? ' (and a lower --feedback-lr)' : ''}.\n`,
    );
    return EXIT.diverged;
  }
  const top = last?.layers.at(-1);
  const summary =
    `${interrupted ? 'interrupted' : 'done'}: test accuracy ${pct(lastTest?.testAcc)} (loss ${fixed(lastTest?.testLoss)}), ` +
    `train loss ${fixed(last?.trainLoss)}, top-layer angle(W, B^T) ${deg(top?.weightAngle)}, ` +
    `${trainer.epoch} epoch(s) in ${duration(last?.elapsedSec ?? 0)}\n`;
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
  // Each warning is printed once, when it first appears.
  const warned = new Set<string>();
  const sizes = [data.pixels, ...c.hidden, data.classes].join('-');
  progress.info(
    `plasticity: ${c.rule} ${sizes} ${c.neuron.model} (beta ${c.neuron.beta}, threshold ${c.neuron.threshold}, ${c.neuron.reset} reset), ` +
      `T = ${c.steps}, ${c.encoder} input, ${c.readout} readout, ${c.loss} on ${DATASETS[opts.dataset].title}: ` +
      `${data.train.count} train / ${data.test.count} test, ${opts.epochs} epoch(s) x ${trainer.stepsPerEpoch} steps, ` +
      `${c.optimizer.method} lr ${sci(c.optimizer.lr)}, batch ${c.batchSize}, seed ${c.seed}; device: ${ctx.adapterName}`,
  );
  let last: SpikingMetricsRecord | null = null;
  let lastTest: SpikingMetricsRecord | null = null;
  let diverged: SpikingMetricsRecord | null = null;
  trainer.onMetrics((m) => {
    if (diverged) return;
    if (opts.json) process.stdout.write(`${JSON.stringify(spikingJsonRecord(m, ctx.adapterName))}\n`);
    for (const w of m.warnings) {
      const key = `${w.layer}:${w.kind}`;
      if (warned.has(key)) continue;
      warned.add(key);
      progress.info(`warning at step ${m.step}: ${w.message}`);
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
  progress.start({ epochs: opts.epochs, stepsPerEpoch: trainer.stepsPerEpoch, batchSize: c.batchSize });
  try {
    await trainer.trainEpochs(opts.epochs);
    if (interrupted && !diverged) trainer.evaluate();
    await trainer.flush();
  } finally {
    process.off('SIGINT', onSigint);
    progress.end();
  }
  const d = diverged as SpikingMetricsRecord | null;
  if (d) {
    process.stderr.write(`plasticity: training diverged at step ${d.step}: the training loss became ${d.trainLoss}. Try a lower learning rate, e.g. --lr ${sci(c.optimizer.lr / 10)}.\n`);
    return EXIT.diverged;
  }
  const l = last as SpikingMetricsRecord | null;
  const t = lastTest as SpikingMetricsRecord | null;
  const rates = l && l.layers.some((x) => Number.isFinite(x.firingRate)) ? l.layers.map((x) => pct(x.firingRate)).join(' / ') : '–';
  const summary =
    `${interrupted ? 'interrupted' : 'done'}: test accuracy ${pct(t?.testAcc)} (loss ${fixed(t?.testLoss)}), ` +
    `train loss ${fixed(l?.trainLoss)}, firing rates ${rates}, ${trainer.epoch} epoch(s) in ${duration(l?.elapsedSec ?? 0)}\n`;
  (opts.json ? process.stderr : process.stdout).write(summary);
  return interrupted ? EXIT.interrupted : EXIT.ok;
}
