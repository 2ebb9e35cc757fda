import type { GpuDataset } from '../data/gpu-dataset';
import { BufferGroup } from '../device/buffer-registry';
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { gatherBatch } from '../kernels/gather-batch';
import { outputLoss } from '../kernels/output-loss';
import { canPairMatmuls, type SecondProduct } from '../kernels/matmul';
import { angleDegrees } from '../kernels/dot-products';
import { backwardPass } from '../layers/backward-pass';
import { type FeedbackProduct, feedbackTerms, forwardProductBuffer, fusesFeedbackStep, regularizerGradient, storedFeedbackGradient } from '../layers/feedback-update';
import { forwardPass } from '../layers/forward-pass';
import { initialParameters } from '../layers/init';
import { type BatchBuffers, RateNetwork } from '../layers/network';
import { alignmentProbes } from '../metrics/alignment-probes';
import { layerSlot, metricsFloats, TEST_SLOT, TRAIN_SLOT } from '../metrics/layout';
import { MetricsReader } from '../metrics/metrics-reader';
import { canFusePairedUpdate, canFuseTwinStep, canFuseUpdates, WEIGHT_UPDATE_STORAGE_BINDINGS } from '../kernels/weight-update';
import { CHUNK_ALIGN, type EvaluationChunk, evaluationChunks } from './evaluation-chunks';
import { fusedFeedbackUpdates, fusedParameterUpdates, type ParameterUpdate, parameterSettings, parameterUpdates } from '../optimizers/parameter-updates';
import { Rng } from '../rng';
import { findRule } from '../rules/registry';
import { type Coefficients, type RuleSpec, trainsFeedback } from '../rules/rule';
import { FeedbackSwitch } from '../session/feedback-switch';
import { checkSnapshotFits, configDifference, type NamedBuffer, networkState, type RateSnapshot, type TrainerSnapshot } from '../session/trainer-snapshot';
import { SPIKING_RULES } from '../spiking/config';
import type { TrainConfig } from './config';
import { type LoopResources, StepLoop } from './step-loop';
import { validateConfig } from './config';

export interface LayerMetrics {
  layer: number;
  /** angle(W, B^T) in degrees; null where B has another shape (DFA) or under backprop. */
  weightAngle: number | null;
  /** angle(B delta, W^T delta) in degrees; null for the first layer. */
  gradientAngle: number | null;
  /** angle(rule's dW, backprop's dW) in degrees, when requested. */
  bpAngle: number | null;
  weightNorm: number | null;
  feedbackNorm: number | null;
}

export interface MetricsRecord {
  step: number;
  epoch: number;
  /** Mean loss and accuracy over the steps since the previous record. */
  trainLoss: number;
  trainAcc: number;
  testLoss: number | null;
  testAcc: number | null;
  layers: LayerMetrics[];
  samplesPerSec: number;
  elapsedSec: number;
  /** Loss became NaN, infinite, or over ten times chance level. */
  diverged: boolean;
}

export interface TrainerOptions {
  /** Steps between metric records (each costs one async readback). */
  metricsEvery?: number;
  /** Also measure angle(rule's dW, backprop's dW): an extra backward pass on metric steps. */
  bpAngles?: boolean;
  /** Steps recorded into one command buffer. */
  stepsPerSubmit?: number;
  /** Submits allowed in flight before the host waits for the GPU to catch up. */
  maxInFlight?: number;
  /** Rows per evaluation chunk, about (training/evaluation-chunks.ts aligns them with the batch). */
  evalRows?: number;
  /**
   * Apply each layer's weight and bias gradients inside their matmul (one
   * dispatch per layer, kernels/weight-update.ts) rather than storing them for
   * separate optimiser dispatches. Default: when the device binds the 7
   * storage buffers that takes (WebGPU's default is 8).
   */
  fuseUpdates?: boolean;
}

export interface RuleSwitchOptions {
  /** Overrides of the new rule's regulariser coefficients; by default none (the rule's own). */
  coefficients?: Coefficients;
  /** Draw B afresh even where the new rule could keep the current one. */
  resetFeedback?: boolean;
}

