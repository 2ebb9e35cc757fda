// Pure helpers behind the lab's views: colour maps, normalisation, layouts and the
// reshaping of engine recordings. No DOM, so they run (and are tested) in Node.
import type { SpikingRecording } from '../../engine/spiking/recording';

export type Rgb = readonly [number, number, number];

/**
 * Okabe and Ito's colour-blind-safe palette, one colour per class. Their black is
 * replaced by grey so that every class also shows on a dark page.
 */
export const CLASS_COLORS: readonly string[] = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#0072b2', '#d55e00', '#cc79a7', '#999999'];

/** '#rrggbb' (or '#rgb') to its channels. */
export function hexRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full, 16);
  if (full.length !== 6 || !Number.isFinite(n)) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const CLASS_RGB: readonly Rgb[] = CLASS_COLORS.map(hexRgb);

/** Class k's colour; the palette repeats past its eight colours. */
export function classColor(k: number): string {
  const n = CLASS_COLORS.length;
  return CLASS_COLORS[((k % n) + n) % n]!;
}

export function classRgb(k: number): Rgb {
  const n = CLASS_RGB.length;
  return CLASS_RGB[((k % n) + n) % n]!;
}

/** Marker shapes for classes, so that classes differ by more than colour. Five, so shape and colour repeat together only at class 40. */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down'] as const;
export type Marker = (typeof MARKERS)[number];

export function classMarker(k: number): Marker {
  return MARKERS[((k % MARKERS.length) + MARKERS.length) % MARKERS.length]!;
}

/** The corners of a marker of radius r centred on (x, y); a circle has none. */
export function markerPolygon(marker: Marker, x: number, y: number, r: number): Array<[number, number]> {
  switch (marker) {
    case 'circle':
      return [];
    case 'square': {
      const s = r * 0.85;
      return [[x - s, y - s], [x + s, y - s], [x + s, y + s], [x - s, y + s]];
    }
    case 'triangle':
      return [[x, y - r * 1.1], [x + r, y + r * 0.7], [x - r, y + r * 0.7]];
    case 'triangle-down':
      return [[x, y + r * 1.1], [x + r, y - r * 0.7], [x - r, y - r * 0.7]];
    case 'diamond':
      return [[x, y - r * 1.2], [x + r, y], [x, y + r * 1.2], [x - r, y]];
  }
}

// ColorBrewer RdBu (colour-blind safe): blue for negative, near-white for zero, red for positive.
const DIVERGING_STOPS: readonly Rgb[] = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];
const LUT_SIZE = 257; // odd, so that 0 falls exactly on the middle stop
const DIVERGING_LUT: readonly Rgb[] = Array.from({ length: LUT_SIZE }, (_, i) => {
  const pos = (i / (LUT_SIZE - 1)) * (DIVERGING_STOPS.length - 1);
  const j = Math.min(DIVERGING_STOPS.length - 2, Math.floor(pos));
  const f = pos - j;
  const a = DIVERGING_STOPS[j]!;
  const b = DIVERGING_STOPS[j + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as unknown as Rgb;
});

/** The diverging map at t in [-1, 1] (clamped; NaN reads as 0). */
export function diverging(t: number): Rgb {
  const c = Number.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
  return DIVERGING_LUT[Math.round(((c + 1) / 2) * (LUT_SIZE - 1))]!;
}

/** Grey for t in [-1, 1]: black at -1, mid-grey at 0, white at +1. */
export function greyDiverging(t: number): Rgb {
  const c = Number.isNaN(t) ? 0 : Math.max(-1, Math.min(1, t));
  const v = Math.round(((c + 1) / 2) * 255);
  return [v, v, v];
}

export type WeightMap = 'diverging' | 'grey';

/** The largest |v| over the finite values; 0 when there are none. */
export function symmetricMax(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}

/** Values scaled into [-1, 1] by their own largest |v|, so 0 stays 0; all zeros stay zeros. */
export function normalizeSymmetric(values: ArrayLike<number>): Float32Array {
  const m = symmetricMax(values);
  const out = new Float32Array(values.length);
  if (m === 0) return out;
  for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]!) ? values[i]! / m : 0;
  return out;
}

