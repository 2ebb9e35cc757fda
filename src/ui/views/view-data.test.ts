import { describe, expect, it } from 'vitest';
import type { SpikingRecording } from '../../engine/spiking/recording';
import {
  bandHeights,
  CLASS_COLORS,
  classColor,
  classMarker,
  diverging,
  firingRate,
  greyDiverging,
  greyPixels,
  gridPoints,
  hexRgb,
  layerLabel,
  markerPolygon,
  membraneTracesOf,
  normalizeSymmetric,
  probabilityPixels,
  rasterFrameOf,
  type Rgb,
  rowNormalize,
  symmetricMax,
  toggleIn,
  topClass,
  traceRange,
  unitWeights,
  weightPixels,
} from './view-data';

describe('colours', () => {
  const hex: Array<[string, Rgb]> = [
    ['#000000', [0, 0, 0]],
    ['#e69f00', [230, 159, 0]],
    ['#FFF', [255, 255, 255]],
    ['56b4e9', [86, 180, 233]],
  ];
  for (const [input, want] of hex) it(`hexRgb(${input})`, () => expect(hexRgb(input)).toEqual(want));
  it('hexRgb refuses what is not a hex colour', () => expect(() => hexRgb('#12345')).toThrow());

  const classes: Array<[number, string]> = [
    [0, '#e69f00'],
    [7, '#999999'],
    [8, '#e69f00'],
    [-1, '#999999'],
  ];
  for (const [k, want] of classes) it(`classColor(${k})`, () => expect(classColor(k)).toBe(want));
  it('the palette is Okabe-Ito with grey for black, all distinct', () => {
    expect(CLASS_COLORS).toHaveLength(8);
    expect(new Set(CLASS_COLORS).size).toBe(8);
    expect(CLASS_COLORS).not.toContain('#000000');
  });

  const div: Array<[string, number, Rgb]> = [
    ['-1 is RdBu blue', -1, [33, 102, 172]],
    ['0 is near-white', 0, [247, 247, 247]],
    ['+1 is RdBu red', 1, [178, 24, 43]],
    ['clamps below', -5, [33, 102, 172]],
    ['clamps above', 9, [178, 24, 43]],
    ['NaN is 0', Number.NaN, [247, 247, 247]],
  ];
  for (const [name, t, want] of div) it(`diverging: ${name}`, () => expect(diverging(t)).toEqual(want));
  it('diverging is blue below zero and red above', () => {
    const [r1, , b1] = diverging(-0.3);
    const [r2, , b2] = diverging(0.3);
    expect(b1).toBeGreaterThan(r1);
    expect(r2).toBeGreaterThan(b2);
  });

  const grey: Array<[number, number]> = [
    [-1, 0],
    [0, 128],
    [1, 255],
    [2, 255],
  ];
  for (const [t, v] of grey) it(`greyDiverging(${t})`, () => expect(greyDiverging(t)).toEqual([v, v, v]));
});

