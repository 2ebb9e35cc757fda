// One interactive run, independent of any transport: no DOM, no Worker API.
// It loads the dataset, owns a device, and trains in small chunks, yielding
// between them so commands (pause, a new learning rate, another rule) get
// their turn. Commands run one at a time, between chunks. It keeps a
// snapshot in memory every few seconds (an async copy: the loop never waits
// for it), pauses on divergence with advice, and after a device loss sets up
// a new device from the last snapshot and carries on.
import { type GpuDataset, uploadDataset } from '../data/gpu-dataset';
import { type ByteSource, type Dataset, DATASETS, type DatasetName, loadDataset } from '../data/loader';
import { GpuContext, type GpuEntry } from '../device/gpu-context';
import { ConfigError, DeviceLostError, GpuUnavailableError } from '../errors';
import type { LayerWarning } from '../metrics/layer-warnings';
import type { Coefficients } from '../rules/rule';
import type { RuleSwitchOptions } from '../training/trainer';
import type { InspectRequest, InspectResult } from './inspection';
import { throttleProgress } from './progress-throttle';
import type { RunController, StartOptions } from './run-controller';
import { errorInfo, type PauseReason, type SessionEvent, type SessionInfo, type SessionListener, type SessionPhase, type SessionSettings } from './session-events';
import { type DatasetChoice, defaultMetricsEvery, type ResolvedNetwork, type ResolvedSpec, resolveSessionSpec, type SessionSpec } from './session-spec';
import { createSessionTrainer, type SessionRecord, type SessionTrainer } from './session-trainer';
import type { TrainerSnapshot } from './trainer-snapshot';

export interface SessionHost {
  /** navigator.gpu in a page or worker, nodeGpu() in Node; asked again for a device after a loss. */
  gpu: GpuEntry | null | undefined;
  /** Where named datasets are read from: fetchSource(url) in a page or worker, nodeFileSource(dir) in Node. */
  source?: ByteSource;
}

/** Device losses recovered from in one run before giving up: a loss the run itself causes would repeat. */
const MAX_RECOVERIES = 3;
/** How long a failure waits for a device loss that may explain it. */
const LOSS_GRACE_MS = 100;

export class RunSession implements RunController {
  private listeners = new Set<SessionListener>();
  private phaseNow: SessionPhase = 'idle';
  /** Commands and training chunks, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private spec: ResolvedSpec | null = null;
  private loaded: { key: string | Dataset; dataset: Dataset } | null = null;
  private ctx: GpuContext | null = null;
  private gpuData: { dataset: Dataset; data: GpuDataset } | null = null;
  private run: SessionTrainer | null = null;
  /** Bumped whenever the run is replaced: late callbacks of an old one are ignored. */
  private generation = 0;
  private totalSteps: number | null = null;
  private playing = false;
  private loopDone: Promise<void> = Promise.resolve();
  private finished = false;
  private divergenceReported = false;
  private warningKey = '';
  /** The settings the person chose; re-applied whenever the trainer is rebuilt or restored. */
  private wanted: SessionSettings | null = null;
  private latest: TrainerSnapshot | null = null;
  /** The latest snapshot at or before the last healthy record: where rewind goes. */
  private lastGood: TrainerSnapshot | null = null;
  private lastHealthyStep = -1;
  private snapshotSeq = 0;
  private keptSeq = 0;
  private snapshotInFlight = false;
  private lastSnapshotAt = 0;
  private pendingSnapshot: Promise<void> = Promise.resolve();
  private recoveries = 0;
  private recovering: Promise<void> | null = null;
  /** Whether training goes on after a recovery (pause() during one clears it). */
  private resumeAfterRecovery = false;
  /** Rejecters of the guarded awaits in progress, called when the device is lost. */
  private lossWaiters = new Set<(e: DeviceLostError) => void>();
  /** Inspections in flight: they read the run's buffers, so it outlives them. */
  private inspections = new Set<Promise<unknown>>();
  /** A rule switch building a new trainer on this device (its pipelines compile as a batch). */
  private switching: Promise<unknown> | null = null;

  constructor(private readonly host: SessionHost) {}

  /** The device in use (for diagnostics and tests); null before start and after destroy. */
  get context(): GpuContext | null {
    return this.ctx;
  }