/** Settings a snapshot may carry that differ from the trainer's: restore() adopts them. */
const LIVE_SETTINGS = ['rule', 'coefficients', 'optimizer.lr', 'feedbackLr'] as const;

/** A loss this many times chance level counts as divergence. */
const DIVERGED_LOSS_FACTOR = 10;

const DEFAULTS: Omit<Required<TrainerOptions>, 'fuseUpdates'> = { metricsEvery: 50, bpAngles: false, stepsPerSubmit: 4, maxInFlight: 2, evalRows: 1024 };

/**
 * Trains a rate network on a GPU-resident dataset with one rule. Every step
 * is prebuilt once as a list of dispatches; the host only encodes, submits
 * and, now and then, captures the metrics buffer for an async readback.
 */
export class Trainer extends StepLoop<MetricsRecord> {
  private ruleSpec: RuleSpec;

  private constructor(
    ctx: GpuContext,
    readonly config: TrainConfig,
    readonly data: GpuDataset,
    readonly network: RateNetwork,
    private readonly options: Required<TrainerOptions>,
    private readonly parts: StepParts,
    private program: RuleProgram,
    private readonly evaluation: Dispatch[],
    res: LoopResources,
  ) {
    super(ctx, options, res, config.batchSize);
    this.ruleSpec = findRule(config.rule);
  }

  /** The device that holds `network` and `data`, for readers outside the loop (inspect/). */
  get context(): GpuContext {
    return this.ctx;
  }

  static async create(ctx: GpuContext, data: GpuDataset, config: TrainConfig, opts: TrainerOptions = {}): Promise<Trainer> {
    validateConfig(config);
    // Every pipeline of the trainer compiles at once; nothing is encoded before they are all ready.
    const { value, group, program } = await ctx.pipelines.batch(async () => {
      const { value, group } = await ctx.buffers.grouped(() => Trainer.build(ctx, data, config, opts));
      try {
        return { value, group, program: await buildRuleProgram(ctx, value[0], value[2], config, value[1]) };
      } catch (e) {
        group.destroy();
        throw e;
      }
    }, (built) => {
      built.program.buffers.destroy();
      built.group.destroy();
    });
    const [net, options, parts, reader, evaluation, shuffle] = value;
    const res = { metrics: parts.metrics, clock: parts.clock, reader, order: parts.order, trainCount: data.train.count, shuffle, buffers: group };
    return new Trainer(ctx, config, data, net, options, parts, program, evaluation, res);
  }

  /** The rule in force (switchRule changes it). */
  get rule(): RuleSpec {
    return this.ruleSpec;
  }

  private static async build(ctx: GpuContext, data: GpuDataset, config: TrainConfig, opts: TrainerOptions) {
    const options: Required<TrainerOptions> = { ...DEFAULTS, fuseUpdates: canFuseUpdates(ctx), ...opts };
    if (options.fuseUpdates && !canFuseUpdates(ctx)) {
      const has = ctx.limits.maxStorageBuffersPerShaderStage;
      throw new ConfigError('fuseUpdates', `needs ${WEIGHT_UPDATE_STORAGE_BINDINGS} storage buffers per shader stage and this device allows ${has}; leave it unset to use separate optimiser dispatches.`);
    }
    if (!Number.isInteger(options.metricsEvery) || options.metricsEvery < 1) throw new ConfigError('metricsEvery', 'must be a whole number of at least 1.');
    if (config.batchSize > data.train.count) {
      throw new ConfigError('batchSize', `is ${config.batchSize} but the training set has only ${data.train.count} examples.`);
    }
    const rule = findRule(config.rule);
    const sizes = [data.pixels, ...config.hidden, data.classes];
    const evalPlan = evaluationChunks(data.test.count, Math.min(options.evalRows, data.test.count), config.batchSize);
    const est = RateNetwork.estimateBytes(sizes, config.batchSize, evalPlan.capacity);
    ctx.buffers.checkFits(`A network of ${sizes.join('-')} with batch ${config.batchSize}`, est.largestBuffer);

    const init = initialParameters(sizes, config.activation, config.init, rule.feedback, config.seed);
    const net = RateNetwork.create(ctx, init, config.activation, rule.feedback, needsFeedbackGrad(rule, config));
    const train = net.allocateBatch(ctx, config.batchSize, 'train', true);
    const test = net.allocateBatch(ctx, evalPlan.capacity, 'eval', false);

    const r = ctx.buffers;
    const clock = r.storage('clock', 4);
    const floats = metricsFloats(net.layers.length);
    const metrics = r.storage('metrics', floats);
    const order = r.storage('train.order', data.train.count);
    // The identity, then example 0 for the last chunk's padding rows.
    const testCount = data.test.count;
    const testOrder = r.createWithData('test.order', Uint32Array.from({ length: testCount + CHUNK_ALIGN }, (_, i) => (i < testCount ? i : 0)));
    const reader = new MetricsReader(ctx, metrics, floats * 4);
    const noiseSeed = new Rng(config.seed).fork(4).nextU32();
    const stepsPerEpoch = Math.floor(data.train.count / config.batchSize);

    const evaluation = await evaluationPass(ctx, net, data, test, testOrder, metrics, evalPlan.chunks, config);
    ctx.throwIfFailed();
    const parts: StepParts = { data, train, clock, metrics, order, noiseSeed, stepsPerEpoch };
    return [net, options, parts, reader, evaluation, new Rng(config.seed).fork(3)] as const;
  }

