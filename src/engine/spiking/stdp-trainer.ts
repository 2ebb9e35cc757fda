// Trains with the spike-only rules, EMSTDP and BP-STDP: integrate-and-fire
// neurons, errors carried by spikes, and local updates applied by the rules'
// own kernels at the end of each example window (no optimiser, no BPTT). The
// loop is the shared StepLoop; records have the SpikingTrainer's shape, with
// a rule-specific loss proxy (EMSTDP: output error spikes per example;
// BP-STDP: |xi| per example) and no per-layer rates, which these windows do
// not keep.
import type { GpuDataset } from '../data/gpu-dataset';
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { gatherBatch } from '../kernels/gather-batch';
import { initialParameters } from '../layers/init';
import { RateNetwork } from '../layers/network';
import { TEST_SLOT, TRAIN_SLOT } from '../metrics/layout';
import { MetricsReader } from '../metrics/metrics-reader';
import { Rng } from '../rng';
import { findRule } from '../rules/registry';
import type { RuleSpec } from '../rules/rule';
import { type LoopOptions, type LoopResources, StepLoop } from '../training/step-loop';
import { allocateBpstdpBatch, bpstdpBackward, bpstdpForward, bpstdpOutputPass, bpstdpParams } from './bpstdp-passes';
import { emstdpEpsilon, feedbackRuleOf, isStdpRule, type SpikingConfig, validateSpikingConfig } from './config';
import { allocateEmstdpBatch, createEmstdp, DEFAULT_EMSTDP, emstdpForward, emstdpMetricsPass, emstdpUpdates } from './emstdp-passes';
import { largestSpikeArray } from './passes';
import { checkSnapshotFits, configDifference, type NamedBuffer, networkState, type SpikingSnapshot, type TrainerSnapshot } from '../session/trainer-snapshot';
import type { SpikingMetricsRecord, SpikingTrainerOptions } from './trainer';

/** Streams of the input (and teacher, +1) draws: training and test never share one. */
const STREAM = { train: 40, test: 42 } as const;

const DEFAULTS: LoopOptions & { evalRows: number } = { metricsEvery: 50, stepsPerSubmit: 2, maxInFlight: 2, evalRows: 500 };

/** Each rule's step and evaluation-chunk dispatches, after the shared gather. */
interface StdpProgram {
  X: GPUBuffer;
  labels: GPUBuffer;
  /** State of the rule's own beyond the network's parameters (EMSTDP's packed weights and masks). */
  state: NamedBuffer[];
  train: Dispatch[];
  /** Per evaluation chunk of `rows` rows, the gather's target and the passes. */
  evaluation: Array<{ X: GPUBuffer; labels: GPUBuffer; rows: number; offset: number; passes: Dispatch[] }>;
}

export class StdpTrainer extends StepLoop<SpikingMetricsRecord> {
  readonly rule: RuleSpec;

  private constructor(
    ctx: GpuContext,
    readonly config: SpikingConfig,
    readonly data: GpuDataset,
    readonly network: RateNetwork,
    private readonly trainStep: Dispatch[],
    private readonly evaluation: Dispatch[],
    /** Every buffer that carries over from one step to the next. */
    private readonly state: NamedBuffer[],
    loop: LoopOptions,
    res: LoopResources,
  ) {
    super(ctx, loop, res, config.batchSize);
    this.rule = findRule(feedbackRuleOf(config.rule, config));
  }

  static async create(ctx: GpuContext, data: GpuDataset, config: SpikingConfig, opts: SpikingTrainerOptions = {}): Promise<StdpTrainer> {
    validateSpikingConfig(config);
    if (!isStdpRule(config.rule)) throw new ConfigError('rule', `"${config.rule}" is not a spike-only rule; use SpikingTrainer.`);
    if (opts.record) throw new ConfigError('record', `${config.rule} keeps no per-step spike arrays to record; recording needs a surrogate-gradient, e-prop or TSSL-BP rule.`);
    if (config.batchSize > data.train.count) {
      throw new ConfigError('batchSize', `is ${config.batchSize} but the training set has only ${data.train.count} examples.`);
    }
    const loop = { ...DEFAULTS, ...opts };
    // Every pipeline compiles at once; nothing is encoded before they are all ready.
    const { value, group } = await ctx.pipelines.batch(
      () => ctx.buffers.grouped(() => StdpTrainer.build(ctx, data, config, loop)),
      (built) => built.group.destroy(),
    );
    const [net, trainStep, evaluation, metrics, clock, reader, order, state] = value;
    const res = { metrics, clock, reader, order, trainCount: data.train.count, shuffle: new Rng(config.seed).fork(3), buffers: group };
    return new StdpTrainer(ctx, config, data, net, trainStep, evaluation, [...networkState(net), ...state], loop, res);
  }

