import type { GpuDataset } from '../data/gpu-dataset';
import { type Dispatch, encodeDispatches } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { angleDegrees, dotProducts } from '../kernels/dot-products';
import { gatherBatch } from '../kernels/gather-batch';
import { layerHealth } from '../kernels/layer-health';
import { initialParameters } from '../layers/init';
import { type DenseLayer, RateNetwork } from '../layers/network';
import { layerSlot, metricsFloats, TEST_SLOT, TRAIN_SLOT } from '../metrics/layout';
import { type LayerWarning, layerWarnings } from '../metrics/layer-warnings';
import { MetricsReader } from '../metrics/metrics-reader';
import { type ParameterUpdate, parameterSettings, parameterUpdates } from '../optimizers/parameter-updates';
import { Rng } from '../rng';
import { findRule } from '../rules/registry';
import type { RuleSpec } from '../rules/rule';
import { checkSnapshotFits, configDifference, type NamedBuffer, networkState, type SpikingSnapshot, type TrainerSnapshot } from '../session/trainer-snapshot';
import { DEFAULT_CONFIG, type TrainConfig } from '../training/config';
import { type LoopResources, StepLoop } from '../training/step-loop';
import { feedbackRuleOf, isStdpRule, layerNeuron, type SpikingConfig, validateSpikingConfig } from './config';
import { allocateRuleBatch, stepPasses, trainsFeedbackWeights } from './step-program';
import { largestSpikeArray, type Propagation, type SpikeBatch } from './passes';
import { prefersEventDriven } from '../kernels/spike-propagation';
import { Recorder, type RecordingCapture, type RecordOptions, type SpikingRecording, validateRecordOptions } from './recording';

export interface SpikingLayerMetrics {
  layer: number;
  /** Spikes per neuron per step over the latest probed batch. */
  firingRate: number;
  /** Largest finite |U| over that batch. */
  maxAbsMembrane: number;
  /** NaN or infinite membrane values in that batch. */
  nonFinite: number;
  /** angle(W, B^T) in degrees; null under backprop or where B has another shape (DFA). */
  weightAngle: number | null;
}

export interface SpikingMetricsRecord {
  step: number;
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number | null;
  testAcc: number | null;
  layers: SpikingLayerMetrics[];
  /** Silent, saturated, exploding or NaN layers, from the same batch as the rates. */
  warnings: LayerWarning[];
  samplesPerSec: number;
  elapsedSec: number;
  diverged: boolean;
}

export interface SpikingTrainerOptions {
  metricsEvery?: number;
  stepsPerSubmit?: number;
  maxInFlight?: number;
  /** Rows per evaluation chunk (each holds T x rows x pixels floats of input). */
  evalRows?: number;
  /** Rasters and membrane traces for display, delivered to `onRecording`; off when absent. */
  record?: RecordOptions;
  /**
   * Input currents by dense matmul, by event-driven propagation, or ('auto')
   * per layer by the measured firing rate of its input (prefersEventDriven).
   */
  propagation?: 'auto' | Propagation;
}

type RecordingListener = (r: SpikingRecording) => void;
type Options = Required<Omit<SpikingTrainerOptions, 'record'>> & Pick<SpikingTrainerOptions, 'record'>;

const DEFAULTS: Options = { metricsEvery: 50, stepsPerSubmit: 2, maxInFlight: 2, evalRows: 500, propagation: 'auto' };
const DIVERGED_LOSS_FACTOR = 10;

/** A variant of the step and evaluation dispatches, for one propagation path per layer. */
interface StepVariant {
  key: string;
  paths: Propagation[];
  train: Dispatch[];
  evaluation: Dispatch[];
}

function pathFor(density: number, nIn: number, nOut: number): Propagation {
  return Number.isFinite(density) && prefersEventDriven(density, nIn, nOut) ? 'event' : 'dense';
}

/** Expected share of input pixels spiking per step: Poisson and rate codes fire at gain x the mean intensity. */
function inputDensity(config: SpikingConfig, data: GpuDataset): number {
  if (config.encoder === 'current') return 1;
  if (config.encoder === 'latency') return 1 / config.steps;
  return Math.min(1, data.pixelMean * config.encoderGain);
}

