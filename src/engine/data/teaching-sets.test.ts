import { describe, expect, test } from 'vitest';
import { ConfigError } from '../errors';
import { DatasetError } from './errors';
import type { DatasetSplit } from './loader';
import { fromByte, makeTeachingSet, TEACHING_SETS, type TeachingSetOptions, toByte } from './teaching-sets';

const base: TeachingSetOptions = { trainCount: 300, testCount: 120, noise: 0, seed: 1 };
/** Half a quantisation step, plus float slack. */
const HALF_STEP = 1 / 255 + 1e-9;

const points = (s: DatasetSplit) =>
  Array.from({ length: s.count }, (_, i) => ({ x: fromByte(s.images[2 * i]!), y: fromByte(s.images[2 * i + 1]!), label: s.labels[i]! }));

/** Every (set, classes) the catalogue offers. */
const variants = Object.entries(TEACHING_SETS).flatMap(([id, spec]) => spec.classChoices.map((classes) => ({ id, classes })));

describe('toByte and fromByte', () => {
  test.each([
    [-1, 0],
    [1, 255],
    [-5, 0],
    [5, 255],
    [0, 128],
    [-2 / 255, 127],
  ])('toByte(%d) = %d', (v, b) => expect(toByte(v)).toBe(b));

  test('a coordinate survives the round trip to within half a step (1/255)', () => {
    for (let v = -1; v <= 1; v += 0.001) expect(Math.abs(fromByte(toByte(v)) - v)).toBeLessThanOrEqual(HALF_STEP);
    for (let b = 0; b < 256; b++) expect(toByte(fromByte(b))).toBe(b);
  });
});

describe.each(variants)('$id with $classes classes', ({ id, classes }) => {
  const opts = { ...base, classes };

  test('shape, classes and names', () => {
    const ds = makeTeachingSet(id, opts);
    expect(ds).toMatchObject({ name: id, rows: 1, cols: 2, classes });
    expect(ds.classNames).toHaveLength(classes);
    for (const [split, count] of [[ds.train, 300], [ds.test, 120]] as const) {
      expect(split.count).toBe(count);
      expect(split.images).toHaveLength(2 * count);
      expect(split.labels).toHaveLength(count);
    }
  });

  test('the same seed gives identical bytes; another seed does not', () => {
    const a = makeTeachingSet(id, opts);
    expect(makeTeachingSet(id, opts)).toEqual(a);
    const b = makeTeachingSet(id, { ...opts, seed: 2 });
    expect(b.train.images).not.toEqual(a.train.images);
    expect(b.test.images).not.toEqual(a.test.images);
  });

  test('train and test come from independent streams', () => {
    const a = makeTeachingSet(id, opts);
    // The train set does not depend on how many test points are drawn, and vice versa.
    expect(makeTeachingSet(id, { ...opts, testCount: 7 }).train).toEqual(a.train);
    expect(makeTeachingSet(id, { ...opts, trainCount: 7 }).test).toEqual(a.test);
    expect(a.test.images.subarray(0, 40)).not.toEqual(a.train.images.subarray(0, 40));
  });

  test('classes are balanced to within one example', () => {
    const ds = makeTeachingSet(id, { ...opts, trainCount: 301 });
    for (const split of [ds.train, ds.test]) {
      const counts = new Array<number>(classes).fill(0);
      for (const l of split.labels) counts[l]!++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(counts.reduce((a, b) => a + b)).toBe(split.count);
    }
  });

  test('noise moves the points; heavy noise stays inside the byte range', () => {
    const clean = makeTeachingSet(id, opts);
    const noisy = makeTeachingSet(id, { ...opts, noise: 0.1 });
    expect(noisy.train.labels).toEqual(clean.train.labels);
    expect(noisy.train.images).not.toEqual(clean.train.images);
    // Clamped to the square: both ends are hit, nothing wraps.
    const wild = makeTeachingSet(id, { ...opts, noise: 5 }).train.images;
    expect(wild.includes(0) && wild.includes(255)).toBe(true);
  });
});

