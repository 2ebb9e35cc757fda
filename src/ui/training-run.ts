// One training run on the page's main thread: load the dataset, make a device,
// train in small awaited chunks so the page stays responsive, and report.
// It knows nothing about Lit; a Web Worker can later take its place behind the same callbacks.
import { uploadDataset } from '../engine/data/gpu-dataset';
import { type Dataset, fetchSource, type LoadProgress, loadDataset } from '../engine/data/loader';
import { GpuContext } from '../engine/device/gpu-context';
import { type MetricsRecord, Trainer } from '../engine/training/trainer';
import type { RunSettings } from './form-values';

export type RunPhase = 'loading' | 'preparing' | 'training' | 'finishing';

export type RunOutcome = 'finished' | 'stopped' | 'diverged';

export interface RunInfo {
  adapter: string;
  /** Layer sizes, input and output included. */
  sizes: number[];
  trainCount: number;
  testCount: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface RunCallbacks {
  phase(phase: RunPhase): void;
  progress(p: LoadProgress): void;
  ready(info: RunInfo): void;
  metrics(m: MetricsRecord): void;
}

/** Steps per command buffer: small, so a submit never holds the GPU (and the page) for long. */
const STEPS_PER_SUBMIT = 2;
/** Steps between yields to the event loop. */
const STEPS_PER_CHUNK = 16;
/** About this many metric records over a run, whatever its length. */
const RECORDS_PER_RUN = 250;

export class TrainingRun {
  private stopRequested = false;
  private trainer: Trainer | null = null;

  constructor(
    readonly settings: RunSettings,
    private readonly on: RunCallbacks,
    private readonly datasetsUrl = defaultDatasetsUrl(),
  ) {}

  /** Asks the run to end after the chunk in progress; it still evaluates and reports once more. */
  stop(): void {
    this.stopRequested = true;
    this.trainer?.stop();
  }

  /** Resolves with how the run ended; throws the engine's typed errors (ConfigError, DatasetError, Gpu*Error). */
  async run(): Promise<RunOutcome> {
    const { settings, on } = this;
    on.phase('loading');
    const data = await loadCached(settings, this.datasetsUrl, (p) => on.progress(p));
    if (this.stopRequested) return 'stopped';

    on.phase('preparing');
    // A fresh device per run: destroying it frees every buffer the run made.
    const ctx = await GpuContext.create(navigator.gpu);
    let trainer: Trainer | null = null;
    try {
      const gpuData = uploadDataset(ctx, data);
      const stepsPerEpoch = Math.floor(data.train.count / settings.config.batchSize);
      const totalSteps = stepsPerEpoch * settings.epochs;
      trainer = await Trainer.create(ctx, gpuData, settings.config, {
        stepsPerSubmit: STEPS_PER_SUBMIT,
        metricsEvery: Math.max(1, Math.round(totalSteps / RECORDS_PER_RUN)),
      });
      this.trainer = trainer;
      let diverged = false;
      trainer.onMetrics((m) => {
        on.metrics(m);
        if (m.diverged && !diverged) {
          diverged = true;
          this.stop();
        }
      });
      on.ready({
        adapter: ctx.adapterName,
        sizes: [gpuData.pixels, ...settings.config.hidden, gpuData.classes],
        trainCount: data.train.count,
        testCount: data.test.count,
        stepsPerEpoch: trainer.stepsPerEpoch,
        totalSteps,
      });

      on.phase('training');
      trainer.evaluate(); // the untrained network's test accuracy, at step 0
      while (!this.stopRequested && trainer.step < totalSteps) {
        await this.trainChunk(trainer, Math.min(STEPS_PER_CHUNK, totalSteps - trainer.step));
        await yieldToPage();
      }

      on.phase('finishing');
      const complete = trainer.step >= totalSteps;
      // A run stopped inside an epoch still gets a test accuracy for where it stopped.
      if (!complete && !diverged && trainer.step % trainer.stepsPerEpoch !== 0) trainer.evaluate();
      await trainer.flush();
      return diverged ? 'diverged' : complete ? 'finished' : 'stopped';
    } finally {
      this.trainer = null;
      // Let queued readbacks settle before their buffers go away.
      if (trainer) await trainer.flush().catch(() => undefined);
      ctx.destroy();
    }
  }

  /**
   * Trains `n` steps. A chunk that reaches an epoch's end first waits for the
   * pending readbacks: the trainer skips a record when all its staging buffers
   * are busy, and the epoch's test accuracy must not be the one skipped.
   */
  private async trainChunk(trainer: Trainer, n: number): Promise<void> {
    const toEpochEnd = trainer.stepsPerEpoch - (trainer.step % trainer.stepsPerEpoch);
    if (n < toEpochEnd) {
      await trainer.train(n);
      return;
    }
    if (toEpochEnd > 1) await trainer.train(toEpochEnd - 1);
    if (this.stopRequested) return;
    await trainer.flush();
    await trainer.train(1);
    if (n > toEpochEnd && !this.stopRequested) await trainer.train(n - toEpochEnd);
  }
}

function defaultDatasetsUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}datasets/`, document.baseURI).href;
}

function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// The last dataset loaded, so that starting again does not download it again.
let cached: { key: string; data: Promise<Dataset> } | null = null;

function loadCached(s: RunSettings, url: string, onProgress: (p: LoadProgress) => void): Promise<Dataset> {
  const key = `${url}|${s.dataset}|${s.trainSubset ?? ''}|${s.testSubset ?? ''}`;
  if (cached?.key === key) return cached.data;
  const entry = {
    key,
    data: loadDataset(s.dataset, fetchSource(url), { onProgress, trainSubset: s.trainSubset, testSubset: s.testSubset }),
  };
  cached = entry;
  entry.data.catch(() => {
    if (cached === entry) cached = null;
  });
  return entry.data;
}