/** Paths before any rate is measured: the input's expected density picks layer 1's; deeper layers start dense. */
function initialPropagation(choice: 'auto' | Propagation, config: SpikingConfig, data: GpuDataset, layer: DenseLayer): Propagation {
  if (config.rule === 'tssl-bp' || config.rule === 'eprop') return 'dense';
  if (choice !== 'auto') return choice;
  return layer.index === 1 ? pathFor(inputDensity(config, data), layer.nIn, layer.nOut) : 'dense';
}

/** Health slots (spike sum, max |U|, non-finite count) follow the rate network's metric slots. */
function healthSlot(layers: number, l: number): number {
  return metricsFloats(layers) + 3 * (l - 1);
}

/** The rate-engine settings the shared optimiser code reads. */
function asTrainConfig(c: SpikingConfig, rule: RuleSpec): TrainConfig {
  return {
    ...DEFAULT_CONFIG, rule: rule.id, optimizer: c.optimizer, tiedDecay: c.tiedDecay, batchSize: c.batchSize, seed: c.seed,
    lrSchedule: c.lrSchedule, scheduleEpochs: c.scheduleEpochs, warmupEpochs: c.warmupEpochs,
  };
}

/**
 * Trains a spiking network by surrogate-gradient BPTT over one of the rate
 * engine's backward pathways. Like the rate trainer, every step is prebuilt as
 * dispatches; metrics come back through staging buffers, never awaited in the loop.
 */
export class SpikingTrainer extends StepLoop<SpikingMetricsRecord> {
  readonly rule: RuleSpec;
  private recordingListeners: RecordingListener[] = [];
  private wantedPaths: Propagation[];
  private variants = new Map<string, StepVariant>();
  private readonly updateStep: Dispatch[];

  private constructor(
    ctx: GpuContext,
    readonly config: SpikingConfig,
    readonly data: GpuDataset,
    readonly network: RateNetwork,
    private readonly options: Options,
    private variant: StepVariant,
    private readonly buildVariant: (paths: Propagation[]) => Promise<StepVariant>,
    private readonly probeStep: Dispatch[],
    private readonly updates: ParameterUpdate[],
    /** The training batch's buffers (spikes, membranes...), for tests and debugging. */
    readonly batch: SpikeBatch,
    private readonly recorder: Recorder | null,
    res: LoopResources,
  ) {
    super(ctx, options, res, config.batchSize);
    this.rule = findRule(feedbackRuleOf(config.rule));
    this.wantedPaths = variant.paths.slice();
    this.updateStep = updates.map((u) => u.dispatch);
  }

  static async create(ctx: GpuContext, data: GpuDataset, config: SpikingConfig, opts: SpikingTrainerOptions = {}): Promise<SpikingTrainer> {
    validateSpikingConfig(config);
    if (isStdpRule(config.rule)) throw new ConfigError('rule', `${config.rule} trains with its own neurons and updates: create it with createSpikingTrainer.`);
    // Every pipeline compiles at once; nothing is encoded before they are all ready.
    const { value, group } = await ctx.pipelines.batch(
      () => ctx.buffers.grouped(() => SpikingTrainer.build(ctx, data, config, opts)),
      (built) => built.group.destroy(),
    );
    const [net, options, metrics, clock, order, reader, variant, buildVariant, probeStep, updates, shuffle, batch, recorder] = value;
    const res = { metrics, clock, reader, order, trainCount: data.train.count, shuffle, buffers: group };
    return new SpikingTrainer(ctx, config, data, net, options, variant, buildVariant, probeStep, updates, batch, recorder, res);
  }

