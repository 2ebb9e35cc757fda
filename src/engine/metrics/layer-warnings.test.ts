import { describe, expect, it } from 'vitest';
import { EXPLODING_FACTOR, layerWarnings, SATURATED_RATE, SILENT_RATE } from './layer-warnings';

describe('layerWarnings', () => {
  it('is quiet for healthy layers, at the limits included', () => {
    expect(layerWarnings([0.05, SILENT_RATE, SATURATED_RATE], [3, 20, EXPLODING_FACTOR], [0, 0, 0], 1)).toEqual([]);
  });

  const cases: Array<[string, number[], number[], number[], number | number[], Array<[number, string, RegExp]>]> = [
    ['a silent second layer', [0.2, 0.0003], [2, 0.5], [0, 0], 1, [[2, 'silent', /layer 2 is silent \(0\.03% of neurons x steps spike\): lower the threshold, raise the layer below's activity/]]],
    ['a silent first layer points at the encoder', [0, 0.1], [0.1, 2], [0, 0], 1e6, [[1, 'silent', /layer 1 is silent \(0% .*raise the encoder gain or the init scale/]]],
    ['a saturated layer', [0.95, 0.3], [2, 2], [0, 0], 1, [[1, 'saturated', /layer 1 is saturated \(95% of neurons x steps spike\): raise the threshold, lower the encoder gain or the learning rate/]]],
    ['an exploding membrane, per-layer thresholds', [0.1, 0.1], [1500, 1500], [0, 0], [1, 2], [[1, 'exploding', /layer 1's membrane reaches 1\.50e\+3, over 1000 x its threshold \(1\): weights or inputs are out of scale; lower the learning rate/]]],
    ['NaN hides the rest of that layer', [0, 1], [0, 1e9], [12, 0], 1, [
      [1, 'nan', /layer 1 has 12 NaN or infinite membrane values: training has diverged; lower the learning rate/],
      [2, 'saturated', /saturated \(100%/],
      [2, 'exploding', /1\.00e\+9/],
    ]],
  ];
  for (const [name, rate, maxAbsU, nonFinite, threshold, want] of cases) {
    it(name, () => {
      const got = layerWarnings(rate, maxAbsU, nonFinite, threshold);
      expect(got.map((w) => [w.layer, w.kind])).toEqual(want.map(([l, k]) => [l, k]));
      got.forEach((w, i) => expect(w.message).toMatch(want[i][2]));
    });
  }
});
