// The page's side of one engine session: it starts runs from experiments, sends
// the buttons' commands and the live settings, knows whether the run still
// matches the form, and fetches the inspection views now and then. No DOM and
// no Lit: the engine runs behind a RunController (an EngineClient in a worker).
import type { Coefficients } from '../../engine/rules/rule';
import type { InspectKind, InspectResult } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo } from '../../engine/session/session-events';
import type { TrainerSnapshot } from '../../engine/session/trainer-snapshot';
import type { Experiment } from '../experiment/experiment';
import { type OwnData, runKey, sessionSpecOf } from './experiment-spec';
import { InspectionFetcher } from './inspection-fetcher';

export type RunCommand = 'play' | 'pause' | 'step' | 'reset';

export interface LabRunHost {
  /** Every session event, as it comes. */
  event(e: SessionEvent): void;
  inspected(r: InspectResult): void;
  inspectFailed(kind: InspectKind, message: string): void;
}

export class LabRun {
  private client: RunController | null = null;
  /** The experiment the session's run was started with, as live settings have changed it since. */
  private running: { experiment: Experiment; key: string } | null = null;
  private stepNow = 0;
  /** The run trained its planned epochs: play starts the experiment afresh when its settings changed. */
  private finished = false;
  private infoNow: SessionInfo | null = null;
  private readonly fetcher: InspectionFetcher;

  constructor(
    private readonly makeClient: () => RunController,
    private readonly host: LabRunHost,
  ) {
    this.fetcher = new InspectionFetcher({ result: (r) => host.inspected(r), failure: (kind, message) => host.inspectFailed(kind, message) });
  }

  get step(): number {
    return this.stepNow;
  }

  get info(): SessionInfo | null {
    return this.infoNow;
  }

  /** Whether a run exists and matches `e` (live settings aside, which it takes as they change). */
  matches(e: Experiment, ownVersion: number): boolean {
    return this.running !== null && this.running.key === runKey(e, ownVersion) && this.running.experiment.rule === e.rule;
  }

  get hasRun(): boolean {
    return this.running !== null;
  }

  /** Starts the engine's worker now, so that Play does not wait for its modules to load. */
  connectEarly(): void {
    this.client ??= this.connect();
  }

  /** A fresh run of `e` at step 0, paused unless `play`. Rejects with the engine's error (also sent as an `error` event). */
  async start(e: Experiment, own: OwnData | null, ownVersion: number, play = false): Promise<SessionInfo> {
    const spec = sessionSpecOf(e, own);
    const client = (this.client ??= this.connect());
    this.running = null;
    const info = await client.start(spec, { play });
    this.running = { experiment: e, key: runKey(e, ownVersion) };
    return info;
  }

  /**
   * A button's command. Play and step start the experiment's run first when
   * there is none, or when the settings changed before it trained a step;
   * reset starts it afresh when they changed at all.
   */
  async command(c: RunCommand, e: Experiment, own: OwnData | null, ownVersion: number): Promise<void> {
    const fresh = !this.matches(e, ownVersion);
    if (c === 'pause') return this.client?.pause();
    if (c === 'reset') {
      if (fresh || !this.client) await this.start(e, own, ownVersion);
      else await this.client.reset();
      return;
    }
    if (!this.client || !this.running || (fresh && (this.stepNow === 0 || this.finished))) {
      // Started playing, the first step need not wait behind the step-0 test pass.
      await this.start(e, own, ownVersion, c === 'play');
      if (c === 'play') return;
    }
    await (c === 'play' ? this.client!.play() : this.client!.step());
  }

  /** Live: from the next submit. Nothing to do before a run exists. */
  async setLearningRate(lr: number): Promise<void> {
    if (!this.client || !this.running) return;
    await this.client.setLearningRate(lr);
    this.adopt({ optimizer: { ...this.running.experiment.optimizer, lr } });
  }

  async setCoefficients(coefficients: Coefficients): Promise<void> {
    if (!this.client || !this.running) return;
    await this.client.setCoefficients(coefficients);
    this.adopt({ coefficients });
  }

  /** Another rule mid-run, keeping the weights; rejects with the engine's reason when it cannot. */
  async switchRule(rule: string): Promise<void> {
    if (!this.client || !this.running || this.running.experiment.rule === rule) return;
    await this.client.switchRule(rule);
    this.adopt({ rule, coefficients: {} });
  }

  /** Back to the last healthy snapshot, then a lower learning rate: the divergence notice's one click. */
  async rewindWithLearningRate(lr: number | null): Promise<number> {
    if (!this.client) throw new Error('There is no run to rewind.');
    const step = await this.client.rewind();
    if (lr !== null) await this.setLearningRate(lr);
    return step;
  }

  /** The run's whole state now (for a model file); rejects while there is no run. */
  snapshot(): Promise<TrainerSnapshot> {
    if (!this.client || !this.running) return Promise.reject(new Error('There is no run to save yet; press Play or Step first.'));
    return this.client.snapshot();
  }

  /** The run rebuilt from `snapshot` (a model file's arrays), paused; start the model's experiment first. */
  async restore(snapshot: TrainerSnapshot): Promise<number> {
    if (!this.client || !this.running) throw new Error('Start the model\'s experiment before restoring it.');
    return this.client.restore(snapshot);
  }

  /** Pauses the run, if any (before another experiment or a comparison takes over). */
  async pause(): Promise<void> {
    await this.client?.pause();
  }

  /** The inspections the views shown need; newly wanted ones are fetched now. */
  want(kinds: Iterable<InspectKind>): void {
    this.fetcher.want(kinds);
  }

  async destroy(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.running = null;
    this.fetcher.setRun(null, null);
    await c?.destroy();
  }

  private connect(): RunController {
    const client = this.makeClient();
    client.onEvent((e) => this.onEvent(e));
    return client;
  }

  private adopt(change: Partial<Experiment>): void {
    if (this.running) this.running = { ...this.running, experiment: { ...this.running.experiment, ...change } };
  }

  private onEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'ready':
        this.infoNow = e.info;
        this.stepNow = 0;
        this.fetcher.setRun(this.client, e.info);
        break;
      case 'metrics':
        // The step-0 record may come after step 1's.
        this.stepNow = Math.max(this.stepNow, e.record.step);
        break;
      case 'paused':
      case 'rewound':
      case 'recovered':
        this.stepNow = e.step;
        break;
      case 'resumed':
        this.stepNow = e.step;
        break;
      case 'phase':
        // Start failed or the device could not be recovered: the next play starts afresh.
        if (e.phase === 'failed') this.running = null;
        this.finished = e.phase === 'finished';
        break;
    }
    this.fetcher.onEvent(e);
    this.host.event(e);
  }
}