  private static async build(ctx: GpuContext, data: GpuDataset, config: SpikingConfig, opts: SpikingTrainerOptions) {
    const options = { ...DEFAULTS, ...opts };
    if (config.batchSize > data.train.count) {
      throw new ConfigError('batchSize', `is ${config.batchSize} but the training set has only ${data.train.count} examples.`);
    }
    if (options.record) validateRecordOptions(options.record, config.batchSize);
    const rule = findRule(feedbackRuleOf(config.rule));
    const sizes = [data.pixels, ...config.hidden, data.classes];
    const evalRows = Math.min(options.evalRows, data.test.count);
    ctx.buffers.checkFits(
      `A spiking network of ${sizes.join('-')} over T = ${config.steps} steps with batch ${config.batchSize}`,
      largestSpikeArray(sizes, config.steps, Math.max(config.batchSize, evalRows)),
    );
    const init = initialParameters(sizes, 'relu', 'auto', rule.feedback, config.seed);
    const net = RateNetwork.create(ctx, init, 'relu', rule.feedback, trainsFeedbackWeights(config));
    const train = allocateRuleBatch(ctx, net, config, config.batchSize, 'snn.train', true);
    const test = allocateRuleBatch(ctx, net, config, evalRows, 'snn.eval', false);

    const r = ctx.buffers;
    const clock = r.storage('snn.clock', 4);
    const L = net.layers.length;
    const floats = healthSlot(L, L + 1);
    const metrics = r.storage('snn.metrics', floats);
    const order = r.storage('snn.train.order', data.train.count);
    const testOrder = r.createWithData('snn.test.order', Uint32Array.from({ length: data.test.count }, (_, i) => i));
    const reader = new MetricsReader(ctx, metrics, floats * 4);
    const noiseSeed = new Rng(config.seed).fork(4).nextU32();
    const stepsPerEpoch = Math.floor(data.train.count / config.batchSize);
    const step = { net, config, feedback: rule.feedback, metrics, clock, noiseSeed, classes: data.classes, pixels: data.pixels };

    const buildVariant = async (paths: Propagation[]): Promise<StepVariant> => {
      const trainStep = await ctx.checked(async () => [
        await gatherBatch(ctx, {
          images: data.train.images, labels: data.train.labels, index: order, clock, X: train.X, Y: train.labels,
          rows: train.rows, pixels: data.pixels, useClock: true, stepsPerEpoch, label: 'snn.train.gather',
        }),
        ...(await stepPasses(ctx, step, train, true, TRAIN_SLOT, 'snn.train', paths)),
      ]);
      const evaluation: Dispatch[] = [];
      for (let offset = 0; offset < data.test.count; offset += test.rows) {
        const rows = Math.min(test.rows, data.test.count - offset);
        const chunk: SpikeBatch = { ...test, rows };
        const label = `snn.eval@${offset}`;
        evaluation.push(
          await gatherBatch(ctx, { images: data.test.images, labels: data.test.labels, index: testOrder, clock, X: chunk.X, Y: chunk.labels, rows, pixels: data.pixels, useClock: false, offset, label: `${label}.gather` }),
          ...(await stepPasses(ctx, step, chunk, false, TEST_SLOT, label, paths)),
        );
      }
      return { key: paths.join(','), paths, train: trainStep, evaluation };
    };
    const initialPaths = net.layers.map((l) => initialPropagation(options.propagation, config, data, l));
    const variant = await buildVariant(initialPaths);
    const probeStep = await probes(ctx, net, train, metrics, rule);
    const updates = await parameterUpdates(ctx, net, asTrainConfig(config, rule), rule, clock, noiseSeed, stepsPerEpoch);
    const recorder = options.record ? await ctx.checked(() => Recorder.create(ctx, net, train, clock, options.record!)) : null;
    ctx.throwIfFailed();
    return [
      net, options, metrics, clock, order, reader,
      variant, buildVariant, probeStep, updates, new Rng(config.seed).fork(3), train, recorder,
    ] as const;
  }

  /**
   * Recordings (with the `record` option), delivered asynchronously: each
   * arrives some submits after its step, and some are dropped when the host
   * reads slower than the ring fills.
   */
  onRecording(listener: RecordingListener): () => void {
    this.recordingListeners.push(listener);
    return () => (this.recordingListeners = this.recordingListeners.filter((l) => l !== listener));
  }