  protected trainDispatches(): readonly Dispatch[] {
    return this.program.trainStep;
  }

  protected probeDispatches(): readonly Dispatch[] {
    return this.program.probeStep;
  }

  protected updateDispatches(): readonly Dispatch[] {
    return this.program.updateStep;
  }

  protected stateBuffers(): readonly NamedBuffer[] {
    return networkState(this.network);
  }

  protected evaluationDispatches(): readonly Dispatch[] {
    return this.evaluation;
  }

  /**
   * Changes the base learning rates from the next submit on (B follows W unless
   * it has its own); the schedule still scales them step by step on the GPU.
   */
  setLearningRate(lr: number, feedbackLr: number | null = this.config.feedbackLr): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) throw new ConfigError('optimizer.lr', `must be a finite number of at least 0 (got ${lr}).`);
    this.config.optimizer.lr = lr;
    this.config.feedbackLr = feedbackLr;
    const s = parameterSettings(this.config, this.rule, this.stepsPerEpoch);
    for (const u of this.program.updates) u.update(s);
  }

  /**
   * Trains with another rule from the next submit, keeping W, b and their
   * optimiser state. B stays where the new rule uses the same kind of feedback
   * (unless `resetFeedback`) and is otherwise what a run of the new rule starts
   * from with this seed (feedback-switch.ts). The rule's dispatches are rebuilt
   * (their pipelines come from the cache); the old ones' buffers are freed once
   * the GPU has finished the submits that use them. Call it between train() calls.
   */
  async switchRule(rule: string, options: RuleSwitchOptions = {}): Promise<void> {
    if ((SPIKING_RULES as readonly string[]).includes(rule)) {
      throw new ConfigError('rule', `"${rule}" trains spiking neurons and this is a rate network; start a new run with a spiking network to use it.`);
    }
    const same = rule === this.config.rule;
    const coefficients = { ...(options.coefficients ?? (same ? this.config.coefficients : {})) };
    const next: TrainConfig = { ...this.config, rule, coefficients };
    validateConfig(next);
    if (same && !options.resetFeedback && configDifference(coefficients, this.config.coefficients, []) === null) return;
    await this.reconfigure(next, options.resetFeedback ?? false);
  }

  /** Sets the rule's regulariser coefficients (overrides of its defaults) from the next submit. */
  async setCoefficients(coefficients: Coefficients): Promise<void> {
    await this.switchRule(this.config.rule, { coefficients });
  }

  /**
   * Every parameter and optimiser buffer, the clock, the metric sums and the
   * loop's position, copied at this point of the queue and read back
   * asynchronously: the loop is never stalled.
   */
  async snapshot(): Promise<RateSnapshot> {
    const config = structuredClone(this.config);
    const state = await this.captureState(this.stateBuffers());
    return { kind: 'rate', config, ...state };
  }

  /**
   * Continues from `s` exactly as the trainer it was taken from would. The
   * snapshot's rule, coefficients and learning rates are adopted; every other
   * setting must match (create the trainer from `s.config`). Call it between
   * train() calls.
   */
  async restore(s: TrainerSnapshot): Promise<void> {
    if (s.kind !== 'rate') throw new ConfigError('snapshot', 'is of a spiking network and this trainer trains a rate network.');
    const differs = configDifference(s.config, this.config, LIVE_SETTINGS);
    if (differs) throw new ConfigError('snapshot', `was taken with another ${differs}; create the trainer from the snapshot's config.`);
    checkSnapshotFits(s, this.network, this.data.train.count);
    if (s.config.rule !== this.config.rule || configDifference(s.config.coefficients, this.config.coefficients, []) !== null) {
      await this.switchRule(s.config.rule, { coefficients: s.config.coefficients });
    }
    this.restoreState(s, this.stateBuffers());
    this.setLearningRate(s.config.optimizer.lr, s.config.feedbackLr);
  }

  override destroy(): void {
    super.destroy();
    this.program.buffers.destroy();
  }

  /** Rebuilds the rule's dispatches for `next` (same network, new rule or coefficients). */
  private async reconfigure(next: TrainConfig, resetFeedback: boolean): Promise<void> {
    // Its copies name today's buffers, some of which the switch drops.
    this.submitDeferredEvaluation();
    const to = findRule(next.rule);
    const options = { reset: resetFeedback, trainsB: needsFeedbackGrad(to, next) };
    const { value: change } = await this.ctx.buffers.grouped(
      async () => FeedbackSwitch.plan(this.ctx, this.network, this.ruleSpec, to, next, options),
      this.res.buffers,
    );
    change.apply();
    let program: RuleProgram;
    try {
      program = await buildRuleProgram(this.ctx, this.network, this.parts, next, this.options);
    } catch (e) {
      change.revert();
      for (const b of change.added) this.ctx.buffers.destroy(b);
      throw e;
    }
    const old = this.program;
    this.program = program;
    this.ruleSpec = to;
    this.config.rule = next.rule;
    this.config.coefficients = next.coefficients;
    // Submits already queued still read the old buffers: free them once the GPU is done.
    const dropped = change.dropped;
    const free = () => {
      for (const b of dropped) this.ctx.buffers.destroy(b);
      old.buffers.destroy();
    };
    this.ctx.device.queue.onSubmittedWorkDone().then(free, free);
  }

  protected toRecord(v: Float32Array, step: number, epoch: number, withTest: boolean): MetricsRecord {
    const { samplesPerSec, elapsedSec } = this.throughput(step, this.config.batchSize);
    const n = v[TRAIN_SLOT + 2];
    const trainLoss = n > 0 ? v[TRAIN_SLOT] / n : Number.NaN;
    const feedback = this.rule.feedback;
    const layers = this.network.layers.map((layer): LayerMetrics => {
      const w = layerSlot(layer.index, 'weight');
      const g = layerSlot(layer.index, 'gradient');
      const b = layerSlot(layer.index, 'bp');
      const hasWeightAngle = feedback !== 'transpose' && layer.feedbackCols === layer.nOut;
      return {
        layer: layer.index,
        weightAngle: feedback === 'transpose' ? 0 : hasWeightAngle ? angleDegrees(v[w], v[w + 1], v[w + 2]) : null,
        gradientAngle: layer.index === 1 ? null : feedback === 'transpose' ? 0 : angleDegrees(v[g], v[g + 1], v[g + 2]),
        bpAngle: feedback === 'transpose' ? 0 : this.options.bpAngles ? angleDegrees(v[b], v[b + 1], v[b + 2]) : null,
        weightNorm: hasWeightAngle ? Math.sqrt(v[w + 1]) : null,
        feedbackNorm: hasWeightAngle ? Math.sqrt(v[w + 2]) : null,
      };
    });
    const tn = v[TEST_SLOT + 2];
    return {
      step,
      epoch,
      trainLoss,
      trainAcc: n > 0 ? v[TRAIN_SLOT + 1] / n : Number.NaN,
      testLoss: withTest && tn > 0 ? v[TEST_SLOT] / tn : null,
      testAcc: withTest && tn > 0 ? v[TEST_SLOT + 1] / tn : null,
      layers,
      samplesPerSec,
      elapsedSec,
      // Non-finite, or far above chance (ln(classes) for cross-entropy): it will not recover.
      diverged: n > 0 && !(trainLoss < DIVERGED_LOSS_FACTOR * Math.log(this.data.classes)),
    };
  }
}

