// The host side of training, shared by the rate and the spiking trainer:
// record prebuilt dispatches, several steps per submit; reshuffle and evaluate
// at epoch ends; capture the metrics buffer every `metricsEvery` steps and
// turn each capture into a record asynchronously. Nothing in here waits on a
// readback; the loop only keeps at most `maxInFlight` submits queued.
import type { BufferGroup } from '../device/buffer-registry';
import { type Dispatch, encodeDispatches } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { TEST_SLOT } from '../metrics/layout';
import type { MetricsReader } from '../metrics/metrics-reader';
import { Rng, shuffledIndices } from '../rng';
import { readBuffersLater } from '../session/buffer-readback';
import { type LoopPosition, type NamedBuffer, SNAPSHOT_VERSION, type SnapshotState } from '../session/trainer-snapshot';

export interface LoopOptions {
  /** Steps between metric records (each costs one async readback). */
  metricsEvery: number;
  /** Steps recorded into one command buffer. */
  stepsPerSubmit: number;
  /** Submits allowed in flight before the host waits for the GPU to catch up. */
  maxInFlight: number;
}

/** The GPU side a loop drives: buffers it writes or captures, and the dispatch lists of a step. */
export interface LoopResources {
  metrics: GPUBuffer;
  /** The GPU step clock the loss kernel advances. */
  clock: GPUBuffer;
  reader: MetricsReader;
  /** The training set's example order, rewritten every epoch. */
  order: GPUBuffer;
  trainCount: number;
  /** Draws each epoch's order; replaced when a snapshot is restored. */
  shuffle: Rng;
  /** Every buffer the trainer allocated, freed by destroy(). */
  buffers: BufferGroup;
}

/** Names of the loop's own buffers in a captured state. */
const CLOCK = '#clock';
const METRICS = '#metrics';

/** A copy of the loop's whole state (`live`) for an evaluation that runs later, and room to hold the live state meanwhile. */
interface DeferredEvaluation {
  live: GPUBuffer[];
  saved: GPUBuffer[];
  held: GPUBuffer[];
  position: { step: number; epoch: number; probed: boolean };
}

export abstract class StepLoop<R> {
  readonly stepsPerEpoch: number;
  protected stepCount = 0;
  protected epochCount = 0;
  protected stopped = false;
  /** Whether a probe has run since the trainer was created (records before it have empty probe slots). */
  protected probed = false;
  private listeners: Array<(r: R) => void> = [];
  private pending: Promise<void>[] = [];
  private inFlight: Promise<unknown>[] = [];
  /** Steps since the metrics buffer was last captured. */
  private sinceCapture = 0;
  /** Epoch orders drawn so far. */
  private shuffles = 0;
  private readonly startTime = performance.now();
  private lastRecord = { time: 0, step: 0 };
  /** The state at step 0, waiting to be evaluated after the first training step. */
  private deferred: DeferredEvaluation | null = null;

  protected constructor(
    protected readonly ctx: GpuContext,
    protected readonly loop: LoopOptions,
    protected readonly res: LoopResources,
    batchSize: number,
  ) {
    this.stepsPerEpoch = Math.floor(res.trainCount / batchSize);
  }

  /** One training step's dispatches (gather, forward, loss, backward). */
  protected abstract trainDispatches(): readonly Dispatch[];
  /** Dispatches that fill the metric slots, run on metric steps before the updates. */
  protected abstract probeDispatches(): readonly Dispatch[];
  protected abstract updateDispatches(): readonly Dispatch[];
  /** The whole test set's forward and loss. */
  protected abstract evaluationDispatches(): readonly Dispatch[];
  /** A record from a metrics capture. */
  protected abstract toRecord(values: Float32Array, step: number, epoch: number, withTest: boolean, probed: boolean): R;
  /** Every parameter and rule-state buffer: what a snapshot holds besides the clock and the metric sums. */
  protected abstract stateBuffers(): readonly NamedBuffer[];

  /** Host work before each submit (a learning-rate schedule, a switch of dispatch variants). */
  protected async beforeSubmit(): Promise<void> {}
  /** Host work after an epoch's evaluation was submitted; `left` steps remain in this call. */
  protected async afterEpoch(_left: number): Promise<void> {}
  /** Extra dispatches after step `step`'s training dispatches (recording). */
  protected encodeAfterStep(_pass: GPUComputePassEncoder, _step: number): void {}
  /** Extra copies at the end of a training submit's encoder (recording captures); what it returns runs after the submit. */
  protected captureAfterSteps(_encoder: GPUCommandEncoder): (() => void) | undefined {
    return undefined;
  }
  /** Called with each record before the listeners. */
  protected onRecord(_record: R, _withTest: boolean, _probed: boolean): void {}