  get phase(): SessionPhase {
    return this.phaseNow;
  }

  onEvent(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(spec: SessionSpec, options: StartOptions = {}): Promise<SessionInfo> {
    await this.stopLoop();
    await this.recovering;
    const info = await this.exclusive(async () => {
      try {
        const resolved = resolveSessionSpec(spec);
        await this.disposeRun();
        this.setPhase('loading');
        const warming = this.warmPipelines(resolved);
        // Waits for the warm-up however the load ends, so nothing runs on behind a failure.
        const dataset = await this.loadDataset(resolved.dataset).finally(() => warming);
        this.setPhase('preparing');
        await this.ensureDevice(dataset);
        this.spec = resolved;
        this.recoveries = 0;
        return await this.createRun(resolved.network, null, true, options.play === true);
      } catch (e) {
        this.setPhase('failed');
        this.emit({ type: 'error', error: errorInfo(e) });
        throw e;
      }
    });
    if (options.play) await this.play();
    return info;
  }

  async play(): Promise<void> {
    await this.recovering;
    await this.exclusive(async () => {
      const run = this.requireRun();
      if (this.playing) return;
      if (this.finished) {
        this.emit({ type: 'warning', step: run.loop.step, message: 'The run has trained its planned epochs; reset to train again.' });
        return;
      }
      this.playing = true;
      this.divergenceReported = false;
      this.setPhase('training');
      this.emit({ type: 'resumed', step: run.loop.step });
      this.loopDone = this.trainLoop(this.generation);
    });
  }

  async pause(): Promise<void> {
    this.resumeAfterRecovery = false;
    if (!this.playing) return;
    await this.stopLoop();
    await this.exclusive(async () => {
      const run = this.requireRun();
      await this.guard(run.loop.flush());
      // A paused run is where a person looks: a lost device should come back exactly here.
      this.maybeSnapshot(true);
      this.pausedFor('user');
    });
  }

  async step(): Promise<void> {
    await this.pause();
    await this.recovering;
    await this.command(async (run) => {
      if (this.finished) {
        this.emit({ type: 'warning', step: run.loop.step, message: 'The run has trained its planned epochs; reset to train again.' });
        return;
      }
      await this.guard(this.trainSteps(run, this.spec!.stepsPerSubmit, () => true));
      await this.guard(run.loop.flush());
      this.maybeSnapshot(true);
      if (this.reachedEnd(run)) await this.finish(run);
      else this.setPhase('paused');
    });
  }

  async reset(): Promise<void> {
    await this.pause();
    await this.recovering;
    await this.command(async (run) => {
      const network = run.network();
      await this.disposeRun();
      this.recoveries = 0;
      await this.createRun(network, null);
    });
  }

  async rewind(): Promise<number> {
    await this.pause();
    await this.recovering;
    await this.pendingSnapshot;
    return this.command(async () => {
      const s = this.lastGood ?? this.latest;
      if (!s) throw new ConfigError('rewind', 'there is no snapshot to go back to yet; reset to start again.');
      // Rebuilt from the snapshot's own settings (a spiking rule switch changes the trainer), then the chosen ones.
      await this.disposeRun();
      await this.createRun(networkOf(s), s, false);
      this.emit({ type: 'rewound', step: s.position.step });
      this.setPhase('paused');
      return s.position.step;
    });
  }

  async restore(snapshot: TrainerSnapshot): Promise<number> {
    await this.pause();
    await this.recovering;
    await this.pendingSnapshot;
    return this.command(async () => {
      // As rewind: rebuilt from the snapshot's own settings, then the chosen ones.
      await this.disposeRun();
      await this.createRun(networkOf(snapshot), snapshot, false);
      this.emit({ type: 'rewound', step: snapshot.position.step });
      this.setPhase('paused');
      return snapshot.position.step;
    });
  }

  async setLearningRate(lr: number): Promise<void> {
    await this.recovering;
    const apply = async (run: SessionTrainer) => {
      run.setLearningRate(lr);
      this.wanted = run.settings();
      this.emit({ type: 'settings', settings: run.settings() });
    };
    // A uniform write, ordered before the next submit: it need not wait for the chunk in progress.
    if (this.run) await apply(this.run);
    else await this.command(apply);
  }

  async setCoefficients(coefficients: Coefficients): Promise<void> {
    await this.recovering;
    await this.command(async (run) => {
      await run.setCoefficients(coefficients);
      this.settingsChanged(run);
    });
  }

  async switchRule(rule: string, options: RuleSwitchOptions = {}): Promise<void> {
    await this.recovering;
    await this.command(async (run) => {
      // A spiking switch destroys the old trainer, which inspections may still read,
      // and builds a new one, whose pipeline batch no inspection may build beside.
      await this.settleInspections();
      const switching = this.guard(run.switchRule(rule, options));
      this.switching = switching.catch(() => undefined);
      try {
        await switching;
      } finally {
        this.switching = null;
      }
      // A spiking switch builds a new trainer from a snapshot: a learning rate set meanwhile goes on it too.
      const wantedLr = this.wanted?.lr ?? null;
      if (wantedLr !== null && run.settings().lr !== null && run.settings().lr !== wantedLr) run.setLearningRate(wantedLr);
      this.settingsChanged(run);
    });
  }

  /**
   * A view of the network as it is now. It runs beside training, not in the
   * command queue, so the loop never waits for it; a run being replaced
   * (reset, rewind, a spiking rule switch) waits for it instead.
   */
  async inspect(request: InspectRequest): Promise<InspectResult> {
    await this.recovering;
    await this.switching;
    const run = this.requireRun();
    const done = this.guard(run.inspect(request));
    const tracked = done.catch(() => undefined);
    this.inspections.add(tracked);
    void tracked.then(() => this.inspections.delete(tracked));
    return done;
  }

  async snapshot(): Promise<TrainerSnapshot> {
    await this.recovering;
    return this.command(async (run) => {
      const gen = this.generation;
      const s = await this.guard(run.snapshot());
      if (gen === this.generation) this.keep(s, ++this.snapshotSeq);
      return s;
    });
  }

  async simulateDeviceLoss(): Promise<void> {
    await this.recovering;
    if (!this.ctx) throw new ConfigError('session', 'has no GPU device to lose yet; start a run first.');
    // The loss handler (watch) reports it and recovers, as for a real loss.
    this.ctx.device.destroy();
  }

  async destroy(): Promise<void> {
    await this.stopLoop();
    await this.recovering;
    await this.exclusive(async () => {
      await this.disposeRun();
      const ctx = this.ctx;
      this.ctx = null;
      this.gpuData = null;
      ctx?.destroy();
      this.setPhase('destroyed');
    });
    this.listeners.clear();
  }

  // ---- the training loop ----

  private async trainLoop(gen: number): Promise<void> {
    while (this.playing && gen === this.generation) {
      try {
        await this.exclusive(async () => {
          const run = this.run!;
          if (!this.playing || gen !== this.generation) return;
          const n = Math.min(this.spec!.stepsPerChunk, this.totalSteps === null ? Infinity : this.totalSteps - run.loop.step);
          await this.guard(this.trainSteps(run, n, () => this.playing));
          this.maybeSnapshot(false);
          if (this.playing && this.reachedEnd(run)) await this.finish(run);
        });
      } catch (e) {
        await this.loopFailed(e, gen);
        return;
      }
      await yieldToHost();
    }
  }

  /**
   * Trains `n` steps. A chunk that reaches an epoch's end first waits for the
   * pending readbacks: the trainer skips a record when all its staging
   * buffers are busy, and the epoch's test accuracy must not be the one skipped.
   */
  private async trainSteps(run: SessionTrainer, n: number, keepGoing: () => boolean): Promise<void> {
    const loop = run.loop;
    const toEpochEnd = loop.stepsPerEpoch - (loop.step % loop.stepsPerEpoch);
    if (n < toEpochEnd) return loop.train(n);
    if (toEpochEnd > 1) await loop.train(toEpochEnd - 1);
    if (!keepGoing()) return;
    await loop.flush();
    await loop.train(1);
    if (n > toEpochEnd && keepGoing()) await loop.train(n - toEpochEnd);
  }

  private reachedEnd(run: SessionTrainer): boolean {
    return this.totalSteps !== null && run.loop.step >= this.totalSteps;
  }

  private async finish(run: SessionTrainer): Promise<void> {
    this.playing = false;
    await this.guard(run.loop.flush());
    this.finished = true;
    this.maybeSnapshot(true);
    this.setPhase('finished');
    this.emit({ type: 'paused', step: run.loop.step, reason: 'finished' });
  }

  /** Stops the loop after its chunk and waits for it; no event (callers say why they stopped). */
  private async stopLoop(): Promise<void> {
    this.playing = false;
    this.run?.loop.stop();
    await this.loopDone;
  }

  private pausedFor(reason: PauseReason): void {
    this.setPhase('paused');
    this.emit({ type: 'paused', step: this.run?.loop.step ?? 0, reason });
  }

  private async loopFailed(e: unknown, gen: number): Promise<void> {
    if (gen !== this.generation) return;
    // `playing` stays as it is until the cause is known: the loss handler resumes only what was playing.
    const ctx = this.ctx;
    if (ctx && !ctx.deviceLost && !(e instanceof DeviceLostError)) {
      // A validation error or a failed map may be the first sign of a loss.
      await Promise.race([ctx.lost, new Promise((r) => setTimeout(r, LOSS_GRACE_MS))]);
    }
    if (ctx && (ctx.deviceLost || e instanceof DeviceLostError)) return; // the loss handler recovers
    this.playing = false;
    this.emit({ type: 'error', error: errorInfo(e) });
    this.pausedFor('error');
  }

  // ---- metrics, divergence, snapshots ----

  private onRecord(r: SessionRecord): void {
    this.emit({ type: 'metrics', ...r } as SessionEvent);
    const record = r.record;
    if (r.kind === 'spiking') this.reportLayerWarnings(record.step, r.record.warnings);
    if (!record.diverged) {
      this.lastHealthyStep = Math.max(this.lastHealthyStep, record.step);
      if (this.latest && this.latest.position.step <= record.step) this.lastGood = this.latest;
      return;
    }
    if (this.divergenceReported) return;
    this.divergenceReported = true;
    const wasPlaying = this.playing;
    this.playing = false;
    this.run?.loop.stop();
    // The advice names the snapshot to rewind to: let one still being read back arrive first.
    const gen = this.generation;
    void Promise.all([this.pendingSnapshot, this.loopDone]).then(() => {
      if (gen !== this.generation) return;
      this.emit(this.divergence(record.step, record.trainLoss));
      if (wasPlaying) this.pausedFor('diverged');
    });
  }

  private divergence(step: number, loss: number): SessionEvent {
    const lr = this.run?.settings().lr ?? null;
    const suggestedLr = lr === null || lr === 0 ? null : roundDown(lr / 3);
    const rewindStep = this.lastGood?.position.step ?? null;
    const what = Number.isFinite(loss) ? `${loss.toPrecision(3)}, over ten times chance level,` : `${loss} (not a number)`;
    const back = rewindStep === null ? 'reset' : `rewind to step ${rewindStep} or reset`;
    const advice =
      lr === null
        ? `This rule learns at its own rate: lower it in the rule's settings and start again.`
        : `Lower the learning rate (now ${lr}; try ${suggestedLr}), then ${back}.`;
    const message = `The training loss reached ${what} at step ${step}: the weights have blown up, so training is paused. ${advice}`;
    return { type: 'diverged', step, loss, lr, suggestedLr, rewindStep, message };
  }

  /** Spiking layers' warnings, when the set of them changes. */
  private reportLayerWarnings(step: number, warnings: LayerWarning[]): void {
    const key = warnings.map((w) => `${w.layer}:${w.kind}`).join(',');
    if (key === this.warningKey) return;
    this.warningKey = key;
    if (warnings.length) this.emit({ type: 'warning', step, message: warnings.map((w) => w.message).join(' '), layers: warnings });
  }

  /**
   * Starts a snapshot when one is due (or `force`); called between submits,
   * inside the command queue. Only its readback is awaited, and not here.
   */
  private maybeSnapshot(force: boolean): void {
    const run = this.run;
    if (!run || !this.spec) return;
    const now = performance.now();
    if (!force && (this.snapshotInFlight || now - this.lastSnapshotAt < this.spec.snapshotEverySec * 1000)) return;
    this.snapshotInFlight = true;
    this.lastSnapshotAt = now;
    const gen = this.generation;
    const seq = ++this.snapshotSeq;
    this.pendingSnapshot = run.snapshot().then(
      (s) => {
        if (gen === this.generation) this.keep(s, seq);
      },
      () => undefined, // a lost device: the loss handler reports it
    ).finally(() => {
      this.snapshotInFlight = false;
    });
  }

  private keep(s: TrainerSnapshot, seq: number): void {
    if (seq < this.keptSeq) return; // an older one that finished late
    this.keptSeq = seq;
    this.latest = s;
    if (s.position.step <= this.lastHealthyStep) this.lastGood = s;
    this.emit({ type: 'snapshot', step: s.position.step });
  }

  // ---- device loss ----

  private watch(ctx: GpuContext): void {
    void ctx.lost.then((err) => {
      if (ctx !== this.ctx) return; // a device the session let go of itself
      this.deviceLost(err);
      for (const reject of [...this.lossWaiters]) reject(err);
    });
  }

  private deviceLost(err: DeviceLostError): void {
    if (this.recovering) return;
    this.resumeAfterRecovery = this.playing;
    this.playing = false;
    this.run?.loop.stop();
    this.emit({ type: 'device-lost', reason: err.reason, message: err.message, snapshotStep: this.latest?.position.step ?? null });
    this.setPhase('recovering');
    this.recovering = this.recover(err);
  }

  /** A new device, the dataset uploaded again, and the run rebuilt from the latest snapshot. */
  private async recover(err: DeviceLostError): Promise<void> {
    await this.loopDone; // it ends at its next guarded await, which the loss rejects
    let recovered = false;
    try {
      await this.exclusive(async () => {
        if (++this.recoveries > MAX_RECOVERIES) {
          throw new GpuUnavailableError(
            `The GPU device was lost ${MAX_RECOVERIES + 1} times in this run, so the session stopped trying. ` +
              'Reload the page (or restart the browser), then start again, perhaps with a smaller network or batch.',
          );
        }
        const snapshot = this.latest;
        const network = snapshot ? networkOf(snapshot) : this.run?.network();
        if (!network || !this.loaded) throw err; // lost before the run was set up: start again
        const old = this.ctx;
        this.ctx = null;
        await this.disposeRun(false);
        this.gpuData = null;
        old?.destroy();
        await this.ensureDevice(this.loaded.dataset);
        await this.createRun(network, snapshot, false);
        const step = this.run!.loop.step;
        const message = snapshot
          ? `Training continues on a new device from the snapshot at step ${step}; the steps after it are trained again.`
          : 'Training starts again from step 0 on a new device: no snapshot had been taken yet.';
        this.emit({ type: 'recovered', step, adapter: this.ctx!.adapterName, message });
        this.pausedFor('device-lost');
      });
      recovered = true;
    } catch (e) {
      this.setPhase('failed');
      this.emit({ type: 'error', error: errorInfo(e) });
    } finally {
      // Cleared before play(), which waits for any recovery in progress.
      this.recovering = null;
    }
    if (recovered && this.resumeAfterRecovery) await this.play().catch(() => undefined);
  }

  /**
   * `p`, or a rejection as soon as the device is lost, so that no await on a
   * dead device hangs the session. (Not a race with ctx.lost: every race
   * would leave a reaction on that promise for as long as the device lives.)
   */
  private guard<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.lossWaiters.add(reject);
      p.then(resolve, reject).finally(() => this.lossWaiters.delete(reject));
    });
  }

  // ---- runs, datasets, devices ----

  /**
   * A fresh trainer (or one restored from `from`), with the chosen settings,
   * announced by `ready` unless recovering. A fresh one's test pass at step 0
   * runs now, or after the first step when training follows (`evaluateLater`).
   */
  private async createRun(network: ResolvedNetwork, from: TrainerSnapshot | null, announce = true, evaluateLater = false): Promise<SessionInfo> {
    const ctx = this.ctx!;
    const { dataset, data } = this.gpuData!;
    const spec = this.spec!;
    const stepsPerEpoch = Math.floor(data.train.count / network.config.batchSize);
    this.totalSteps = spec.epochs === null ? null : spec.epochs * stepsPerEpoch;
    const metricsEvery = spec.metricsEvery ?? defaultMetricsEvery(stepsPerEpoch, this.totalSteps);
    const gen = ++this.generation;
    const loop = loopSettings(spec, metricsEvery);
    const run = await createSessionTrainer(ctx, data, network, loop, {
      record: (r) => {
        if (gen === this.generation) this.onRecord(r);
      },
      recording: (recording) => {
        if (gen === this.generation) this.emit({ type: 'recording', recording });
      },
    });
    this.run = run;
    this.finished = false;
    this.divergenceReported = false;
    this.warningKey = '';
    this.latest = this.lastGood = null;
    this.lastHealthyStep = -1;
    if (from) {
      await run.restore(from);
      await this.applyWanted(run);
      this.lastHealthyStep = from.position.step;
    } else {
      this.wanted = run.settings();
      // The untrained network's test accuracy, at step 0.
      if (evaluateLater) run.loop.evaluateAfterNextStep();
      else run.loop.evaluate();
    }
    this.maybeSnapshot(true);
    const info: SessionInfo = {
      kind: run.kind,
      adapter: ctx.adapterName,
      dataset: dataset.name,
      sizes: [...run.sizes],
      classNames: [...dataset.classNames],
      trainCount: data.train.count,
      testCount: data.test.count,
      stepsPerEpoch: run.loop.stepsPerEpoch,
      totalSteps: this.totalSteps,
      metricsEvery,
      settings: run.settings(),
    };
    if (announce) {
      this.setPhase('ready');
      this.emit({ type: 'ready', info });
    }
    return info;
  }

  /** Frees the run's trainer, first letting its readbacks settle (not on a lost device). */
  private async disposeRun(settle = true): Promise<void> {
    const run = this.run;
    this.generation++;
    this.run = null;
    this.latest = this.lastGood = null;
    if (!run) return;
    if (settle) {
      await this.guard(run.loop.flush()).catch(() => undefined);
      await this.settleInspections();
    }
    run.destroy();
  }

  private async settleInspections(): Promise<void> {
    await Promise.all([...this.inspections]);
  }

  /** Puts the person's settings back on a trainer that was rebuilt or restored. */
  private async applyWanted(run: SessionTrainer): Promise<void> {
    const w = this.wanted;
    if (!w) return;
    const now = run.settings();
    if (now.rule !== w.rule) await run.switchRule(w.rule, { coefficients: w.coefficients });
    else if (JSON.stringify(now.coefficients) !== JSON.stringify(w.coefficients)) await run.setCoefficients(w.coefficients);
    if (w.lr !== null && run.settings().lr !== w.lr) run.setLearningRate(w.lr);
  }

  private settingsChanged(run: SessionTrainer): void {
    this.wanted = run.settings();
    // Recovery should come back with these settings' B, not the last snapshot's.
    this.maybeSnapshot(true);
    this.emit({ type: 'settings', settings: run.settings() });
  }

  private async loadDataset(choice: DatasetChoice): Promise<Dataset> {
    const key = datasetKey(choice);
    if (this.loaded?.key === key) return this.loaded.dataset;
    let dataset: Dataset;
    if (choice.kind === 'given') {
      dataset = choice.dataset;
    } else {
      if (!this.host.source) throw new ConfigError('dataset', 'this session has no source to read named datasets from; hand the Dataset in instead ({ kind: "given" }).');
      const progress = throttleProgress((p) => this.emit({ type: 'load-progress', progress: p }));
      dataset = await loadDataset(choice.name, this.host.source, {
        trainSubset: choice.trainSubset,
        testSubset: choice.testSubset,
        onProgress: (p) => progress.report(p),
      });
      progress.flush();
    }
    this.loaded = { key, dataset };
    return dataset;
  }

  /** A device (created on first use and after a loss) holding `dataset`, uploaded once. */
  private async ensureDevice(dataset: Dataset): Promise<void> {
    const ctx = await this.ensureContext();
    if (this.gpuData?.dataset === dataset) return;
    if (this.gpuData) releaseDataset(ctx, this.gpuData.data);
    this.gpuData = { dataset, data: uploadDataset(ctx, dataset) };
  }

  private async ensureContext(): Promise<GpuContext> {
    if (!this.ctx) {
      this.ctx = await GpuContext.create(this.host.gpu);
      this.gpuData = null;
      this.watch(this.ctx);
    }
    return this.ctx;
  }

  /**
   * While a shipped dataset's files load, builds the run's trainer once on a
   * blank dataset of the same shape, so that its pipelines compile meanwhile
   * and the real trainer finds them in the cache. Never throws: anything that
   * fails here fails again, and is reported, on the real path.
   */
  private async warmPipelines(spec: ResolvedSpec): Promise<void> {
    const choice = spec.dataset;
    if (choice.kind !== 'named' || !(choice.name in DATASETS)) return;
    const key = datasetKey(choice);
    if (this.loaded?.key === key) return; // no load to overlap
    const shape = DATASETS[choice.name as DatasetName];
    let blank: GpuDataset | null = null;
    let ctx: GpuContext | null = null;
    try {
      ctx = await this.ensureContext();
      blank = blankDataset(ctx, choice.name, shape.rows * shape.cols, shape.classNames.length, {
        // The training count only sizes the order; the test count shapes the evaluation's chunks.
        train: spec.network.config.batchSize,
        test: Math.min(choice.testSubset ?? shape.testCount, shape.testCount),
      });
      const trainer = await createSessionTrainer(ctx, blank, spec.network, loopSettings(spec, 1), { record: () => {}, recording: () => {} });
      trainer.destroy();
    } catch {
      // Reported by the real path.
    } finally {
      if (ctx && blank) releaseDataset(ctx, blank);
    }
  }

  // ---- plumbing ----

  /** Runs `fn` in the queue with the current run, after the step-0 evaluation should it still wait. */
  private command<T>(fn: (run: SessionTrainer) => Promise<T>): Promise<T> {
    return this.exclusive(() => {
      const run = this.requireRun();
      run.loop.submitDeferredEvaluation();
      return fn(run);
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private requireRun(): SessionTrainer {
    if (this.run) return this.run;
    if (this.phaseNow === 'destroyed') throw new ConfigError('session', 'is destroyed; create a new one.');
    throw new ConfigError('session', 'has no run yet; call start() with a dataset and a network first.');
  }

  private setPhase(phase: SessionPhase): void {
    if (phase === this.phaseNow) return;
    this.phaseNow = phase;
    this.emit({ type: 'phase', phase });
  }

  private emit(event: SessionEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure is its own; the run goes on.
      }
    }
  }
}