  private static async build(ctx: GpuContext, data: GpuDataset, config: SpikingConfig, loop: typeof DEFAULTS) {
    const rule = findRule(feedbackRuleOf(config.rule, config));
    const sizes = [data.pixels, ...config.hidden, data.classes];
    const evalRows = Math.min(loop.evalRows, data.test.count);
    ctx.buffers.checkFits(
      `A spiking network of ${sizes.join('-')} over T = ${config.steps} steps with batch ${config.batchSize}`,
      largestSpikeArray(sizes, config.steps, Math.max(config.batchSize, evalRows)),
    );
    const init = initialParameters(sizes, 'relu', 'auto', rule.feedback, config.seed);
    const net = RateNetwork.create(ctx, init, 'relu', rule.feedback, false);
    const r = ctx.buffers;
    const clock = r.storage('stdp.clock', 4);
    const floats = 6;
    const metrics = r.storage('stdp.metrics', floats);
    const reader = new MetricsReader(ctx, metrics, floats * 4);
    const order = r.storage('stdp.train.order', data.train.count);
    const testOrder = r.createWithData('stdp.test.order', Uint32Array.from({ length: data.test.count }, (_, i) => i));
    const seed = new Rng(config.seed).fork(4).nextU32();
    const program = await ctx.checked(() =>
      config.rule === 'emstdp'
        ? emstdpProgram(ctx, net, init, config, data, evalRows, metrics, clock, seed)
        : bpstdpProgram(ctx, net, config, data, evalRows, metrics, clock, seed),
    );
    const stepsPerEpoch = Math.floor(data.train.count / config.batchSize);
    const trainStep = [
      await gatherBatch(ctx, {
        images: data.train.images, labels: data.train.labels, index: order, clock, X: program.X, Y: program.labels,
        rows: config.batchSize, pixels: data.pixels, useClock: true, stepsPerEpoch, label: 'stdp.train.gather',
      }),
      ...program.train,
    ];
    const evaluation: Dispatch[] = [];
    for (const chunk of program.evaluation) {
      evaluation.push(
        await gatherBatch(ctx, {
          images: data.test.images, labels: data.test.labels, index: testOrder, clock, X: chunk.X, Y: chunk.labels,
          rows: chunk.rows, pixels: data.pixels, useClock: false, offset: chunk.offset, label: `stdp.eval@${chunk.offset}.gather`,
        }),
        ...chunk.passes,
      );
    }
    ctx.throwIfFailed();
    return [net, trainStep, evaluation, metrics, clock, reader, order, program.state] as const;
  }

  /** Every parameter and rule state buffer, the clock, metric sums and loop position, read back asynchronously. */
  async snapshot(): Promise<SpikingSnapshot> {
    const config = structuredClone(this.config);
    const state = await this.captureState(this.stateBuffers());
    return { kind: 'spiking', config, paths: [], ...state };
  }

  /** Continues from `s` exactly as the trainer it was taken from would; every setting must match. */
  async restore(s: TrainerSnapshot): Promise<void> {
    if (s.kind !== 'spiking') throw new ConfigError('snapshot', 'is of a rate network and this trainer trains a spiking network.');
    const differs = configDifference(s.config, this.config, []);
    if (differs) throw new ConfigError('snapshot', `was taken with another ${differs}; create the trainer from the snapshot's config.`);
    checkSnapshotFits(s, this.network, this.data.train.count);
    this.restoreState(s, this.stateBuffers());
  }

  protected trainDispatches(): readonly Dispatch[] {
    return this.trainStep;
  }

  protected probeDispatches(): readonly Dispatch[] {
    return [];
  }

  /** The rules update their weights inside the training step. */
  protected updateDispatches(): readonly Dispatch[] {
    return [];
  }

  protected stateBuffers(): readonly NamedBuffer[] {
    return this.state;
  }

  protected evaluationDispatches(): readonly Dispatch[] {
    return this.evaluation;
  }

  protected toRecord(v: Float32Array, step: number, epoch: number, withTest: boolean): SpikingMetricsRecord {
    const { samplesPerSec, elapsedSec } = this.throughput(step, this.config.batchSize);
    const n = v[TRAIN_SLOT + 2];
    const tn = v[TEST_SLOT + 2];
    const trainLoss = n > 0 ? v[TRAIN_SLOT] / n : Number.NaN;
    return {
      step,
      epoch,
      trainLoss,
      trainAcc: n > 0 ? v[TRAIN_SLOT + 1] / n : Number.NaN,
      testLoss: withTest && tn > 0 ? v[TEST_SLOT] / tn : null,
      testAcc: withTest && tn > 0 ? v[TEST_SLOT + 1] / tn : null,
      layers: this.network.layers.map((l) => ({ layer: l.index, firingRate: Number.NaN, maxAbsMembrane: Number.NaN, nonFinite: 0, weightAngle: null })),
      warnings: [],
      samplesPerSec,
      elapsedSec,
      // The loss proxies are counts, not losses: only a non-finite value means divergence.
      diverged: n > 0 && !Number.isFinite(trainLoss),
    };
  }
}

