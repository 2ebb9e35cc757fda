// Compare mode: 2 to 6 rules trained side by side on the same data, the same initial
// weights and the same seed, played and paused together, each rule's metrics kept as
// its own series. Pure (no DOM): the page hands in EngineClients, tests RunSessions.
//
// GPU cost. Each rule gets its own RunController, so on the page its own module worker
// and its own GPUDevice, all training at once. We chose this over interleaving one
// session's steps rule by rule because:
//  - RunSession owns its device and its trainer, so sharing one device between rules
//    would be an engine change; separate controllers need none.
//  - The browser already interleaves the devices' submits on the one GPU queue (each
//    submit is 2 steps), while each worker's host work (encoding, readbacks, chunk
//    yields) overlaps the others' GPU work. The small networks of lessons leave the GPU
//    mostly idle between dispatches, so N rules take well under N times as long.
//  - A rule that diverges, or whose device is lost, pauses or recovers on its own.
// What it costs: per rule a worker (a thread), a copy of the dataset in that worker and
// on the GPU (a lesson's 10,000 MNIST images are 7.8 MB; all 60,000 are 47 MB, so six
// rules on the whole set hold about 280 MB), and its pipelines compiled once at start.
// Rules differ in work per step (weight mirror and Kolen-Pollack update B too), so in
// wall time some run ahead: compare them by step, as the charts do, not by time. step()
// moves every rule by the same number of steps.
import { ConfigError } from '../../engine/errors';
import type { RunController } from '../../engine/session/run-controller';
import { addRecord, type SessionEvent, type SessionInfo, type SessionPhase } from '../../engine/session/session-events';
import type { DatasetChoice, SessionSpec } from '../../engine/session/session-spec';
import type { TrainerSnapshot } from '../../engine/session/trainer-snapshot';
import type { RecordOptions } from '../../engine/spiking/recording';
import { type Experiment, LIMITS, validateExperiment } from '../experiment/experiment';
import { type AnyMetricsRecord, ruleColor } from './compare-series';
import { datasetChoiceFor, sessionSpecFor } from './experiment-spec';

/** Makes the controller that trains `rule`: an EngineClient (a worker) on the page, a RunSession in Node. */
export type ControllerFactory = (rule: string) => RunController;

/** One compared rule as the page shows it; a new object whenever anything in it changes. */
export interface ComparedRule {
  readonly rule: string;
  /** Its colour in every compare chart, by its place in the comparison. */
  readonly color: string;
  readonly phase: SessionPhase;
  /** Its run's sizes, counts and settings; null until it has started. */
  readonly info: SessionInfo | null;
  /** Its records since its run began at step 0, oldest first. */
  readonly records: readonly AnyMetricsRecord[];
  /** Paused by divergence: play() leaves it paused until reset or rewind. */
  readonly diverged: boolean;
  /** The latest thing that went wrong (the divergence advice, an engine error), for the page to show. */
  readonly problem: string | null;
}

export type CompareListener = (rules: readonly ComparedRule[]) => void;

export interface CompareStartOptions {
  /**
   * The data every rule trains on, made once and handed to all; by default datasetChoiceFor(e).
   * A page passes the dataset of its own single-run spec, so that a comparison trains on the
   * same points (and on the user's own file where one is loaded).
   */
  dataset?: DatasetChoice;
  /** Steps between metric records, the same for every rule; by default the session's. */
  metricsEvery?: number;
  /** What the first rule records for a raster (a spiking run's spikes); the page's single-run views follow that rule. */
  recordFirst?: RecordOptions;
}

interface Entry {
  readonly controller: RunController;
  unsubscribe: () => void;
  state: ComparedRule;
}

/** Phases in which play() has nothing to do. */
const DONE: readonly SessionPhase[] = ['finished', 'failed', 'destroyed'];

/**
 * The rules `e` compares, in its order; throws ConfigError (field 'compare' or the setting
 * at fault) unless `e` is valid and lists 2 to 6 rules.
 */
export function comparedRules(e: Experiment): readonly string[] {
  const problem = validateExperiment(e)[0];
  if (problem) throw new ConfigError(problem.field, problem.message);
  if (e.compare.length < LIMITS.minCompare) {
    throw new ConfigError('compare', `lists ${e.compare.length} rules; a comparison trains ${LIMITS.minCompare} to ${LIMITS.maxCompare}.`);
  }
  return e.compare;
}

export class CompareRun {
  /** In the comparison's order. */
  private entries = new Map<string, Entry>();
  private listeners = new Set<CompareListener>();
  private notifyQueued = false;

  constructor(private readonly makeController: ControllerFactory) {}

  /** Every compared rule now, in the comparison's order. */
  get rules(): readonly ComparedRule[] {
    return [...this.entries.values()].map((x) => x.state);
  }

  /** The controller training `rule`, for what concerns one rule only (switchRule, rewind). */
  controllerOf(rule: string): RunController | undefined {
    return this.entries.get(rule)?.controller;
  }

