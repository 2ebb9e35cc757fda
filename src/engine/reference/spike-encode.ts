// Reference of spike_encode.wgsl: intensities to T steps of spikes or currents.
// Every decision (u < r, a floor, a round) sees the kernel's operands rounded
// to f32 (Math.fround), so the spikes match the GPU's bit for bit.
import type { Encoder } from '../kernels/spike-encode';
import { clockStream, uniform } from './random';

export interface SpikeEncodeRefArgs {
  /** Intensities, rows x n. */
  X: ArrayLike<number>;
  rows: number;
  n: number;
  steps: number;
  encoder: Encoder;
  gain?: number;
  threshold?: number;
  seed?: number;
  stream?: number;
  /** The step clock the poisson draws are keyed by. */
  clock?: number;
}

const clamp01 = (v: number): number => Math.min(Math.max(v, 0), 1);

/** Nearest integer, ties to even, as WGSL's round. */
export function roundEven(v: number): number {
  const f = Math.floor(v);
  if (v - f !== 0.5) return Math.round(v);
  return f % 2 === 0 ? f : f + 1;
}

/** Output element k = (t * rows + r) * n + i, as the thread that owns it computes it. */
export function spikeAt(a: SpikeEncodeRefArgs, k: number): number {
  const size = a.rows * a.n;
  const t = Math.floor(k / size);
  const gain = Math.fround(a.gain ?? 1);
  const x = clamp01(Math.fround(a.X[k % size]));
  const r = clamp01(Math.fround(gain * x));
  switch (a.encoder) {
    case 'poisson':
      return uniform(a.seed ?? 0, clockStream(a.clock ?? 0, a.stream ?? 0), k) < r ? 1 : 0;
    case 'rate':
      // Spikes where the running count floor(t r) steps up: floor(T r) of them, evenly spaced.
      return Math.floor(Math.fround((t + 1) * r)) > Math.floor(Math.fround(t * r)) ? 1 : 0;
    case 'latency': {
      const fire = roundEven(Math.fround(Math.fround(1 - x) * (a.steps - 1)));
      return x > Math.fround(a.threshold ?? 0) && t === fire ? 1 : 0;
    }
    case 'current':
      return Math.fround(gain * x);
  }
}

/** S, steps x rows x n, time-major. */
export function spikeEncodeRef(a: SpikeEncodeRefArgs): Float64Array {
  return Float64Array.from({ length: a.steps * a.rows * a.n }, (_, k) => spikeAt(a, k));
}