  override async flush(): Promise<void> {
    if (this.recorder?.pending) {
      // Slots still waiting for a staging buffer: read them now.
      const encoder = this.ctx.device.createCommandEncoder({ label: 'snn recording' });
      const capture = this.recorder.capture(encoder, true);
      this.ctx.device.queue.submit([encoder.finish()]);
      if (capture) this.queueRecording(capture);
    }
    await super.flush();
  }

  /** The propagation path of each layer's input currents in use now. */
  get propagation(): readonly Propagation[] {
    return this.variant.paths;
  }

  protected trainDispatches(): readonly Dispatch[] {
    return this.variant.train;
  }

  protected probeDispatches(): readonly Dispatch[] {
    return this.probeStep;
  }

  protected updateDispatches(): readonly Dispatch[] {
    return this.updateStep;
  }

  /** Changes the optimiser's learning rate (W, b and any trained B) from the next submit. */
  setLearningRate(lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new ConfigError('optimizer.lr', `must be a finite number of at least 0 (got ${lr}).`);
    this.config.optimizer.lr = lr;
    const s = parameterSettings(asTrainConfig(this.config, this.rule), this.rule, this.stepsPerEpoch);
    for (const u of this.updates) u.update(s);
  }

  /** Parameters, optimiser state, clock, metric sums, loop position and propagation paths, read back asynchronously. */
  async snapshot(): Promise<SpikingSnapshot> {
    const config = structuredClone(this.config);
    const paths = this.wantedPaths.slice();
    const state = await this.captureState(this.stateBuffers());
    return { kind: 'spiking', config, paths, ...state };
  }

  /**
   * Continues from `s` exactly as the trainer it was taken from would; its
   * learning rate is adopted, every other setting must match. `partial`
   * writes only the buffers `s` holds (a rule switch leaves B out).
   */
  async restore(s: TrainerSnapshot, options: { partial?: boolean } = {}): Promise<void> {
    if (s.kind !== 'spiking') throw new ConfigError('snapshot', 'is of a rate network and this trainer trains a spiking network.');
    const differs = configDifference(s.config, this.config, ['optimizer.lr']);
    if (differs) throw new ConfigError('snapshot', `was taken with another ${differs}; create the trainer from the snapshot's config.`);
    checkSnapshotFits(s, this.network, this.data.train.count);
    this.restoreState(s, this.stateBuffers(), options.partial);
    this.setLearningRate(s.config.optimizer.lr);
    if (s.paths.length === this.network.layers.length) this.wantedPaths = s.paths.slice();
  }

  protected stateBuffers(): readonly NamedBuffer[] {
    return networkState(this.network);
  }

  protected evaluationDispatches(): readonly Dispatch[] {
    return this.variant.evaluation;
  }

  /** Switches to the paths the latest firing rates ask for; dispatches are built once per combination. */
  protected override async beforeSubmit(): Promise<void> {
    const key = this.wantedPaths.join(',');
    if (key === this.variant.key) return;
    let next = this.variants.get(key);
    if (!next) {
      const paths = this.wantedPaths.slice();
      next = (await this.ctx.buffers.grouped(() => this.buildVariant(paths), this.res.buffers)).value;
      this.variants.set(key, next);
    }
    this.variants.set(this.variant.key, this.variant);
    this.variant = next;
  }

  /** 'auto' waits once per epoch for the epoch's rates, never inside it. */
  protected override async afterEpoch(left: number): Promise<void> {
    if (this.options.propagation === 'auto' && left > 0) await this.flush();
  }

  protected override encodeAfterStep(pass: GPUComputePassEncoder, step: number): void {
    if (!this.recorder?.due(step)) return;
    encodeDispatches(pass, this.recorder.dispatches);
    this.recorder.recorded(step);
  }

  protected override captureAfterSteps(encoder: GPUCommandEncoder): (() => void) | undefined {
    const recording = this.recorder?.capture(encoder);
    // Collected once the submit that holds the copy is queued.
    return recording ? () => this.queueRecording(recording) : undefined;
  }

  /** Only the epoch-end record picks paths, so the switch lands at the same step in every run. */
  protected override onRecord(record: SpikingMetricsRecord, withTest: boolean, probed: boolean): void {
    if (withTest && probed) this.choosePaths(record.layers);
  }

