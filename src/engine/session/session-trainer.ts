// One face over the rate and the spiking trainers, so a session drives either
// the same way: the loop, snapshots, and the settings that change mid-run.
// A rate network switches rules in place (Trainer.switchRule); a spiking one
// switches between the surrogate-gradient rules by building the new rule's
// trainer and carrying the state over, since their step programs differ more.
import type { GpuDataset } from '../data/gpu-dataset';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { RULES, findRule } from '../rules/registry';
import type { Coefficients } from '../rules/rule';
import { feedbackRuleOf, isStdpRule, SPIKING_RULES, SURROGATE_RULES, type SpikingRule, validateSpikingConfig } from '../spiking/config';
import { type AnySpikingTrainer, createSpikingTrainer } from '../spiking/create-trainer';
import type { RecordOptions, SpikingRecording } from '../spiking/recording';
import { type SpikingMetricsRecord, SpikingTrainer, type SpikingTrainerOptions } from '../spiking/trainer';
import type { StepLoop } from '../training/step-loop';
import { type MetricsRecord, type RuleSwitchOptions, Trainer } from '../training/trainer';
import { spikingTarget } from '../inspect';
import { type InspectRequest, type InspectResult, runInspection } from './inspection';
import type { SessionSettings } from './session-events';
import type { ResolvedNetwork } from './session-spec';
import type { TrainerSnapshot } from './trainer-snapshot';

export type SessionRecord = { kind: 'rate'; record: MetricsRecord } | { kind: 'spiking'; record: SpikingMetricsRecord };

export interface LoopSettings {
  metricsEvery: number;
  stepsPerSubmit: number;
  /** Spiking rasters and membranes for display; the spike-only STDP rules keep none and skip it. */
  record?: RecordOptions;
}

export interface TrainerListeners {
  record(r: SessionRecord): void;
  recording?(r: SpikingRecording): void;
}

/** What a session needs of a loop, whichever record type it produces. */
export type SessionLoop = Pick<
  StepLoop<unknown>,
  'train' | 'stop' | 'flush' | 'evaluate' | 'evaluateAfterNextStep' | 'submitDeferredEvaluation' | 'step' | 'epoch' | 'stepsPerEpoch'
>;

export interface SessionTrainer {
  readonly kind: 'rate' | 'spiking';
  readonly loop: SessionLoop;
  /** Layer sizes, input and output included. */
  readonly sizes: readonly number[];
  /** The network and every setting in force now (a deep copy). */
  network(): ResolvedNetwork;
  settings(): SessionSettings;
  snapshot(): Promise<TrainerSnapshot>;
  restore(s: TrainerSnapshot): Promise<void>;
  setLearningRate(lr: number): void;
  setCoefficients(c: Coefficients): Promise<void>;
  switchRule(rule: string, options?: RuleSwitchOptions): Promise<void>;
  /** A view of the network now, computed beside training (inspect/). */
  inspect(request: InspectRequest): Promise<InspectResult>;
  destroy(): void;
}

export async function createSessionTrainer(
  ctx: GpuContext,
  data: GpuDataset,
  network: ResolvedNetwork,
  loop: LoopSettings,
  on: TrainerListeners,
): Promise<SessionTrainer> {
  if (network.kind === 'rate') {
    const trainer = await Trainer.create(ctx, data, structuredClone(network.config), { metricsEvery: loop.metricsEvery, stepsPerSubmit: loop.stepsPerSubmit });
    return new RateRun(trainer, on.record);
  }
  const { record, ...plain } = loop;
  const trainer = await createSpikingTrainer(ctx, data, structuredClone(network.config), isStdpRule(network.config.rule) ? plain : loop);
  return new SpikingRun(ctx, data, trainer, loop, on);
}

class RateRun implements SessionTrainer {
  readonly kind = 'rate';

  constructor(
    private readonly trainer: Trainer,
    onRecord: (r: SessionRecord) => void,
  ) {
    trainer.onMetrics((record) => onRecord({ kind: 'rate', record }));
  }

  get loop(): SessionLoop {
    return this.trainer;
  }

  get sizes(): readonly number[] {
    return this.trainer.network.sizes;
  }

  network(): ResolvedNetwork {
    return { kind: 'rate', config: structuredClone(this.trainer.config) };
  }

  settings(): SessionSettings {
    const c = this.trainer.config;
    return { rule: c.rule, lr: c.optimizer.lr, coefficients: { ...c.coefficients } };
  }

  snapshot(): Promise<TrainerSnapshot> {
    return this.trainer.snapshot();
  }

  restore(s: TrainerSnapshot): Promise<void> {
    return this.trainer.restore(s);
  }

  setLearningRate(lr: number): void {
    this.trainer.setLearningRate(lr);
  }

  setCoefficients(c: Coefficients): Promise<void> {
    return this.trainer.setCoefficients(c);
  }

