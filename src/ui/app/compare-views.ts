// Compare mode's single-run views (angles, raster, receptive fields, confusion, samples,
// boundary): they follow the first compared rule's run. Its controller is already training,
// so following it costs one inspection at a time beside its training, as a single run's do;
// the other rules are shown by the compare charts. No DOM and no Lit.
import type { InspectKind, InspectRequest } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo } from '../../engine/session/session-events';
import type { SpikingRecording } from '../../engine/spiking/recording';
import type { ComparedRule } from '../lab/compare-run';
import { gridPoints } from '../views/view-data';
import type { Inspections } from './lab-views';
import { BOUNDARY_GRID, SAMPLE_COUNT, sampleIndices } from './lab-run';

export interface CompareViewsHost {
  /** New inspections or failures: draw them. */
  changed(): void;
  /** The followed run's spikes, for the raster. */
  recording(r: SpikingRecording): void;
  /** Another run is followed (or none): the raster starts empty. */
  cleared(): void;
}

/** Views that change with every step are fetched at most this often while training; the others after each test evaluation (as LabRun does). */
const LIVE_VIEW_MS = 1000;
const LIVE_VIEWS: readonly InspectKind[] = ['grid', 'weights'];
/** lab-views' NO_INSPECTIONS, here so this module needs no DOM. */
const NO_INSPECTIONS: Inspections = { confusion: null, samples: null, weights: null, grid: null };

export class CompareViews {
  private controller: RunController | null = null;
  private ruleNow: string | null = null;
  private info: SessionInfo | null = null;
  private unsubscribe: () => void = () => undefined;
  /** Bumped whenever the run followed changes: inspections of an older one are dropped. */
  private generation = 0;
  private wanted = new Set<InspectKind>();
  private dirty = new Set<InspectKind>();
  private inspecting = false;
  private lastLive = 0;
  private inspectionsNow: Inspections = NO_INSPECTIONS;
  private failuresNow: Partial<Record<InspectKind, string>> = {};
  private readonly grid = Float32Array.from(gridPoints(BOUNDARY_GRID, BOUNDARY_GRID), (c) => (c + 1) / 2);

  constructor(private readonly host: CompareViewsHost) {}

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
        this.refresh(this.wanted);
      }
      return;
    }
    this.unsubscribe();
    this.unsubscribe = () => undefined;
    this.generation++;
    this.controller = next;
    this.ruleNow = next ? first!.rule : null;
    this.info = next ? first!.info : null;
    this.inspectionsNow = NO_INSPECTIONS;
    this.failuresNow = {};
    this.dirty.clear();
    this.host.cleared();
    this.host.changed();
    if (this.controller) {
      this.unsubscribe = this.controller.onEvent((e) => this.onEvent(e));
      this.refresh(this.wanted);
    }
  }

  /** The inspections the views shown need; newly wanted ones are fetched now. */
  want(kinds: Iterable<InspectKind>): void {
    const next = new Set(kinds);
    const added = [...next].filter((k) => !this.wanted.has(k));
    this.wanted = next;
    if (added.length > 0) this.refresh(added);
  }

  private onEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'ready':
        this.generation++;
        this.info = e.info;
        this.inspectionsNow = NO_INSPECTIONS;
        this.failuresNow = {};
        this.dirty.clear();
        this.host.cleared();
        this.host.changed();
        this.refresh(this.wanted);
        break;
      case 'metrics':
        if (e.record.testAcc !== null) this.refresh(this.wanted);
        else if (performance.now() - this.lastLive >= LIVE_VIEW_MS) this.refresh(LIVE_VIEWS);
        break;
      case 'paused':
      case 'rewound':
      case 'recovered':
        this.refresh(this.wanted);
        break;
      case 'recording':
        this.host.recording(e.recording);
        break;
    }
  }

  /** Marks `kinds` (those wanted) to fetch, one inspection at a time, beside training. */
  private refresh(kinds: Iterable<InspectKind>): void {
    if (!this.controller || !this.info) return;
    for (const k of kinds) if (this.wanted.has(k)) this.dirty.add(k);
    if (LIVE_VIEWS.some((k) => this.dirty.has(k))) this.lastLive = performance.now();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.inspecting) return;
    this.inspecting = true;
    try {
      for (let kind = first(this.dirty); kind !== undefined; kind = first(this.dirty)) {
        this.dirty.delete(kind);
        const controller = this.controller;
        const request = this.request(kind);
        if (!controller || !request) continue;
        const gen = this.generation;
        try {
          const result = await controller.inspect(request);
          if (gen !== this.generation) continue;
          this.inspectionsNow = { ...this.inspectionsNow, [result.kind]: result };
          const { [result.kind]: _fixed, ...rest } = this.failuresNow;
          this.failuresNow = rest;
        } catch (err) {
          if (gen !== this.generation) continue;
          this.failuresNow = { ...this.failuresNow, [kind]: err instanceof Error ? err.message : String(err) };
        }
        this.host.changed();
      }
    } finally {
      this.inspecting = false;
    }
  }

  private request(kind: InspectKind): InspectRequest | null {
    const info = this.info;
    if (!info) return null;
    switch (kind) {
      case 'confusion':
      case 'weights':
        return { kind };
      case 'samples':
        return { kind, indices: sampleIndices(info.testCount, SAMPLE_COUNT) };
      case 'grid':
        return info.sizes[0] === 2 ? { kind, pixels: this.grid } : null;
    }
  }
}

function first<T>(s: Set<T>): T | undefined {
  for (const x of s) return x;
  return undefined;
}