  private queueRecording(capture: RecordingCapture): void {
    this.track(
      this.recorder!.collect(capture).then((recordings) => {
        for (const r of recordings) for (const l of this.recordingListeners) l(r);
      }),
    );
  }

  /** 'auto': each layer takes the path its input's measured density favours. */
  private choosePaths(layers: readonly SpikingLayerMetrics[]): void {
    if (this.options.propagation !== 'auto' || this.config.rule === 'tssl-bp' || this.config.rule === 'eprop') return;
    this.wantedPaths = this.network.layers.map((layer) => {
      const density = layer.index === 1 ? inputDensity(this.config, this.data) : layers[layer.index - 2].firingRate;
      return pathFor(density, layer.nIn, layer.nOut);
    });
  }

  protected toRecord(v: Float32Array, step: number, epoch: number, withTest: boolean, probed: boolean): SpikingMetricsRecord {
    const { samplesPerSec, elapsedSec } = this.throughput(step, this.config.batchSize);
    const n = v[TRAIN_SLOT + 2];
    const trainLoss = n > 0 ? v[TRAIN_SLOT] / n : Number.NaN;
    const L = this.network.layers.length;
    const layers = this.network.layers.map((layer): SpikingLayerMetrics => {
      const w = layerSlot(layer.index, 'weight');
      const hasAngle = this.rule.feedback !== 'transpose' && layer.feedbackCols === layer.nOut;
      const cells = this.config.steps * this.config.batchSize * layer.nOut;
      const h = healthSlot(L, layer.index);
      return {
        layer: layer.index,
        firingRate: v[h] / cells,
        maxAbsMembrane: v[h + 1],
        nonFinite: v[h + 2],
        weightAngle: this.rule.feedback === 'transpose' ? 0 : hasAngle ? angleDegrees(v[w], v[w + 1], v[w + 2]) : null,
      };
    });
    // Before the first probe the health slots are zeros, not a silent network.
    const warnings = probed
      ? layerWarnings(
          layers.map((l) => l.firingRate),
          layers.map((l) => l.maxAbsMembrane),
          layers.map((l) => l.nonFinite),
          layers.map((l) => layerNeuron(this.config, l.layer).threshold),
          // e-prop's output layer is a leaky readout that never spikes: nothing to warn about.
        ).filter((w) => !(this.config.rule === 'eprop' && w.layer === L))
      : [];
    const tn = v[TEST_SLOT + 2];
    return {
      step,
      epoch,
      trainLoss,
      trainAcc: n > 0 ? v[TRAIN_SLOT + 1] / n : Number.NaN,
      testLoss: withTest && tn > 0 ? v[TEST_SLOT] / tn : null,
      testAcc: withTest && tn > 0 ? v[TEST_SLOT + 1] / tn : null,
      layers,
      warnings,
      samplesPerSec,
      elapsedSec,
      diverged: n > 0 && !(trainLoss < DIVERGED_LOSS_FACTOR * Math.log(this.data.classes)),
    };
  }
}

/** Metric-step dispatches: each layer's health (spike count, max |U|, NaNs) and, where B mirrors W's shape, angle(W, B^T). */
async function probes(ctx: GpuContext, net: RateNetwork, batch: SpikeBatch, metrics: GPUBuffer, rule: RuleSpec): Promise<Dispatch[]> {
  const L = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  for (const layer of net.layers) {
    const l = layer.index;
    out.push(
      layerHealth(ctx, { S: batch.S[l - 1], U: batch.U[l - 1], out: metrics, rows: batch.steps * batch.rows, cols: layer.nOut, slot: healthSlot(L, l), label: `snn.probe.health${l}` }),
    );
    if (rule.feedback !== 'transpose' && layer.B && layer.feedbackCols === layer.nOut) {
      out.push(dotProducts(ctx, { X: layer.W, Y: layer.B, out: metrics, rows: layer.nOut, cols: layer.nIn, transposeY: true, slot: layerSlot(l, 'weight'), label: `snn.probe.weight${l}` }));
    }
  }
  return Promise.all(out);
}