/** What each clean set (noise 0) guarantees about a point of its class. */
const shapes: { id: string; classes: number; holds: (p: { x: number; y: number; label: number }) => boolean; share?: number }[] = [
  { id: 'xor', classes: 2, holds: (p) => (p.x * p.y > 0 ? 0 : 1) === p.label && Math.min(Math.abs(p.x), Math.abs(p.y)) >= 0.1 - HALF_STEP },
  {
    id: 'circles',
    classes: 2,
    holds: ({ x, y, label }) => {
      const r = Math.hypot(x, y);
      const slack = 2 * HALF_STEP;
      return label === 0 ? r <= 0.4 + slack : r >= 0.6 - slack && r <= 0.9 + slack;
    },
  },
  { id: 'spirals', classes: 2, holds: ({ x, y }) => Math.hypot(x, y) <= 0.9 + 2 * HALF_STEP },
  { id: 'spirals', classes: 3, holds: ({ x, y }) => Math.hypot(x, y) >= 0.05 - 2 * HALF_STEP && Math.hypot(x, y) <= 0.9 + 2 * HALF_STEP },
  // Gaussian blobs overlap a little: nearly every point is nearest its own centre.
  ...[2, 4, 8].map((classes) => ({
    id: 'blobs',
    classes,
    share: 0.97,
    holds: ({ x, y, label }: { x: number; y: number; label: number }) => {
      const d = (k: number) => Math.hypot(x - 0.6 * Math.cos((2 * Math.PI * k) / classes + Math.PI / 4), y - 0.6 * Math.sin((2 * Math.PI * k) / classes + Math.PI / 4));
      const nearest = Array.from({ length: classes }, (_, k) => k).reduce((a, k) => (d(k) < d(a) ? k : a), 0);
      return nearest === label;
    },
  })),
];

describe('clean shapes', () => {
  test.each(shapes)('$id ($classes classes)', ({ id, classes, holds, share = 1 }) => {
    const ds = makeTeachingSet(id, { ...base, classes, trainCount: 800 });
    for (const split of [ds.train, ds.test]) {
      const pts = points(split);
      expect(pts.filter(holds).length / pts.length).toBeGreaterThanOrEqual(share);
    }
  });

  test('each spiral arm winds through all four quadrants', () => {
    const pts = points(makeTeachingSet('spirals', { ...base, trainCount: 400 }).train);
    for (const label of [0, 1]) {
      const quadrants = new Set(pts.filter((p) => p.label === label).map((p) => `${p.x > 0}${p.y > 0}`));
      expect(quadrants.size).toBe(4);
    }
  });
});

describe('bad arguments are refused with a message that says what to do', () => {
  const cases: { name: string; id?: string; opts: Partial<TeachingSetOptions>; error: typeof ConfigError | typeof DatasetError; message: RegExp }[] = [
    { name: 'unknown id', id: 'moons', opts: {}, error: DatasetError, message: /^moons: unknown teaching set\. Valid names: 'spirals', 'xor', 'circles', 'blobs'\.$/ },
    { name: 'trainCount 0', opts: { trainCount: 0 }, error: ConfigError, message: /^trainCount: is 0; it must be a whole number of examples from 1 to 1000000\.$/ },
    { name: 'trainCount 2.5', opts: { trainCount: 2.5 }, error: ConfigError, message: /^trainCount: is 2\.5; it must be a whole number/ },
    { name: 'trainCount too large', opts: { trainCount: 1e7 }, error: ConfigError, message: /^trainCount: is 10000000;/ },
    { name: 'testCount NaN', opts: { testCount: NaN }, error: ConfigError, message: /^testCount: is NaN; it must be a whole number/ },
    { name: 'testCount -3', opts: { testCount: -3 }, error: ConfigError, message: /^testCount: is -3;/ },
    { name: 'noise -0.1', opts: { noise: -0.1 }, error: ConfigError, message: /^noise: is -0\.1; it must be a number of 0 or more \(0 draws the clean shape, 0\.1 is mild\)\.$/ },
    { name: 'noise Infinity', opts: { noise: Infinity }, error: ConfigError, message: /^noise: is Infinity;/ },
    { name: 'seed 1.5', opts: { seed: 1.5 }, error: ConfigError, message: /^seed: is 1\.5; it must be a whole number\.$/ },
    { name: 'xor with 3 classes', id: 'xor', opts: { classes: 3 }, error: ConfigError, message: /^classes: 'xor' can be made with 2 classes, not 3\. Choose one of those\.$/ },
    { name: 'spirals with 4 arms', id: 'spirals', opts: { classes: 4 }, error: ConfigError, message: /^classes: 'spirals' can be made with 2, 3 classes, not 4\./ },
    { name: 'blobs with 9', id: 'blobs', opts: { classes: 9 }, error: ConfigError, message: /^classes: 'blobs' can be made with 2, 3, 4, 5, 6, 7, 8 classes, not 9\./ },
  ];
  test.each(cases)('$name', ({ id = 'circles', opts, error, message }) => {
    const run = () => makeTeachingSet(id, { ...base, ...opts });
    expect(run).toThrow(error);
    expect(run).toThrow(message);
  });
});