/** How a weight matrix is laid out: 'unit-major' is [units, inputs] (the engine's W, nOut x nIn); 'input-major' is [inputs, units]. */
export type WeightLayout = 'unit-major' | 'input-major';

/** One hidden unit's incoming weights. */
export function unitWeights(weights: ArrayLike<number>, unit: number, inputs: number, units: number, layout: WeightLayout): Float32Array {
  const out = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) out[i] = weights[layout === 'unit-major' ? unit * inputs + i : i * units + unit]!;
  return out;
}

/** RGBA pixels of one unit's weights, normalised by its own largest |w|. */
export function weightPixels(values: ArrayLike<number>, map: WeightMap): Uint8ClampedArray<ArrayBuffer> {
  const norm = normalizeSymmetric(values);
  const colour = map === 'grey' ? greyDiverging : diverging;
  const out = new Uint8ClampedArray(norm.length * 4);
  for (let i = 0; i < norm.length; i++) {
    const [r, g, b] = colour(norm[i]!);
    out.set([r, g, b, 255], i * 4);
  }
  return out;
}

/** RGBA pixels of `count` grey bytes from `offset` (0 black, 255 white). */
export function greyPixels(pixels: ArrayLike<number>, offset: number, count: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    const v = pixels[offset + i] ?? 0;
    out[i * 4] = v;
    out[i * 4 + 1] = v;
    out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Each row of a classes x classes matrix divided by its sum; an empty row stays zeros. */
export function rowNormalize(counts: ArrayLike<number>, classes: number): Float64Array {
  const out = new Float64Array(classes * classes);
  for (let r = 0; r < classes; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += counts[r * classes + c] ?? 0;
    if (sum > 0) for (let c = 0; c < classes; c++) out[r * classes + c] = (counts[r * classes + c] ?? 0) / sum;
  }
  return out;
}

/** The most probable class among `classes` values from `offset`, and its probability. */
export function topClass(probs: ArrayLike<number>, offset: number, classes: number): { index: number; p: number } {
  let index = 0;
  let p = -Infinity;
  for (let k = 0; k < classes; k++) {
    const v = probs[offset + k]!;
    if (v > p) {
      p = v;
      index = k;
    }
  }
  return { index, p };
}

/**
 * The points a decision-boundary grid is evaluated at: width x height cell centres in
 * [-1, 1]², row-major from the top row (y near +1) down, as [x0, y0, x1, y1, ...].
 * Evaluate the network at these and pass its probabilities, in the same order, to the view.
 */
export function gridPoints(width: number, height: number): Float32Array {
  const out = new Float32Array(width * height * 2);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = (r * width + c) * 2;
      out[i] = -1 + ((c + 0.5) * 2) / width;
      out[i + 1] = 1 - ((r + 0.5) * 2) / height;
    }
  }
  return out;
}

/**
 * RGBA pixels for a grid of class probabilities [h*w*classes]: the probability-weighted
 * mix of the class colours, laid over `background` more strongly the more certain the
 * cell is (1/classes everywhere reads as a faint mix, one-hot as 80 % of the class colour).
 */
