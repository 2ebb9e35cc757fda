// LabRun against a fake controller: which commands reach the session, when a new run
// is started, and how inspections are fetched (one at a time, never for an old run).
import { describe, expect, it } from 'vitest';
import type { InspectRequest, InspectResult } from '../../engine/session/inspection';
import type { RunController } from '../../engine/session/run-controller';
import type { SessionEvent, SessionInfo, SessionListener } from '../../engine/session/session-events';
import { DEFAULT_EXPERIMENT, type Experiment } from '../experiment/experiment';
import { sampleIndices } from './inspection-fetcher';
import { LabRun } from './lab-run';

const info: SessionInfo = {
  kind: 'rate', adapter: 'fake', dataset: 'xor', sizes: [2, 8, 2], classNames: ['a', 'b'], trainCount: 100, testCount: 40,
  stepsPerEpoch: 10, totalSteps: 50, metricsEvery: 2, settings: { rule: 'bp', lr: 0.01, coefficients: {} },
};

function fake() {
  const calls: string[] = [];
  const inspections: Array<{ request: InspectRequest; resolve: (r: InspectResult) => void }> = [];
  let listener: SessionListener = () => {};
  const emit = (e: SessionEvent) => listener(e);
  const controller = {
    onEvent: (l: SessionListener) => {
      listener = l;
      return () => {};
    },
    start: async (_spec: unknown, options?: { play?: boolean }) => {
      calls.push(options?.play ? 'start playing' : 'start');
      emit({ type: 'ready', info });
      return info;
    },
    play: async () => void calls.push('play'),
    pause: async () => void calls.push('pause'),
    step: async () => void calls.push('step'),
    reset: async () => void calls.push('reset'),
    rewind: async () => (calls.push('rewind'), 4),
    setLearningRate: async (lr: number) => void calls.push(`lr ${lr}`),
    setCoefficients: async () => void calls.push('coefficients'),
    switchRule: async (rule: string) => {
      if (rule === 'nope') throw new Error('cannot switch');
      calls.push(`rule ${rule}`);
    },
    inspect: (request: InspectRequest) => new Promise<InspectResult>((resolve) => inspections.push({ request, resolve })),
    snapshot: async () => {
      throw new Error('unused');
    },
    destroy: async () => void calls.push('destroy'),
  } as unknown as RunController;
  return { controller, calls, inspections, emit };
}

const xor: Experiment = { ...DEFAULT_EXPERIMENT, dataset: 'xor', hidden: [8] };
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LabRun', () => {
  it('starts a run on the first play, and again only when the settings changed', async () => {
    const f = fake();
    const run = new LabRun(() => f.controller, { event: () => {}, inspected: () => {}, inspectFailed: () => {} });
    // Started playing: the session trains at once (its step-0 test pass waits behind the first step).
    await run.command('play', xor, null, 0);
    expect(f.calls).toEqual(['start playing']);
    f.emit({ type: 'metrics', kind: 'rate', record: { step: 6, epoch: 0, trainLoss: 1, trainAcc: 0.5, testLoss: null, testAcc: null, layers: [], samplesPerSec: 1, elapsedSec: 1, diverged: false } });

    // Live settings reach the session; the run still matches.
    await run.setLearningRate(0.5);
    await run.switchRule('fa');
    const live = { ...xor, rule: 'fa', optimizer: { ...xor.optimizer, lr: 0.5 } };
    expect(run.matches(live, 0)).toBe(true);
    await expect(run.switchRule('nope')).rejects.toThrow('cannot switch');

    // Another network after training: play continues the old run, reset starts the new one.
    const wider = { ...live, hidden: [16] };
    expect(run.matches(wider, 0)).toBe(false);
    await run.command('play', wider, null, 0);
    await run.command('reset', wider, null, 0);
    await run.command('reset', wider, null, 0);
    expect(f.calls).toEqual(['start playing', 'lr 0.5', 'rule fa', 'play', 'start', 'reset']);
  });

  it('fetches the wanted inspections one at a time, and drops those of a run replaced meanwhile', async () => {
    const f = fake();
    const got: InspectResult[] = [];
    const run = new LabRun(() => f.controller, { event: () => {}, inspected: (r) => got.push(r), inspectFailed: () => {} });
    run.want(['confusion', 'grid']);
    await run.start(xor, null, 0);
    await tick();
    // One in flight, the other waiting.
    expect(f.inspections.map((i) => i.request.kind)).toEqual(['confusion']);
    f.inspections[0]!.resolve({ kind: 'confusion', step: 0, classes: 2, counts: new Uint32Array(4) });
    await tick();
    expect(f.inspections.map((i) => i.request.kind)).toEqual(['confusion', 'grid']);
    const grid = f.inspections[1]!.request;
    expect(grid.kind === 'grid' && grid.pixels.length).toBe(64 * 64 * 2);

    await run.start(xor, null, 0); // a new run while the grid is in flight
    f.inspections[1]!.resolve({ kind: 'grid', step: 0, prediction: { count: 0, classes: 2, probabilities: new Float32Array(0), predicted: new Uint32Array(0) } });
    await tick();
    expect(got.map((r) => r.kind)).toEqual(['confusion']);
  });

  it('picks sample images spread over the test set', () => {
    expect(sampleIndices(40, 4)).toEqual([0, 10, 20, 30]);
    expect(sampleIndices(3, 12)).toEqual([0, 1, 2]);
  });
});