/** The rule-independent buffers a step's rule dispatches are built on. */
interface StepParts {
  data: GpuDataset;
  train: BatchBuffers;
  clock: GPUBuffer;
  metrics: GPUBuffer;
  order: GPUBuffer;
  noiseSeed: number;
  stepsPerEpoch: number;
}

/** The dispatches that depend on the rule, rebuilt when it or its coefficients change. */
interface RuleProgram {
  trainStep: Dispatch[];
  probeStep: Dispatch[];
  updateStep: Dispatch[];
  updates: ParameterUpdate[];
  /** Their uniforms and scratch buffers, freed with the program. */
  buffers: BufferGroup;
}

/** Whether B gets a gradient and optimiser state of its own (trained, not tied or fixed). */
function needsFeedbackGrad(rule: RuleSpec, config: TrainConfig): boolean {
  const coefficients: Coefficients = { ...rule.regularizer, ...config.coefficients };
  return rule.feedback === 'backward' && !rule.tied && (trainsFeedback(rule, coefficients) || config.feedbackUpdateNoise > 0);
}

/**
 * One step's gather, forward, loss, backward and B's gradient, its probes and
 * its parameter updates (fused or separate), under `config.rule`.
 */
async function buildRuleProgram(ctx: GpuContext, net: RateNetwork, parts: StepParts, config: TrainConfig, options: Required<TrainerOptions>): Promise<RuleProgram> {
  const fused = options.fuseUpdates;
  const rule = findRule(config.rule);
  const coefficients: Coefficients = { ...rule.regularizer, ...config.coefficients };
  const { data, train, clock, metrics, order, noiseSeed, stepsPerEpoch } = parts;
  // A trained B whose activity terms are one product takes its step inside that product,
  // computed in the z = 1 half of W's update where the device binds 10 (wm, ia, aa);
  // one whose gradient needs no batch (sa) takes it in W's update, where the device binds 8.
  const fuseB = fused && needsFeedbackGrad(rule, config) && fusesFeedbackStep(coefficients);
  const gradient = regularizerGradient(coefficients);
  const pairB = fuseB && canFusePairedUpdate(ctx) && net.layers.every((l) => l.feedbackCols === l.nOut);
  const besideW = pairB || (fused && needsFeedbackGrad(rule, config) && !gradient.readGrad && canFuseTwinStep(ctx));
  const feedbackProducts: FeedbackProduct[] = [];
  const buffers = new BufferGroup(ctx.buffers);
  try {
    const { value } = await ctx.buffers.grouped(async () => {
      const trainStep = await ctx.checked(async () => {
        const gather = await gatherBatch(ctx, {
          images: data.train.images, labels: data.train.labels, index: order, clock, X: train.X, Y: train.labels,
          rows: train.rows, pixels: data.pixels, useClock: true, stepsPerEpoch, ...inputTransform(data, config), label: 'train.gather',
        });
        const loss = await outputLoss(ctx, {
          logits: train.pre[net.layers.length - 1], labels: train.labels, grad: train.delta[net.layers.length - 1],
          metrics, clock, rows: train.rows, classes: data.classes, scale: 1 / train.rows, slot: TRAIN_SLOT,
          loss: config.loss, tick: true, label: 'train.loss',
        });
        const feedback: Dispatch[] = [];
        // B's Y = X W^T, where its terms read it from the layer's input, comes out of the forward product;
        // null's Y B^T out of the backward delta through the same B (layers 2 and up).
        const forwardY: (GPUBuffer | null)[] = [];
        const backwardSecond: (SecondProduct | null)[] = [];
        const forwardSecond: (SecondProduct | null)[] = [];
        if (needsFeedbackGrad(rule, config)) {
          const input = { kind: config.feedbackInput, noiseStd: config.feedbackNoiseStd, seed: noiseSeed };
          for (const layer of net.layers) {
            const Y = forwardProductBuffer(ctx, layer, train, coefficients, input);
            forwardY.push(Y);
            if (fuseB) {
              const pairing = {
                backward: layer.index > 1 && rule.feedback === 'backward' && layer.feedbackCols === layer.nOut && canPairMatmuls(ctx),
                // X B's amp Y is added as the paired update loads it: no other B step reads it so.
                forward: pairB,
              };
              const terms = await feedbackTerms(ctx, layer, train, coefficients, input, clock, Y, pairing);
              feedback.push(...terms.before);
              feedbackProducts.push(terms.products[0]);
              backwardSecond.push(terms.backwardSecond);
              forwardSecond.push(terms.forwardSecond);
            } else {
              feedback.push(...(await storedFeedbackGradient(ctx, layer, train, coefficients, input, clock, Y)));
            }
          }
        }
        const backward = await backwardPass(ctx, net, train, rule.feedback, { weightGradients: !fused, second: backwardSecond });
        return [gather, ...(await forwardPass(ctx, net, train, 'train', forwardY, forwardSecond)), loss, ...backward, ...feedback];
      });
      const probeStep = await alignmentProbes(ctx, net, train, rule.feedback, metrics, options.bpAngles);
      const updates = pairB
        ? await fusedParameterUpdates(ctx, net, train, config, rule, clock, noiseSeed, stepsPerEpoch, gradient, true, feedbackProducts)
        : fuseB
        ? [
            ...(await fusedFeedbackUpdates(ctx, net, feedbackProducts, train.rows, config, rule, clock, noiseSeed, stepsPerEpoch, gradient)),
            ...(await fusedParameterUpdates(ctx, net, train, config, rule, clock, noiseSeed, stepsPerEpoch, null)),
          ]
        : fused
          ? await fusedParameterUpdates(ctx, net, train, config, rule, clock, noiseSeed, stepsPerEpoch, gradient, besideW)
          : await parameterUpdates(ctx, net, config, rule, clock, noiseSeed, stepsPerEpoch, gradient);
      return { trainStep, probeStep, updates };
    }, buffers);
    ctx.throwIfFailed();
    return { ...value, updateStep: value.updates.map((u) => u.dispatch), buffers };
  } catch (e) {
    buffers.destroy();
    throw e;
  }
}

