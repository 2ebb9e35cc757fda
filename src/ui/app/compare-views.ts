// Compare mode's single-run views (angles, raster, receptive fields, confusion, samples,
// boundary): they follow the first compared rule's run. Its controller is already training,
// so following it costs one inspection at a time beside its training, as a single run's do;
// the other rules are shown by the compare charts. No DOM and no Lit.
import type { InspectKind } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo } from '../../engine/session/session-events';
import type { SpikingRecording } from '../../engine/spiking/recording';
import type { ComparedRule } from '../lab/compare-run';
import { InspectionFetcher } from './inspection-fetcher';
import type { Inspections } from './lab-views';

export interface CompareViewsHost {
  /** New inspections or failures: draw them. */
  changed(): void;
  /** The followed run's spikes, for the raster. */
  recording(r: SpikingRecording): void;
  /** Another run is followed (or none): the raster starts empty. */
  cleared(): void;
}

/** lab-views' NO_INSPECTIONS, here so this module needs no DOM. */
const NO_INSPECTIONS: Inspections = { confusion: null, samples: null, weights: null, grid: null };

export class CompareViews {
  private controller: RunController | null = null;
  private ruleNow: string | null = null;
  private info: SessionInfo | null = null;
  private unsubscribe: () => void = () => undefined;
  private inspectionsNow: Inspections = NO_INSPECTIONS;
  private failuresNow: Partial<Record<InspectKind, string>> = {};
  private readonly fetcher: InspectionFetcher;

  constructor(private readonly host: CompareViewsHost) {
    this.fetcher = new InspectionFetcher({
      result: (result) => {
        this.inspectionsNow = { ...this.inspectionsNow, [result.kind]: result };
        const { [result.kind]: _fixed, ...rest } = this.failuresNow;
        this.failuresNow = rest;
        host.changed();
      },
      failure: (kind, message) => {
        this.failuresNow = { ...this.failuresNow, [kind]: message };
        host.changed();
      },
    });
  }

  /** The rule followed, or null before a comparison has started. */
  get rule(): string | null {
    return this.ruleNow;
  }

  get inspections(): Inspections {
    return this.inspectionsNow;
  }

  /** Why an inspection failed, by kind. */
  get failures(): Partial<Record<InspectKind, string>> {
    return this.failuresNow;
  }

  /** Follows `first` (the comparison's first rule) trained by `controller`; nothing to follow when either is missing. */
  follow(first: ComparedRule | undefined, controller: RunController | undefined): void {
    const next = first && controller ? controller : null;
    if (next === this.controller) {
      // Followed before its run had started: the run's info comes with a later change.
      if (!this.info && first?.info) {
        this.info = first.info;
        this.fetcher.setRun(this.controller, this.info);
      }
      return;
    }
    this.unsubscribe();
    this.unsubscribe = () => undefined;
    this.controller = next;
    this.ruleNow = next ? first!.rule : null;
    this.info = next ? first!.info : null;
    this.inspectionsNow = NO_INSPECTIONS;
    this.failuresNow = {};
    this.fetcher.setRun(this.controller, this.info);
    this.host.cleared();
    this.host.changed();
    if (this.controller) this.unsubscribe = this.controller.onEvent((e) => this.onEvent(e));
  }

  /** The inspections the views shown need; newly wanted ones are fetched now. */
  want(kinds: Iterable<InspectKind>): void {
    this.fetcher.want(kinds);
  }

  private onEvent(e: SessionEvent): void {
    this.fetcher.onEvent(e);
    switch (e.type) {
      case 'ready':
        this.info = e.info;
        this.inspectionsNow = NO_INSPECTIONS;
        this.failuresNow = {};
        this.fetcher.setRun(this.controller, e.info);
        this.host.cleared();
        this.host.changed();
        break;
      case 'recording':
        this.host.recording(e.recording);
        break;
    }
  }
}