  onMetrics(listener: (r: R) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * Compute dispatches a training step records: `train` (gather, forward,
   * loss, backward) and `update` every step, `probe` on metric steps only,
   * and `evaluation` for a pass over the whole test set.
   */
  get dispatchCounts(): { train: number; update: number; probe: number; evaluation: number } {
    return {
      train: this.trainDispatches().length,
      update: this.updateDispatches().length,
      probe: this.probeDispatches().length,
      evaluation: this.evaluationDispatches().length,
    };
  }

  get epoch(): number {
    return this.epochCount;
  }

  /** Runs `n` steps (crossing epoch boundaries, which reshuffle and evaluate). */
  async train(n: number): Promise<void> {
    this.stopped = false;
    let left = n;
    while (left > 0 && !this.stopped) {
      const inEpoch = this.stepCount % this.stepsPerEpoch;
      if (inEpoch === 0) this.writeEpochOrder();
      // A submit ends at a metric step, so records come every metricsEvery steps exactly
      // (and after the first step, when the step-0 evaluation waits for it).
      const first = this.deferred !== null;
      const toRecord = first ? 1 : Math.max(1, this.loop.metricsEvery - this.sinceCapture);
      const chunk = Math.min(left, this.loop.stepsPerSubmit, this.stepsPerEpoch - inEpoch, toRecord);
      await this.beforeSubmit();
      this.submitSteps(chunk, first);
      this.submitDeferredEvaluation();
      left -= chunk;
      if (this.stepCount % this.stepsPerEpoch === 0) {
        this.epochCount++;
        this.submitEvaluation();
        await this.afterEpoch(left);
      }
      await this.throttle();
    }
  }

  async trainEpochs(epochs: number): Promise<void> {
    await this.train(epochs * this.stepsPerEpoch - (this.stepCount % this.stepsPerEpoch));
  }

  /** Stops `train` after the submit in progress; metrics already queued still arrive. */
  stop(): void {
    this.stopped = true;
  }

  /** Evaluates the whole test set now (also done at every epoch's end). */
  evaluate(): void {
    this.submitDeferredEvaluation();
    this.submitEvaluation();
  }

  /**
   * Evaluates the test set as it is now, but queued behind the next training
   * step, which records: a whole test pass takes over a second on a software
   * adapter, and the first step and its record would wait behind it. The
   * state (parameters, optimiser, clock, metric sums) is copied now and
   * swapped in for that pass, so its record is the one `evaluate()` would
   * have made. It arrives after the next step's record. `flush()`, or
   * `evaluate()`, submits it at once.
   */
  evaluateAfterNextStep(): void {
    this.submitDeferredEvaluation();
    // Whole buffers, each once: named states may share one (a layer's moments), and a second swap would undo the first.
    const live = [...new Set(this.loopState().map((b) => b.buffer))];
    // Both sets allocated here, so that the training loop allocates nothing.
    const copies = (what: string) =>
      live.map((b) => this.ctx.buffers.create(`${b.label}.${what}`, b.size, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
    const saved = copies('saved');
    const held = copies('held');
    const encoder = this.ctx.device.createCommandEncoder({ label: 'state for a later evaluation' });
    live.forEach((b, i) => encoder.copyBufferToBuffer(b, 0, saved[i], 0, b.size));
    this.ctx.device.queue.submit([encoder.finish()]);
    this.deferred = { live, saved, held, position: { step: this.stepCount, epoch: this.epochCount, probed: this.probed } };
  }

  /** Waits for every queued metric record (submitting a deferred evaluation first). */
  async flush(): Promise<void> {
    this.submitDeferredEvaluation();
    while (this.pending.length) await Promise.all(this.pending.splice(0));
    this.ctx.throwIfFailed();
  }

  /** Stops training and frees every GPU buffer this trainer allocated (not the dataset's). */
  destroy(): void {
    this.stopped = true;
    this.dropDeferredEvaluation();
    this.res.buffers.destroy();
  }

  /** Samples per second since the previous record (readbacks arrive in bursts: noisy), and time since creation. */
  protected throughput(step: number, batchSize: number): { samplesPerSec: number; elapsedSec: number } {
    const now = performance.now();
    // A deferred evaluation's record comes after later steps': no rate of its own.
    if (step < this.lastRecord.step) return { samplesPerSec: 0, elapsedSec: (now - this.startTime) / 1000 };
    const dt = (now - (this.lastRecord.time || this.startTime)) / 1000;
    const samples = (step - this.lastRecord.step) * batchSize;
    this.lastRecord = { time: now, step };
    return { samplesPerSec: dt > 0 ? samples / dt : 0, elapsedSec: (now - this.startTime) / 1000 };
  }

  /** Keeps a readback's promise until it settles, so `flush` can wait for it. */
  protected track(p: Promise<void>): void {
    this.pending.push(p);
    // flush() reports a failure; this only forgets the promise once settled.
    const forget = () => (this.pending = this.pending.filter((x) => x !== p));
    p.then(forget, forget);
  }

  /**
   * Starts an asynchronous copy of `buffers`, the clock and the metric sums at
   * this point of the queue, with the loop's position now; only the returned
   * promise waits for the GPU. Safe between any two submits.
   */
  protected captureState(buffers: readonly NamedBuffer[]): Promise<SnapshotState> {
    const position: LoopPosition = {
      step: this.stepCount, epoch: this.epochCount, shuffles: this.shuffles, sinceCapture: this.sinceCapture, probed: this.probed,
    };
    const copies = readBuffersLater(this.ctx, [...buffers, { name: CLOCK, buffer: this.res.clock }, { name: METRICS, buffer: this.res.metrics }]);
    return copies.then((bytes) => {
      const out: Record<string, Float32Array> = {};
      for (const b of buffers) out[b.name] = new Float32Array(bytes.get(b.name)!);
      return {
        version: SNAPSHOT_VERSION, trainCount: this.res.trainCount, position,
        clock: new Uint32Array(bytes.get(CLOCK)!)[0], metrics: new Float32Array(bytes.get(METRICS)!), buffers: out,
      };
    });
  }

  /**
   * Writes a captured state back and moves the loop to its position. Every
   * size is checked before anything is written. `partial` writes only the
   * buffers the state holds (a rule switch leaves B out); otherwise the names
   * must match exactly. Call it between train() calls.
   */
  protected restoreState(s: SnapshotState, buffers: readonly NamedBuffer[], partial = false): void {
    if (s.version !== SNAPSHOT_VERSION) throw new ConfigError('snapshot', `has format ${s.version}; this engine reads format ${SNAPSHOT_VERSION}.`);
    if (s.trainCount !== this.res.trainCount) {
      throw new ConfigError('snapshot', `was taken on a training set of ${s.trainCount} examples; this one has ${this.res.trainCount}. Load the same dataset and subset.`);
    }
    const byName = new Map(buffers.map((b) => [b.name, b]));
    const writes: Array<[NamedBuffer, Float32Array]> = [];
    for (const [name, data] of Object.entries(s.buffers)) {
      const buffer = byName.get(name);
      if (!buffer) {
        if (partial) continue;
        throw new ConfigError('snapshot', `holds ${name}, which this trainer does not have; create the trainer from the snapshot's config.`);
      }
      const floats = buffer.floats ?? buffer.buffer.size / 4;
      if (data.length !== floats) {
        throw new ConfigError('snapshot', `holds ${data.length} values of ${name} where this trainer has ${floats}; the networks differ.`);
      }
      writes.push([buffer, data]);
    }
    const missing = buffers.find((b) => !(b.name in s.buffers));
    if (missing && !partial) throw new ConfigError('snapshot', `lacks ${missing.name}; create the trainer from the snapshot's config.`);
    if (s.metrics.byteLength !== this.res.metrics.size) throw new ConfigError('snapshot', 'holds metric sums of another network; create the trainer from its config.');
    // The state a deferred evaluation was to see is no longer this trainer's past.
    this.dropDeferredEvaluation();

    const queue = this.ctx.device.queue;
    for (const [b, data] of writes) queue.writeBuffer(b.buffer, (b.at ?? 0) * 4, data as Float32Array<ArrayBuffer>);
    queue.writeBuffer(this.res.clock, 0, Uint32Array.of(s.clock));
    queue.writeBuffer(this.res.metrics, 0, s.metrics as Float32Array<ArrayBuffer>);
    const p = s.position;
    this.stepCount = p.step;
    this.epochCount = p.epoch;
    this.sinceCapture = p.sinceCapture;
    this.probed = p.probed;
    this.lastRecord = { time: performance.now(), step: p.step };
    this.replayShuffles(p.shuffles);
  }

  /** Redraws the shuffle stream from its seed to `count` orders (the last is the current epoch's). */
  private replayShuffles(count: number): void {
    const rng = new Rng(this.res.shuffle.seed);
    let order: Uint32Array | null = null;
    for (let i = 0; i < count; i++) order = shuffledIndices(this.res.trainCount, rng);
    this.res.shuffle = rng;
    this.shuffles = count;
    if (order) this.ctx.device.queue.writeBuffer(this.res.order, 0, order as Uint32Array<ArrayBuffer>);
  }

  private writeEpochOrder(): void {
    this.shuffles++;
    const perm = shuffledIndices(this.res.trainCount, this.res.shuffle);
    this.ctx.device.queue.writeBuffer(this.res.order, 0, perm as Uint32Array<ArrayBuffer>);
  }

  /** `record`: capture the last step's metrics whatever the cadence. */
  private submitSteps(count: number, record = false): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'train steps' });
    const pass = encoder.beginComputePass();
    let snapshot = false;
    for (let i = 0; i < count; i++) {
      this.stepCount++;
      this.sinceCapture++;
      const probe = this.sinceCapture >= this.loop.metricsEvery || this.stepCount % this.stepsPerEpoch === 0 || (record && i === count - 1);
      encodeDispatches(pass, this.trainDispatches());
      this.encodeAfterStep(pass, this.stepCount);
      if (probe) {
        encodeDispatches(pass, this.probeDispatches());
        this.probed = true;
      }
      encodeDispatches(pass, this.updateDispatches());
      // Only the last step of a submit can be captured: probes of earlier ones would be overwritten.
      if (probe && i === count - 1) snapshot = true;
      else if (probe) this.sinceCapture = this.loop.metricsEvery - 1;
    }
    pass.end();
    const isEpochEnd = this.stepCount % this.stepsPerEpoch === 0;
    // At an epoch's end the snapshot waits for the evaluation that follows.
    const ticket = snapshot && !isEpochEnd ? this.res.reader.capture(encoder, 3) : null;
    const afterSubmit = this.captureAfterSteps(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
    afterSubmit?.();
    if (ticket) {
      // A record forced before its time leaves the count running: the next comes when it would have.
      if (this.sinceCapture >= this.loop.metricsEvery) this.sinceCapture = 0;
      this.queueRecord(this.res.reader.collect(ticket), this.stepCount, this.epochCount, false);
    }
  }

  private submitEvaluation(): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'evaluation' });
    const ticket = this.encodeEvaluation(encoder);
    this.ctx.device.queue.submit([encoder.finish()]);
    this.sinceCapture = 0;
    this.queueRecord(this.res.reader.collect(ticket), this.stepCount, this.epochCount, true);
  }

  /** The test pass and the capture of its sums (which clears the training sums). */
  private encodeEvaluation(encoder: GPUCommandEncoder) {
    encoder.clearBuffer(this.res.metrics, TEST_SLOT * 4, 12);
    const pass = encoder.beginComputePass();
    encodeDispatches(pass, this.evaluationDispatches());
    pass.end();
    return this.res.reader.capture(encoder, 3, true)!;
  }

  /**
   * The deferred evaluation, if one waits: the saved state swapped in for the
   * test pass, then the live state back. Due before anything replaces state buffers.
   */
  submitDeferredEvaluation(): void {
    const d = this.deferred;
    if (!d) return;
    const encoder = this.ctx.device.createCommandEncoder({ label: 'deferred evaluation' });
    d.live.forEach((b, i) => {
      encoder.copyBufferToBuffer(b, 0, d.held[i], 0, b.size);
      encoder.copyBufferToBuffer(d.saved[i], 0, b, 0, b.size);
    });
    const ticket = this.encodeEvaluation(encoder);
    d.live.forEach((b, i) => encoder.copyBufferToBuffer(d.held[i], 0, b, 0, b.size));
    this.ctx.device.queue.submit([encoder.finish()]);
    // Destroying after submit is safe: the queue keeps them until the copies ran.
    this.dropDeferredEvaluation();
    const { step, epoch, probed } = d.position;
    this.queueRecord(this.res.reader.collect(ticket), step, epoch, true, probed);
  }

  private dropDeferredEvaluation(): void {
    for (const b of [...(this.deferred?.saved ?? []), ...(this.deferred?.held ?? [])]) this.ctx.buffers.destroy(b);
    this.deferred = null;
  }

  /** The trainer's state with the loop's clock and metric sums. */
  private loopState(): NamedBuffer[] {
    return [...this.stateBuffers(), { name: CLOCK, buffer: this.res.clock }, { name: METRICS, buffer: this.res.metrics }];
  }

  private queueRecord(values: Promise<Float32Array>, step: number, epoch: number, withTest: boolean, probed = this.probed): void {
    this.track(
      values.then((v) => {
        const record = this.toRecord(v, step, epoch, withTest, probed);
        this.onRecord(record, withTest, probed);
        for (const l of this.listeners) l(record);
      }),
    );
  }

  // Keeps at most maxInFlight submits queued: a fence, not a readback.
  private async throttle(): Promise<void> {
    this.inFlight.push(this.ctx.device.queue.onSubmittedWorkDone());
    while (this.inFlight.length > this.loop.maxInFlight) await this.inFlight.shift();
    this.ctx.throwIfFailed();
  }
}