describe('markers', () => {
  it('cycle through five shapes', () => {
    expect([0, 1, 2, 3, 4, 5].map(classMarker)).toEqual(['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'circle']);
  });
  const corners: Array<[ReturnType<typeof classMarker>, number]> = [
    ['circle', 0],
    ['square', 4],
    ['triangle', 3],
    ['diamond', 4],
    ['triangle-down', 3],
  ];
  for (const [m, n] of corners) {
    it(`${m} has ${n} corners within 1.25 r of its centre`, () => {
      const pts = markerPolygon(m, 10, 20, 5);
      expect(pts).toHaveLength(n);
      for (const [x, y] of pts) expect(Math.hypot(x - 10, y - 20)).toBeLessThanOrEqual(6.25);
    });
  }
});

describe('normalisation', () => {
  const max: Array<[string, number[], number]> = [
    ['empty', [], 0],
    ['zeros', [0, 0], 0],
    ['negative largest', [0.5, -2, 1], 2],
    ['ignores non-finite', [Number.NaN, Infinity, -3], 3],
  ];
  for (const [name, v, want] of max) it(`symmetricMax: ${name}`, () => expect(symmetricMax(v)).toBe(want));

  const norm: Array<[string, number[], number[]]> = [
    ['scales by the largest |v|', [1, -2, 0.5], [0.5, -1, 0.25]],
    ['all zeros stay zeros', [0, 0], [0, 0]],
    ['a positive-only unit keeps 0 at 0', [0, 4], [0, 1]],
    ['NaN becomes 0', [Number.NaN, 2], [0, 1]],
  ];
  for (const [name, v, want] of norm) it(`normalizeSymmetric: ${name}`, () => expect([...normalizeSymmetric(v)]).toEqual(want));

  const counts = [
    // true 0: 3 right, 1 as class 1; true 1: none; true 2: all as class 0
    3, 1, 0,
    0, 0, 0,
    2, 0, 0,
  ];
  const rows: Array<[number, number[]]> = [
    [0, [0.75, 0.25, 0]],
    [1, [0, 0, 0]],
    [2, [1, 0, 0]],
  ];
  const shares = rowNormalize(counts, 3);
  for (const [r, want] of rows) it(`rowNormalize: row ${r}`, () => expect([...shares.slice(r * 3, r * 3 + 3)]).toEqual(want));
});

describe('weights', () => {
  // 2 units, 3 inputs. unit-major [[1, 2, 3], [4, 5, 6]]; the same matrix input-major is [[1, 4], [2, 5], [3, 6]].
  const cases: Array<[string, number[], 'unit-major' | 'input-major', number, number[]]> = [
    ['unit-major, unit 0', [1, 2, 3, 4, 5, 6], 'unit-major', 0, [1, 2, 3]],
    ['unit-major, unit 1', [1, 2, 3, 4, 5, 6], 'unit-major', 1, [4, 5, 6]],
    ['input-major, unit 0', [1, 4, 2, 5, 3, 6], 'input-major', 0, [1, 2, 3]],
    ['input-major, unit 1', [1, 4, 2, 5, 3, 6], 'input-major', 1, [4, 5, 6]],
  ];
  for (const [name, w, layout, unit, want] of cases) it(`unitWeights: ${name}`, () => expect([...unitWeights(w, unit, 3, 2, layout)]).toEqual(want));

  it('weightPixels scales each unit by its own largest |w|', () => {
    const small = weightPixels([-0.001, 0, 0.001], 'diverging');
    const large = weightPixels([-10, 0, 10], 'diverging');
    expect([...small]).toEqual([...large]);
    expect([...small.slice(0, 4)]).toEqual([...diverging(-1), 255]);
    expect([...small.slice(4, 8)]).toEqual([...diverging(0), 255]);
    expect([...small.slice(8, 12)]).toEqual([...diverging(1), 255]);
  });
  it('weightPixels in grey', () => expect([...weightPixels([-1, 1], 'grey')]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]));
  it('greyPixels reads count bytes from offset', () => {
    expect([...greyPixels(new Uint8Array([9, 0, 255, 7]), 1, 2)]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
});

describe('predictions', () => {
  const top: Array<[string, number[], number, number, { index: number; p: number }]> = [
    ['first row', [0.1, 0.7, 0.2, 0.5, 0.5, 0], 0, 3, { index: 1, p: 0.7 }],
    ['second row, a tie goes to the first', [0.1, 0.7, 0.2, 0.5, 0.5, 0], 3, 3, { index: 0, p: 0.5 }],
  ];
  for (const [name, probs, offset, k, want] of top) it(`topClass: ${name}`, () => expect(topClass(probs, offset, k)).toEqual(want));
});

describe('decision-boundary grid', () => {
  const cases: Array<[string, number, number, number, [number, number]]> = [
    ['2x2: top-left', 2, 2, 0, [-0.5, 0.5]],
    ['2x2: top-right', 2, 2, 1, [0.5, 0.5]],
    ['2x2: bottom-left', 2, 2, 2, [-0.5, -0.5]],
    ['1x1: the centre', 1, 1, 0, [0, 0]],
    ['4x2: second row, last column', 4, 2, 7, [0.75, -0.5]],
  ];
  for (const [name, w, h, cell, want] of cases) {
    it(`gridPoints ${name}`, () => {
      const g = gridPoints(w, h);
      expect(g).toHaveLength(w * h * 2);
      expect([g[cell * 2], g[cell * 2 + 1]]).toEqual(want);
    });
  }

  const white: Rgb = [255, 255, 255];
  const c0 = hexRgb(CLASS_COLORS[0]!);
  const c1 = hexRgb(CLASS_COLORS[1]!);
  const pix: Array<[string, number[], number, Rgb]> = [
    ['one-hot: 80 % of the class colour', [1, 0], 2, c0.map((c) => Math.round(255 + (c - 255) * 0.8)) as unknown as Rgb],
    ['unsure: 20 % of the mean colour', [0.5, 0.5], 2, c0.map((c, i) => Math.round(255 + ((c + c1[i]!) / 2 - 255) * 0.2)) as unknown as Rgb],
    ['unnormalised rows are normalised', [2, 0], 2, c0.map((c) => Math.round(255 + (c - 255) * 0.8)) as unknown as Rgb],
    ['all zero: the background', [0, 0], 2, white],
  ];
  for (const [name, probs, k, want] of pix) {
    it(`probabilityPixels: ${name}`, () => {
      const out = probabilityPixels(probs, 1, k, white);
      for (let c = 0; c < 3; c++) expect(Math.abs(out[c]! - want[c]!)).toBeLessThanOrEqual(1);
      expect(out[3]).toBe(255);
    });
  }
});

describe('raster', () => {
  const rates: Array<[string, number[], number, number, number]> = [
    ['none', [0, 0, 0, 0], 2, 2, 0],
    ['a quarter', [1, 0, 0, 0], 2, 2, 0.25],
    ['floats count when above 0', [0.5, 1, 0, 0], 2, 2, 0.5],
    ['empty', [], 0, 5, 0],
  ];
  for (const [name, s, steps, n, want] of rates) it(`firingRate: ${name}`, () => expect(firingRate(s, steps, n)).toBe(want));

  const bands: Array<[string, number[], number, number, number[]]> = [
    ['proportional', [100, 100, 200], 400, 10, [100, 100, 200]],
    ['a small layer gets the minimum', [128, 128, 10], 300, 40, [130, 130, 40]],
    ['too little room: equal shares', [1, 2, 3], 30, 20, [10, 10, 10]],
    ['no layers', [], 100, 10, []],
  ];
  for (const [name, rows, total, min, want] of bands) {
    it(`bandHeights: ${name}`, () => {
      const h = bandHeights(rows, total, min);
      expect(h).toHaveLength(want.length);
      h.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 9));
      if (rows.length > 0) expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 9);
    });
  }

  const ranges: Array<[string, number[][], number, { min: number; max: number }]> = [
    ['holds zero and the threshold', [[0.2, 0.4]], 1, { min: 0, max: 1.08 }],
    ['below zero gets padding too', [[-1, 0.5]], 1, { min: -1.16, max: 1.16 }],
    ['flat at zero with threshold 0', [[0, 0]], 0, { min: 0, max: 1.08 }],
  ];
  for (const [name, traces, th, want] of ranges) {
    it(`traceRange: ${name}`, () => {
      const r = traceRange(traces, th);
      expect(r.min).toBeCloseTo(want.min, 9);
      expect(r.max).toBeCloseTo(want.max, 9);
    });
  }

  const labels: Array<[number, number, string]> = [
    [0, 3, 'Input'],
    [1, 3, 'Hidden 1'],
    [2, 3, 'Output'],
    [2, 4, 'Hidden 2'],
  ];
  for (const [l, n, want] of labels) it(`layerLabel(${l}, ${n})`, () => expect(layerLabel(l, n)).toBe(want));

  // Two samples, T = 3; the input has 2 neurons, the output 1 with neuron 0 traced. [sample, neuron, t].
  const rec: SpikingRecording = {
    step: 40,
    samples: [5, 9],
    steps: 3,
    layers: [
      { layer: 0, neurons: 2, traced: [], membrane: new Float32Array(0), raster: new Uint8Array([1, 0, 0, 0, 1, 1, /* sample 1 */ 0, 0, 1, 1, 0, 0]) },
      { layer: 1, neurons: 1, traced: [0], membrane: new Float32Array([0.1, 0.2, 0.3, /* sample 1 */ 0.4, 0.5, 0.6]), raster: new Uint8Array([0, 1, 0, 1, 1, 1]) },
    ],
  };
  const frames: Array<[number, number[], number[]]> = [
    [0, [1, 0, 0, 1, 0, 1], [0, 1, 0]],
    [1, [0, 1, 0, 0, 1, 0], [1, 1, 1]],
  ];
  for (const [sample, input, output] of frames) {
    it(`rasterFrameOf sample ${sample} is time-major`, () => {
      const f = rasterFrameOf(rec, sample);
      expect(f.steps).toBe(3);
      expect(f.step).toBe(40);
      expect(f.layers.map((l) => [l.label, l.neurons])).toEqual([['Input', 2], ['Output', 1]]);
      expect([...f.layers[0]!.spikes]).toEqual(input);
      expect([...f.layers[1]!.spikes]).toEqual(output);
    });
  }
  it('membraneTracesOf picks one sample of one layer', () => {
    const t = membraneTracesOf(rec, 1, 1);
    expect(t.map((x) => x.label)).toEqual(['Neuron 0']);
    expect([...t[0]!.values].map((v) => Number(v.toFixed(6)))).toEqual([0.4, 0.5, 0.6]);
    expect(membraneTracesOf(rec, 0, 0)).toEqual([]);
    expect(membraneTracesOf(rec, 0, 7)).toEqual([]);
  });
});

describe('toggleIn', () => {
  const cases: Array<[string, string[], string, boolean, string[]]> = [
    ['shows a new one at the end', ['loss', 'angles'], 'raster', true, ['loss', 'angles', 'raster']],
    ['hides one, the rest keep their order', ['loss', 'angles', 'raster'], 'angles', false, ['loss', 'raster']],
    ['showing a shown one changes nothing', ['loss', 'angles'], 'loss', true, ['loss', 'angles']],
    ['hiding a hidden one changes nothing', ['loss'], 'raster', false, ['loss']],
  ];
  for (const [name, list, item, on, want] of cases) it(name, () => expect(toggleIn(list, item, on)).toEqual(want));
});