export function probabilityPixels(probs: ArrayLike<number>, cells: number, classes: number, background: Rgb): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(cells * 4);
  const chance = 1 / classes;
  for (let i = 0; i < cells; i++) {
    let r = 0, g = 0, b = 0, sum = 0, max = 0;
    for (let k = 0; k < classes; k++) {
      const p = Math.max(0, probs[i * classes + k] ?? 0) || 0;
      const [cr, cg, cb] = classRgb(k);
      r += p * cr;
      g += p * cg;
      b += p * cb;
      sum += p;
      if (p > max) max = p;
    }
    const conf = sum > 0 && classes > 1 ? Math.max(0, Math.min(1, (max / sum - chance) / (1 - chance))) : 0;
    const strength = sum > 0 ? 0.2 + 0.6 * conf : 0;
    const mix = [r, g, b].map((v) => (sum > 0 ? v / sum : 0));
    for (let c = 0; c < 3; c++) out[i * 4 + c] = background[c]! + (mix[c]! - background[c]!) * strength;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Share of (step, neuron) cells that spiked: spikes per neuron per time step. */
export function firingRate(spikes: ArrayLike<number>, steps: number, neurons: number): number {
  const n = steps * neurons;
  if (n <= 0) return 0;
  let count = 0;
  for (let i = 0; i < n; i++) if ((spikes[i] ?? 0) > 0) count++;
  return count / n;
}

/**
 * Heights of stacked bands that share `total` in proportion to their rows, each at
 * least `min` (all equal when `min` cannot be met). The heights add up to `total`.
 */
export function bandHeights(rows: readonly number[], total: number, min: number): number[] {
  const n = rows.length;
  if (n === 0) return [];
  if (n * min >= total) return rows.map(() => total / n);
  const fixed = rows.map(() => false);
  for (;;) {
    const free = total - fixed.filter(Boolean).length * min;
    const weight = rows.reduce((s, r, i) => (fixed[i] ? s : s + Math.max(0, r)), 0);
    let changed = false;
    const out = rows.map((r, i) => (fixed[i] ? min : weight > 0 ? (free * Math.max(0, r)) / weight : free / fixed.filter((f) => !f).length));
    out.forEach((h, i) => {
      if (!fixed[i] && h < min) {
        fixed[i] = true;
        changed = true;
      }
    });
    if (!changed) return out;
  }
}

/** A y-range that holds every trace value, zero and the threshold, with a little headroom. */
export function traceRange(traces: ReadonlyArray<ArrayLike<number>>, threshold: number): { min: number; max: number } {
  let min = Math.min(0, threshold);
  let max = Math.max(0, threshold);
  for (const t of traces) {
    for (let i = 0; i < t.length; i++) {
      const v = t[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (max === min) max = min + 1;
  const pad = (max - min) * 0.08;
  return { min: min < 0 ? min - pad : min, max: max + pad };
}

/** One layer of one sample's raster, time-major: spikes[t * neurons + n]. */
export interface RasterLayer {
  label: string;
  neurons: number;
  spikes: Uint8Array | Float32Array;
}

/** One recording of one sample, for `<spike-raster>`: T steps of every layer. */
export interface RasterFrame {
  steps: number;
  layers: RasterLayer[];
  /** The training step it was recorded at, if known. */
  step?: number;
}

/** A layer's display name: the encoded input, the hidden layers, the output. */
export function layerLabel(layer: number, layers: number): string {
  if (layer === 0) return 'Input';
  return layer === layers - 1 ? 'Output' : `Hidden ${layer}`;
}

/** One sample of an engine recording ([sample, neuron, t]) reshaped into a time-major raster frame. */
export function rasterFrameOf(rec: SpikingRecording, sample: number): RasterFrame {
  const T = rec.steps;
  const layers = rec.layers.map((l): RasterLayer => {
    const spikes = new Uint8Array(T * l.neurons);
    const base = sample * l.neurons * T;
    for (let n = 0; n < l.neurons; n++) for (let t = 0; t < T; t++) spikes[t * l.neurons + n] = l.raster[base + n * T + t]!;
    return { label: layerLabel(l.layer, rec.layers.length), neurons: l.neurons, spikes };
  });
  return { steps: T, layers, step: rec.step };
}

export interface MembraneTrace {
  label: string;
  /** Membrane potential at each time step. */
  values: Float32Array | readonly number[];
}

/** One sample's traced membranes ([sample, traced, t]) of one layer of an engine recording. */
export function membraneTracesOf(rec: SpikingRecording, sample: number, layer: number): MembraneTrace[] {
  const l = rec.layers.find((x) => x.layer === layer);
  if (!l) return [];
  const T = rec.steps;
  return l.traced.map((neuron, j) => {
    const start = (sample * l.traced.length + j) * T;
    return { label: `Neuron ${neuron}`, values: l.membrane.slice(start, start + T) };
  });
}

/** `list` with `item` shown (appended, if it was not there) or hidden; the others keep their order. */
export function toggleIn<T>(list: readonly T[], item: T, on: boolean): T[] {
  const rest = list.filter((x) => x !== item);
  return on ? (list.includes(item) ? [...list] : [...rest, item]) : rest;
}
