// Seeded 2-D classroom datasets (spirals, XOR, circles, Gaussian blobs) in the engine's Dataset shape.
import { ConfigError } from '../errors';
import { Rng } from '../rng';
import { DatasetError } from './errors';
import type { Dataset, DatasetSplit } from './loader';

export interface TeachingSetSpec {
  title: string;
  /** Classes made when the caller does not choose. */
  classes: number;
  /** Class counts this set can be made with. */
  classChoices: readonly number[];
  description: string;
}

export const TEACHING_SETS = {
  spirals: {
    title: 'Spirals',
    classes: 2,
    classChoices: [2, 3],
    description: 'Two or three spiral arms wound around each other; no straight line separates them.',
  },
  xor: {
    title: 'XOR',
    classes: 2,
    classChoices: [2],
    description: 'Four clusters, one per quadrant, labelled by whether x and y have the same sign.',
  },
  circles: {
    title: 'Circles',
    classes: 2,
    classChoices: [2],
    description: 'A disc in the middle and a ring around it, separable only by a closed boundary.',
  },
  blobs: {
    title: 'Gaussian blobs',
    classes: 4,
    classChoices: [2, 3, 4, 5, 6, 7, 8],
    description: 'Round Gaussian clusters spaced on a circle, one per class; almost linearly separable.',
  },
} as const satisfies Record<string, TeachingSetSpec>;

export type TeachingSetId = keyof typeof TEACHING_SETS;

export interface TeachingSetOptions {
  trainCount: number;
  testCount: number;
  /** Std of Gaussian jitter added to each coordinate, in the units of [-1, 1]; 0 gives the clean shape. */
  noise: number;
  seed: number;
  /** Spiral arms or blobs; one of the set's `classChoices` (default its `classes`). */
  classes?: number;
}

/** Large enough for any lesson, small enough that a typo cannot allocate gigabytes. */
export const MAX_TEACHING_EXAMPLES = 1_000_000;

// Points are stored as uint8 because every engine dataset is uint8 pixels: byte b stands for
// b / 127.5 - 1, so 0 → -1 and 255 → +1 in steps of 2/255 (≈ 0.0078); 0 itself falls between
// bytes 127 and 128. The engine then feeds b / 255 (or its standardised value) to the network.

/** A coordinate in [-1, 1] (clamped) to its nearest byte. */
export function toByte(v: number): number {
  const c = v < -1 ? -1 : v > 1 ? 1 : v;
  return Math.round((c + 1) * 127.5);
}

/** A stored byte back to its coordinate in [-1, 1]. */
export function fromByte(b: number): number {
  return b / 127.5 - 1;
}

export function isTeachingSetId(id: string): id is TeachingSetId {
  return Object.prototype.hasOwnProperty.call(TEACHING_SETS, id);
}

/** Makes a teaching set: rows 1, cols 2 (x, y); train and test come from independent streams of `seed`. */
export function makeTeachingSet(id: string, options: TeachingSetOptions): Dataset {
  if (!isTeachingSetId(id)) {
    const valid = Object.keys(TEACHING_SETS).map((n) => `'${n}'`).join(', ');
    throw new DatasetError(id, `unknown teaching set. Valid names: ${valid}.`);
  }
  const spec: TeachingSetSpec = TEACHING_SETS[id];
  checkCount('trainCount', options.trainCount);
  checkCount('testCount', options.testCount);
  if (!(Number.isFinite(options.noise) && options.noise >= 0)) {
    throw new ConfigError('noise', `is ${options.noise}; it must be a number of 0 or more (0 draws the clean shape, 0.1 is mild).`);
  }
  if (!Number.isSafeInteger(options.seed)) {
    throw new ConfigError('seed', `is ${options.seed}; it must be a whole number.`);
  }
  const classes = options.classes ?? spec.classes;
  if (!spec.classChoices.includes(classes)) {
    throw new ConfigError('classes', `'${id}' can be made with ${spec.classChoices.join(', ')} classes, not ${classes}. Choose one of those.`);
  }
  const draw = DRAW[id];
  const rng = new Rng(options.seed);
  const split = (count: number, stream: Rng): DatasetSplit => {
    const images = new Uint8Array(count * 2);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      // Round-robin labels: every class gets count/classes examples, give or take one.
      const label = i % classes;
      const [x, y] = draw(label, classes, stream);
      images[2 * i] = toByte(x + options.noise * stream.normal());
      images[2 * i + 1] = toByte(y + options.noise * stream.normal());
      labels[i] = label;
    }
    return { images, labels, count };
  };
  return {
    name: id,
    rows: 1,
    cols: 2,
    classes,
    classNames: CLASS_NAMES[id](classes),
    train: split(options.trainCount, rng.fork(1)),
    test: split(options.testCount, rng.fork(2)),
  };
}

function checkCount(field: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_TEACHING_EXAMPLES)) {
    throw new ConfigError(field, `is ${n}; it must be a whole number of examples from 1 to ${MAX_TEACHING_EXAMPLES}.`);
  }
}

/** One clean point of class `label`, before noise; inside [-1, 1]^2. */
type DrawPoint = (label: number, classes: number, rng: Rng) => [number, number];

const DRAW: Record<TeachingSetId, DrawPoint> = {
  spirals: (label, classes, rng) => {
    // Arms start near the centre, 1.25 turns each, offset evenly in angle.
    const t = rng.uniform();
    const r = 0.05 + 0.85 * t;
    const angle = 2 * Math.PI * (label / classes + 1.25 * t);
    return [r * Math.cos(angle), r * Math.sin(angle)];
  },
  xor: (label, _classes, rng) => {
    // Class 0: quadrants I and III (same sign); class 1: II and IV. Clusters keep 0.1 off the axes.
    const sx = rng.uniform() < 0.5 ? -1 : 1;
    const sy = label === 0 ? sx : -sx;
    return [sx * (0.1 + 0.8 * rng.uniform()), sy * (0.1 + 0.8 * rng.uniform())];
  },
  circles: (label, _classes, rng) => {
    // Uniform over the area: disc r < 0.4, ring 0.6 < r < 0.9.
    const [r0, r1] = label === 0 ? [0, 0.4] : [0.6, 0.9];
    const r = Math.sqrt(r0 * r0 + (r1 * r1 - r0 * r0) * rng.uniform());
    const angle = 2 * Math.PI * rng.uniform();
    return [r * Math.cos(angle), r * Math.sin(angle)];
  },
  blobs: (label, classes, rng) => {
    // Centres on a circle of radius 0.6; the std (at most 0.12) keeps 3 stds between a centre and
    // the midpoint to its neighbour, so even 8 blobs barely overlap.
    const angle = 2 * Math.PI * (label / classes) + Math.PI / 4;
    const std = Math.min(0.12, (0.6 * Math.sin(Math.PI / classes)) / 3);
    return [0.6 * Math.cos(angle) + std * rng.normal(), 0.6 * Math.sin(angle) + std * rng.normal()];
  },
};

const numbered = (word: string) => (classes: number) => Array.from({ length: classes }, (_, i) => `${word} ${i + 1}`);

const CLASS_NAMES: Record<TeachingSetId, (classes: number) => string[]> = {
  spirals: numbered('arm'),
  xor: () => ['same sign', 'opposite sign'],
  circles: () => ['disc', 'ring'],
  blobs: numbered('blob'),
};
