// Fetches the inspections the views shown need from one run, one at a time
// beside its training: all of them after each test evaluation, pause, rewind or
// recovery; the ones that change with every step (boundary, weights) at most
// once a second while training. Used by a single run (LabRun) and by compare
// mode's first rule (CompareViews). No DOM and no Lit.
import type { InspectKind, InspectRequest, InspectResult } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo } from '../../engine/session/session-events';
import { gridPoints } from '../views/view-data';

/** The decision boundary's grid: 64 × 64 cell centres over [-1, 1]². */
export const BOUNDARY_GRID = 64;
/** Test images shown with their predictions. */
export const SAMPLE_COUNT = 12;
/** Views that change with every step are fetched at most this often while training; the others after each test evaluation. */
const LIVE_VIEW_MS = 1000;
const LIVE_VIEWS: readonly InspectKind[] = ['grid', 'weights'];

export interface InspectionSink {
  result(r: InspectResult): void;
  failure(kind: InspectKind, message: string): void;
}

export class InspectionFetcher {
  private controller: RunController | null = null;
  private info: SessionInfo | null = null;
  /** Bumped by every run set: inspections of an older one are dropped. */
  private generation = 0;
  private wanted = new Set<InspectKind>();
  private dirty = new Set<InspectKind>();
  private inspecting = false;
  private lastLive = 0;
  private readonly grid = Float32Array.from(gridPoints(BOUNDARY_GRID, BOUNDARY_GRID), (c) => (c + 1) / 2);

  constructor(private readonly sink: InspectionSink) {}

  /** The run to inspect from now on (or none); what was queued for the previous one is dropped. */
  setRun(controller: RunController | null, info: SessionInfo | null): void {
    this.generation++;
    this.controller = controller;
    this.info = info;
    this.dirty.clear();
    this.refresh(this.wanted);
  }

  /** The inspections the views shown need; newly wanted ones are fetched now. */
  want(kinds: Iterable<InspectKind>): void {
    const next = new Set(kinds);
    const added = [...next].filter((k) => !this.wanted.has(k));
    this.wanted = next;
    if (added.length > 0) this.refresh(added);
  }

  /** Fetches what a session event of the run made stale. */
  onEvent(e: SessionEvent): void {
    switch (e.type) {
      case 'metrics':
        if (e.record.testAcc !== null) this.refresh(this.wanted);
        else if (performance.now() - this.lastLive >= LIVE_VIEW_MS) this.refresh(LIVE_VIEWS);
        break;
      case 'paused':
      case 'rewound':
      case 'recovered':
        this.refresh(this.wanted);
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
          if (gen === this.generation) this.sink.result(result);
        } catch (err) {
          if (gen === this.generation) this.sink.failure(kind, err instanceof Error ? err.message : String(err));
        }
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

/** `count` test examples spread evenly over the test set, the same ones every time. */
export function sampleIndices(testCount: number, count: number): number[] {
  const n = Math.min(count, testCount);
  return Array.from({ length: n }, (_, i) => Math.floor((i * testCount) / n));
}

function first<T>(s: Set<T>): T | undefined {
  for (const x of s) return x;
  return undefined;
}