/** The network and settings a snapshot was taken with. */
function networkOf(s: TrainerSnapshot): ResolvedNetwork {
  return s.kind === 'rate' ? { kind: 'rate', config: structuredClone(s.config) } : { kind: 'spiking', config: structuredClone(s.config) };
}

/** How a run's trainer loops: the spec's submits and recording, with `metricsEvery`. */
function loopSettings(spec: ResolvedSpec, metricsEvery: number) {
  return { metricsEvery, stepsPerSubmit: spec.stepsPerSubmit, ...(spec.record ? { record: spec.record } : {}) };
}

function datasetKey(choice: DatasetChoice): string | Dataset {
  return choice.kind === 'given' ? choice.dataset : `${choice.name}|${choice.trainSubset ?? ''}|${choice.testSubset ?? ''}`;
}

/** Zeroed GPU splits of the given shape: enough to build a trainer's pipelines, never trained on. */
function blankDataset(ctx: GpuContext, name: string, pixels: number, classes: number, counts: { train: number; test: number }): GpuDataset {
  const split = (count: number, part: string) => ({
    count,
    images: ctx.buffers.storage(`${name}.blank.${part}.images`, Math.ceil((count * pixels) / 4)),
    labels: ctx.buffers.storage(`${name}.blank.${part}.labels`, count),
  });
  return { name, pixels, classes, train: split(counts.train, 'train'), test: split(counts.test, 'test'), pixelMean: 0.5, pixelStd: 0.25 };
}

function releaseDataset(ctx: GpuContext, data: GpuDataset): void {
  for (const b of [data.train.images, data.train.labels, data.test.images, data.test.labels]) ctx.buffers.destroy(b);
}

function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `x` rounded down to one significant digit (0.0333 → 0.03), a rate a person would type. */
function roundDown(x: number): number {
  const scale = 10 ** Math.floor(Math.log10(x));
  return Number((Math.floor(x / scale) * scale).toPrecision(1));
}