  switchRule(rule: string, options?: RuleSwitchOptions): Promise<void> {
    return this.trainer.switchRule(rule, options);
  }

  inspect(request: InspectRequest): Promise<InspectResult> {
    return runInspection(request, this.trainer.step, this.trainer);
  }

  destroy(): void {
    this.trainer.destroy();
  }
}

/** B and its moments, in a snapshot's buffer names. */
const FEEDBACK_STATE = /\.(B|mB|vB)$/;

class SpikingRun implements SessionTrainer {
  readonly kind = 'spiking';

  constructor(
    private readonly ctx: GpuContext,
    private readonly data: GpuDataset,
    private trainer: AnySpikingTrainer,
    private readonly options: SpikingTrainerOptions,
    private readonly on: TrainerListeners,
  ) {
    this.listen();
  }

  get loop(): SessionLoop {
    return this.trainer;
  }

  get sizes(): readonly number[] {
    return this.trainer.network.sizes;
  }

  network(): ResolvedNetwork {
    return { kind: 'spiking', config: structuredClone(this.trainer.config) };
  }

  settings(): SessionSettings {
    const c = this.trainer.config;
    return { rule: c.rule, lr: isStdpRule(c.rule) ? null : c.optimizer.lr, coefficients: {} };
  }

  snapshot(): Promise<TrainerSnapshot> {
    return this.trainer.snapshot();
  }

  restore(s: TrainerSnapshot): Promise<void> {
    return this.trainer.restore(s);
  }

  setLearningRate(lr: number): void {
    const t = this.trainer;
    if (!(t instanceof SpikingTrainer)) {
      throw new ConfigError('optimizer.lr', `${t.config.rule} learns at its own rate (${t.config.rule === 'emstdp' ? 'emstdp.lr' : 'bpstdp.mu'}), not the optimiser's; start a new run to change it.`);
    }
    t.setLearningRate(lr);
  }

  async setCoefficients(c: Coefficients): Promise<void> {
    if (Object.values(c).some((v) => v)) {
      throw new ConfigError('coefficients', 'spiking rules have no regulariser coefficients; they apply to the rate rules that train B (wm, ia, sa, aa).');
    }
  }

  /**
   * Between surrogate-gradient rules only (they share neurons, passes and
   * parameters): builds the new rule's trainer and carries W, b, their
   * moments, the clock and the position over; B too where both rules use
   * the same kind of feedback, unless `resetFeedback`.
   */
  async switchRule(rule: string, options: RuleSwitchOptions = {}): Promise<void> {
    const from = this.trainer.config.rule;
    if (!(SPIKING_RULES as readonly string[]).includes(rule)) {
      if (RULES.some((r) => r.id === rule)) {
        throw new ConfigError('rule', `"${rule}" is a rule for rate networks and this run trains spiking neurons; start a new run with a rate network to use it.`);
      }
      throw new ConfigError('rule', `unknown rule "${rule}". Choose one of: ${SPIKING_RULES.join(', ')}.`);
    }
    if (options.coefficients) await this.setCoefficients(options.coefficients);
    if (rule === from && !options.resetFeedback) return;
    const surrogate = Object.keys(SURROGATE_RULES);
    const old = this.trainer;
    if (!surrogate.includes(from) || !surrogate.includes(rule) || !(old instanceof SpikingTrainer)) {
      throw new ConfigError('rule', `cannot switch from ${from} to ${rule} mid-run: only the surrogate-gradient rules (${surrogate.join(', ')}) share their neurons and parameters. Start a new run with ${rule}.`);
    }
    const config = { ...structuredClone(old.config), rule: rule as SpikingRule };
    validateSpikingConfig(config);
    await old.flush();
    const s = await old.snapshot();
    const next = await SpikingTrainer.create(this.ctx, this.data, config, this.options);
    const keepB = !options.resetFeedback && findRule(feedbackRuleOf(from)).feedback === findRule(feedbackRuleOf(config.rule)).feedback;
    const buffers = Object.fromEntries(Object.entries(s.buffers).filter(([name]) => keepB || !FEEDBACK_STATE.test(name)));
    try {
      await next.restore({ ...s, config: structuredClone(config), buffers }, { partial: true });
    } catch (e) {
      next.destroy();
      throw e;
    }
    old.destroy();
    this.trainer = next;
    this.listen();
  }

  inspect(request: InspectRequest): Promise<InspectResult> {
    return runInspection(request, this.trainer.step, spikingTarget(this.ctx, this.trainer));
  }

  destroy(): void {
    this.trainer.destroy();
  }

  private listen(): void {
    const t = this.trainer;
    t.onMetrics((record) => this.on.record({ kind: 'spiking', record }));
    const recording = this.on.recording;
    if (recording && t instanceof SpikingTrainer) t.onRecording(recording);
  }
}