/** The gather's pixel transform; test pixels use the training set's statistics. */
function inputTransform(data: GpuDataset, config: TrainConfig): { shift: number; scale: number } {
  return config.inputScaling === 'standardize' ? { shift: data.pixelMean, scale: 1 / data.pixelStd } : { shift: 0, scale: 1 };
}

/**
 * Forward and loss over the whole test set, in prebuilt chunks (training/evaluation-chunks.ts)
 * that reuse the training step's pipelines: the matmuls fit their tiles alike, and the loss
 * is the training loss's kernel, writing its gradient and advancing a clock that are scratch.
 */
async function evaluationPass(
  ctx: GpuContext,
  net: RateNetwork,
  data: GpuDataset,
  test: BatchBuffers,
  order: GPUBuffer,
  metrics: GPUBuffer,
  chunks: readonly EvaluationChunk[],
  config: TrainConfig,
): Promise<Dispatch[]> {
  const scratchGrad = ctx.buffers.storage('eval.loss_grad', test.rows * data.classes);
  const scratchClock = ctx.buffers.storage('eval.loss_clock', 1);
  const out: Dispatch[] = [];
  for (const { offset, rows, paddedRows } of chunks) {
    const chunk = { ...test, rows: paddedRows };
    const label = `eval@${offset}`;
    out.push(
      await gatherBatch(ctx, {
        images: data.test.images, labels: data.test.labels, index: order, X: chunk.X, Y: chunk.labels,
        rows: paddedRows, pixels: data.pixels, useClock: false, offset, ...inputTransform(data, config), label: `${label}.gather`,
      }),
      ...(await forwardPass(ctx, net, chunk, label)),
      await outputLoss(ctx, {
        logits: chunk.pre[net.layers.length - 1], labels: chunk.labels, grad: scratchGrad, metrics, clock: scratchClock, rows, classes: data.classes,
        scale: 1, slot: TEST_SLOT, loss: config.loss, tick: true, label: `${label}.loss`,
      }),
    );
  }
  return out;
}