  /** Called (at most once per microtask) whenever any rule changes; returns its removal. */
  onChange(listener: CompareListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts every rule of `e.compare` at step 0, paused, each from toTrainConfig(e, rule) or
   * toSpikingConfig(e, rule): one seed, so one initial W, and one dataset object, so one data.
   * Controllers of rules still compared are reused (their datasets stay loaded); those of
   * rules no longer compared are destroyed. Settings that cannot run throw before anything starts.
   * If some rule fails to start, the others are still started, and the first error is thrown.
   */
  async start(e: Experiment, options: CompareStartOptions = {}): Promise<SessionInfo[]> {
    const rules = comparedRules(e);
    const dataset = options.dataset ?? datasetChoiceFor(e);
    const specs: SessionSpec[] = rules.map((rule, i) => ({
      ...sessionSpecFor(e, rule, dataset),
      ...(options.metricsEvery === undefined ? {} : { metricsEvery: options.metricsEvery }),
      ...(i === 0 && options.recordFirst ? { record: options.recordFirst } : {}),
    }));
    await this.keepOnly(rules);
    const results = await Promise.allSettled(rules.map((rule, i) => this.entries.get(rule)!.controller.start(specs[i]!)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<SessionInfo>).value);
  }

  /** Trains every rule that can go on (not finished, failed or diverged); resolves once all have begun. */
  async play(): Promise<void> {
    await Promise.all(this.playable().map((x) => x.controller.play()));
  }

  /** Pauses every rule; each stops after its chunk in progress, so they may stand at different steps. */
  async pause(): Promise<void> {
    await Promise.all(this.all().map((x) => x.controller.pause()));
  }

  /** One submit's worth of steps for every rule that can go on: the same steps for each. */
  async step(): Promise<void> {
    await Promise.all(this.playable().map((x) => x.controller.step()));
  }

  /** Every rule back to step 0 with the same seed, so the same initial weights again. */
  async reset(): Promise<void> {
    await Promise.all(this.all().map((x) => x.controller.reset()));
  }

  /** The same learning rate for every rule that uses the optimiser's (the STDP rules have their own). */
  async setLearningRate(lr: number): Promise<void> {
    await Promise.all(this.all().filter((x) => x.state.info?.settings.lr !== null).map((x) => x.controller.setLearningRate(lr)));
  }

  /** `rule`'s whole state now (for a model file or a check). */
  snapshot(rule: string): Promise<TrainerSnapshot> {
    const x = this.entries.get(rule);
    if (!x) return Promise.reject(new ConfigError('compare', `has no rule "${rule}"; it compares ${[...this.entries.keys()].join(', ')}.`));
    return x.controller.snapshot();
  }

  /** Stops and frees every rule's controller (workers and devices); start() makes new ones. */
  async destroy(): Promise<void> {
    const entries = this.all();
    this.entries.clear();
    for (const x of entries) x.unsubscribe();
    await Promise.allSettled(entries.map((x) => x.controller.destroy()));
    this.notify();
  }

  // ---- rules and their state ----

  private all(): Entry[] {
    return [...this.entries.values()];
  }

  private playable(): Entry[] {
    return this.all().filter((x) => !x.state.diverged && !DONE.includes(x.state.phase));
  }

  /** Exactly `rules`, in their order, with their colours; new controllers for new rules. */
  private async keepOnly(rules: readonly string[]): Promise<void> {
    const dropped = this.all().filter((x) => !rules.includes(x.state.rule));
    const next = new Map<string, Entry>();
    rules.forEach((rule, i) => {
      const x = this.entries.get(rule) ?? this.add(rule);
      x.state = { ...x.state, color: ruleColor(i) };
      next.set(rule, x);
    });
    this.entries = next;
    for (const x of dropped) x.unsubscribe();
    await Promise.allSettled(dropped.map((x) => x.controller.destroy()));
    this.notify();
  }

  private add(rule: string): Entry {
    const entry: Entry = {
      controller: this.makeController(rule),
      unsubscribe: () => undefined,
      state: { rule, color: ruleColor(0), phase: 'idle', info: null, records: [], diverged: false, problem: null },
    };
    entry.unsubscribe = entry.controller.onEvent((event) => {
      const next = nextState(entry.state, event);
      if (next === entry.state) return;
      entry.state = next;
      this.notify();
    });
    return entry;
  }

  private notify(): void {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      const rules = this.rules;
      for (const l of this.listeners) {
        try {
          l(rules);
        } catch {
          // A listener's failure is its own.
        }
      }
    });
  }
}

/** A rule's state after one of its controller's events; the same object when nothing shown changed. */
export function nextState(s: ComparedRule, event: SessionEvent): ComparedRule {
  switch (event.type) {
    case 'phase':
      return { ...s, phase: event.phase };
    case 'ready':
      // A run at step 0: records of the previous one belong to another run.
      return { ...s, info: event.info, records: [], diverged: false, problem: null };
    case 'metrics':
      return { ...s, records: addRecord(s.records, event.record) };
    case 'diverged':
      return { ...s, diverged: true, problem: event.message };
    case 'rewound':
      return { ...s, records: s.records.filter((r) => r.step <= event.step), diverged: false, problem: null };
    case 'recovered':
      // Steps after the snapshot are trained again; their old records would appear twice.
      return { ...s, records: s.records.filter((r) => r.step <= event.step) };
    case 'settings':
      return s.info ? { ...s, info: { ...s.info, settings: event.settings } } : s;
    case 'error':
      return { ...s, problem: event.error.message };
    default:
      return s;
  }
}
