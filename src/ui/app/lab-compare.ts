// The page's side of compare mode: the buttons' commands for a CompareRun (one
// RunController per rule, made by the factory), started afresh when the experiment or
// its compared rules change, what the run controls show of all the rules at once, and
// the single-run views, which follow the first rule (compare-views.ts).
// No DOM and no Lit.
import type { RunController } from '../../engine/session/run-controller';
import type { SessionPhase } from '../../engine/session/session-events';
import type { TrainerSnapshot } from '../../engine/session/trainer-snapshot';
import type { Experiment } from '../experiment/experiment';
import { type ComparedRule, CompareRun } from '../lab/compare-run';
import { experimentForRule } from '../lab/experiment-spec';
import { CompareViews, type CompareViewsHost } from './compare-views';
import { type OwnData, runKey, sessionSpecOf } from './experiment-spec';
import type { RunCommand } from './lab-run';

export class LabCompare {
  private run: CompareRun | null = null;
  private key: string | null = null;
  private unsubscribe: () => void = () => undefined;
  /** The single-run views' data: the first compared rule's inspections. */
  readonly views: CompareViews;

  constructor(
    private readonly makeController: (rule: string) => RunController,
    private readonly changed: (rules: readonly ComparedRule[]) => void,
    viewsHost: CompareViewsHost = { changed: () => undefined, recording: () => undefined, cleared: () => undefined },
  ) {
    this.views = new CompareViews(viewsHost);
  }

  /** Whether rules have been started (for pause, snapshots and matching). */
  get active(): boolean {
    return this.run !== null && this.key !== null;
  }

  /** Whether the rules running are the comparison `e` describes. */
  matches(e: Experiment, ownVersion: number): boolean {
    return this.key === keyOf(e, ownVersion);
  }

  /**
   * A button's command for every compared rule. Play, step and reset start the rules
   * first when the comparison running is not `e`'s; every rule trains on the data of
   * `e`'s single-run spec (the user's own file where one is loaded).
   */
  async command(c: RunCommand, e: Experiment, own: OwnData | null, ownVersion: number): Promise<void> {
    if (c === 'pause') return this.run?.pause();
    const run = this.connect();
    if (!this.matches(e, ownVersion)) {
      this.key = null;
      // The first rule's single-run spec: the data every rule trains on, and the raster the views show.
      const first = sessionSpecOf(experimentForRule(e, e.compare[0] ?? e.rule), own);
      await run.start(e, { dataset: first.dataset, ...(first.record ? { recordFirst: first.record } : {}) });
      this.key = keyOf(e, ownVersion);
      if (c === 'reset') return;
    }
    if (c === 'play') await run.play();
    else if (c === 'step') await run.step();
    else await run.reset();
  }

  /** The same learning rate for every rule that uses it. */
  async setLearningRate(lr: number): Promise<void> {
    await this.run?.setLearningRate(lr);
  }

  snapshot(rule: string): Promise<TrainerSnapshot> {
    if (!this.run) return Promise.reject(new Error('There is no comparison to save yet; press Play or Step first.'));
    return this.run.snapshot(rule);
  }

  async pause(): Promise<void> {
    await this.run?.pause();
  }

  /** Frees every rule's worker and device. */
  async destroy(): Promise<void> {
    const run = this.run;
    this.run = null;
    this.key = null;
    this.unsubscribe();
    this.views.follow(undefined, undefined);
    await run?.destroy();
    this.changed([]);
  }

  private connect(): CompareRun {
    if (this.run) return this.run;
    const run = new CompareRun(this.makeController);
    this.unsubscribe = run.onChange((rules) => {
      this.views.follow(rules[0], rules[0] && run.controllerOf(rules[0].rule));
      this.changed(rules);
    });
    this.run = run;
    return run;
  }
}

function keyOf(e: Experiment, ownVersion: number): string {
  return JSON.stringify([runKey(e, ownVersion), e.compare]);
}

/** One phase for the run controls: training while any rule trains, else the least advanced rule's. */
export function comparePhase(rules: readonly ComparedRule[]): SessionPhase {
  if (rules.length === 0) return 'idle';
  const order: readonly SessionPhase[] = ['training', 'recovering', 'loading', 'preparing', 'failed', 'idle', 'ready', 'paused', 'finished', 'destroyed'];
  for (const p of order) if (rules.some((r) => r.phase === p)) return p;
  return rules[0]!.phase;
}

/** The run controls' line: each rule's step. */
export function compareSummary(rules: readonly ComparedRule[]): string {
  return rules.map((r) => `${r.rule} at step ${(r.records.at(-1)?.step ?? 0).toLocaleString()}`).join(', ');
}
