// What compare charts draw, and how a compared rule's state follows its controller's events.
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../engine/session/session-events';
import type { MetricsRecord } from '../../engine/training/trainer';
import { type ComparedRule, nextState } from './compare-run';
import { latestValue, metricPoints, RULE_COLORS, ruleColor, ruleDash } from './compare-series';

const rec = (step: number, testAcc: number | null, trainLoss = 1 / (step + 1)): MetricsRecord => ({
  step,
  epoch: 0,
  trainLoss: step === 0 ? Number.NaN : trainLoss,
  trainAcc: 0.5,
  testLoss: null,
  testAcc,
  layers: [],
  samplesPerSec: 0,
  elapsedSec: 0,
  diverged: false,
});

describe('compare series', () => {
  it('draws test accuracy in percent where there is one, and train loss where it is a number', () => {
    const records = [rec(0, 0.1), rec(2, null), rec(4, 0.8125)];
    expect(metricPoints(records, 'test-accuracy')).toEqual([
      { x: 0, y: 10 },
      { x: 4, y: 81.25 },
    ]);
    expect(metricPoints(records, 'train-loss')).toEqual([
      { x: 2, y: 1 / 3 },
      { x: 4, y: 0.2 },
    ]);
    expect(latestValue(records, 'test-accuracy')).toBe('81.3%');
    expect(latestValue(records, 'train-loss')).toBe('0.200');
    expect(latestValue([], 'train-loss')).toBeNull();
  });

  it('gives six distinct colours and dashes, the first for the first rule', () => {
    expect(new Set(RULE_COLORS).size).toBe(6);
    expect(ruleColor(0)).toBe('#0072b2');
    expect(ruleColor(6)).toBe(ruleColor(0));
    expect(new Set([0, 1, 2, 3, 4, 5].map((i) => ruleDash(i).join(','))).size).toBe(6);
  });
});

describe("a compared rule's state", () => {
  const start: ComparedRule = { rule: 'fa', color: '#0072b2', phase: 'idle', info: null, records: [], diverged: false, problem: null };
  const info = { settings: { rule: 'fa', lr: 0.01, coefficients: {} } } as unknown as SessionInfo;

  it('collects records, clears them on a new run, and trims them on a rewind or recovery', () => {
    let s = nextState(start, { type: 'ready', info });
    for (const step of [0, 2, 4, 6]) s = nextState(s, { type: 'metrics', kind: 'rate', record: rec(step, null) });
    expect(s.records.map((r) => r.step)).toEqual([0, 2, 4, 6]);
    s = nextState(s, { type: 'diverged', step: 6, loss: Number.NaN, lr: 0.01, suggestedLr: 0.003, rewindStep: 2, message: 'blew up' });
    expect(s).toMatchObject({ diverged: true, problem: 'blew up' });
    s = nextState(s, { type: 'rewound', step: 2 });
    expect(s).toMatchObject({ diverged: false, problem: null });
    expect(s.records.map((r) => r.step)).toEqual([0, 2]);
    s = nextState(s, { type: 'recovered', step: 0, adapter: 'x', message: '' });
    expect(s.records.map((r) => r.step)).toEqual([0]);
    s = nextState(s, { type: 'settings', settings: { rule: 'fa', lr: 0.5, coefficients: {} } });
    expect(s.info!.settings.lr).toBe(0.5);
    s = nextState(s, { type: 'ready', info });
    expect(s.records).toEqual([]);
  });

  it('is the same object after an event that changes nothing shown', () => {
    expect(nextState(start, { type: 'snapshot', step: 3 })).toBe(start);
  });
});
