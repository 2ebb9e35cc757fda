import { describe, expect, it } from 'vitest';
import type { InspectRequest, InspectResult } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo } from '../../engine/session/session-events';
import type { ComparedRule } from '../lab/compare-run';
import { CompareViews } from './compare-views';

const INFO: SessionInfo = {
  kind: 'rate', adapter: 'test', dataset: 'xor', sizes: [2, 8, 2], classNames: ['a', 'b'], trainCount: 200, testCount: 100,
  stepsPerEpoch: 10, totalSteps: 10, metricsEvery: 1, settings: { rule: 'fa', lr: 0.01, coefficients: {} },
};

/** A controller that answers inspections at once (or fails them) and lets the test send its events. */
function fakeController(fail = false) {
  const listeners = new Set<(e: SessionEvent) => void>();
  const asked: InspectRequest[] = [];
  const controller = {
    onEvent(l: (e: SessionEvent) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async inspect(r: InspectRequest): Promise<InspectResult> {
      asked.push(r);
      if (fail) throw new Error('no forward pass here');
      if (r.kind === 'confusion') return { kind: 'confusion', step: 1, classes: 2, counts: new Uint32Array(4) };
      if (r.kind === 'grid') return { kind: 'grid', step: 1, prediction: { classes: 2, probabilities: new Float32Array(0) } as never };
      throw new Error(`not faked: ${r.kind}`);
    },
  } as unknown as RunController;
  return { controller, asked, send: (e: SessionEvent) => listeners.forEach((l) => l(e)), listeners };
}

const rule = (name: string, info: SessionInfo | null = INFO): ComparedRule => ({ rule: name, color: '#000', phase: 'paused', info, records: [], diverged: false, problem: null });
const settle = () => new Promise((r) => setTimeout(r, 0));

function host() {
  const calls = { changed: 0, cleared: 0, recordings: 0 };
  return { calls, host: { changed: () => calls.changed++, cleared: () => calls.cleared++, recording: () => calls.recordings++ } };
}

describe('CompareViews', () => {
  it("fetches the wanted inspections of the first rule's run, and only those", async () => {
    const { host: h } = host();
    const views = new CompareViews(h);
    const fa = fakeController();
    views.want(['confusion', 'grid']);
    views.follow(rule('fa'), fa.controller);
    await settle();
    expect(views.rule).toBe('fa');
    expect(fa.asked.map((r) => r.kind)).toEqual(['confusion', 'grid']);
    expect(views.inspections.confusion?.counts).toHaveLength(4);
    expect(views.inspections.grid).not.toBeNull();
    expect(views.inspections.samples).toBeNull();
  });

  it('waits for the run to start, then fetches; a new run starts empty', async () => {
    const { calls, host: h } = host();
    const views = new CompareViews(h);
    const fa = fakeController();
    views.want(['confusion']);
    views.follow(rule('fa', null), fa.controller);
    await settle();
    expect(fa.asked).toEqual([]);
    views.follow(rule('fa'), fa.controller);
    await settle();
    expect(fa.asked).toHaveLength(1);
    const cleared = calls.cleared;
    fa.send({ type: 'ready', info: INFO } as SessionEvent);
    expect(views.inspections.confusion).toBeNull();
    expect(calls.cleared).toBe(cleared + 1);
    await settle();
    expect(views.inspections.confusion).not.toBeNull();
  });

  it('passes on recordings, says why an inspection failed, and lets go of a rule no longer first', async () => {
    const { calls, host: h } = host();
    const views = new CompareViews(h);
    const fa = fakeController(true);
    views.want(['confusion']);
    views.follow(rule('fa'), fa.controller);
    await settle();
    expect(views.failures.confusion).toBe('no forward pass here');
    fa.send({ type: 'recording', recording: {} } as SessionEvent);
    expect(calls.recordings).toBe(1);
    const bp = fakeController();
    views.follow(rule('bp'), bp.controller);
    expect(fa.listeners.size).toBe(0);
    expect(views.failures).toEqual({});
    await settle();
    expect(views.rule).toBe('bp');
    expect(views.inspections.confusion).not.toBeNull();
    views.follow(undefined, undefined);
    expect(views.rule).toBeNull();
    expect(views.inspections.confusion).toBeNull();
  });
});