/** Evaluation chunks of at most `evalRows` rows over the test set. */
function chunks(testCount: number, evalRows: number): Array<{ offset: number; rows: number }> {
  const out = [];
  for (let offset = 0; offset < testCount; offset += evalRows) out.push({ offset, rows: Math.min(evalRows, testCount - offset) });
  return out;
}

async function emstdpProgram(
  ctx: GpuContext, net: RateNetwork, init: Parameters<typeof createEmstdp>[2], c: SpikingConfig, data: GpuDataset,
  evalRows: number, metrics: GPUBuffer, clock: GPUBuffer, seed: number,
): Promise<StdpProgram> {
  const feedback = ({ symmetric: 'transpose', random: 'backward', direct: 'direct' } as const)[c.emstdp.feedback];
  const e = createEmstdp(ctx, net, init, { ...DEFAULT_EMSTDP, steps: c.steps, feedback, lr: c.emstdp.lr, epsilon: emstdpEpsilon(c), inputGain: c.encoderGain });
  const train = allocateEmstdpBatch(ctx, net, e, c.batchSize, 'emstdp.train');
  const test = allocateEmstdpBatch(ctx, net, e, evalRows, 'emstdp.eval');
  const draws = { clock, seed };
  const evaluation = [];
  for (const { offset, rows } of chunks(data.test.count, evalRows)) {
    const chunk = { ...test, rows };
    const label = `emstdp.eval@${offset}`;
    evaluation.push({
      X: chunk.X, labels: chunk.labels, rows, offset,
      passes: [
        ...(await emstdpForward(ctx, net, e, chunk, { ...draws, training: false, stream: STREAM.test, label })),
        await emstdpMetricsPass(ctx, net, chunk, { metrics, clock, slot: TEST_SLOT, tick: false, label: `${label}.metrics` }),
      ],
    });
  }
  const state = [{ name: 'emstdp.Wp', buffer: e.Wp }, ...(e.Fp ? [{ name: 'emstdp.Fp', buffer: e.Fp }] : []), ...e.m.map((m, i) => ({ name: `emstdp.m${i + 1}`, buffer: m }))];
  return {
    X: train.X, labels: train.labels, evaluation, state,
    train: [
      ...(await emstdpForward(ctx, net, e, train, { ...draws, training: true, stream: STREAM.train, label: 'emstdp.train' })),
      await emstdpMetricsPass(ctx, net, train, { metrics, clock, slot: TRAIN_SLOT, tick: true, label: 'emstdp.train.metrics' }),
      ...(await emstdpUpdates(ctx, net, e, train)),
    ],
  };
}

async function bpstdpProgram(
  ctx: GpuContext, net: RateNetwork, c: SpikingConfig, data: GpuDataset,
  evalRows: number, metrics: GPUBuffer, clock: GPUBuffer, seed: number,
): Promise<StdpProgram> {
  const p = bpstdpParams(net.layers.length, { ...c.bpstdp, steps: c.steps });
  const train = allocateBpstdpBatch(ctx, net, p, c.batchSize, 'bpstdp.train', true);
  const test = allocateBpstdpBatch(ctx, net, p, evalRows, 'bpstdp.eval', false);
  const trainDraws = { clock, seed, stream: STREAM.train };
  const evaluation = [];
  for (const { offset, rows } of chunks(data.test.count, evalRows)) {
    const chunk = { ...test, rows };
    const label = `bpstdp.eval@${offset}`;
    evaluation.push({
      X: chunk.X, labels: chunk.labels, rows, offset,
      passes: [
        ...(await bpstdpForward(ctx, net, chunk, p, { clock, seed, stream: STREAM.test }, label)),
        ...(await bpstdpOutputPass(ctx, net, chunk, p, { metrics, clock, slot: TEST_SLOT, label: `${label}.out` })),
      ],
    });
  }
  return {
    X: train.X, labels: train.labels, evaluation, state: [],
    train: [
      ...(await bpstdpForward(ctx, net, train, p, trainDraws, 'bpstdp.train')),
      ...(await bpstdpOutputPass(ctx, net, train, p, { metrics, clock, slot: TRAIN_SLOT, draws: trainDraws, label: 'bpstdp.train.out' })),
      ...(await bpstdpBackward(ctx, net, train, p)),
    ],
  };
}
