import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** How intensities become input steps; the index is spike_encode.wgsl's ENCODER. */
export const ENCODERS = ['poisson', 'rate', 'latency', 'current'] as const;
export type Encoder = (typeof ENCODERS)[number];

export interface SpikeEncodeArgs {
  /** Intensities, rows x n, expected in [0, 1] (clamped there). */
  X: GPUBuffer;
  /** Output, steps x rows x n, time-major. */
  S: GPUBuffer;
  /** The step clock; poisson draws fresh spikes each step from it, the others ignore it. */
  clock?: GPUBuffer;
  rows: number;
  n: number;
  /** T, the number of time steps. */
  steps: number;
  encoder: Encoder;
  /** Scales x into a spike probability or rate (poisson, rate; clamped to [0, 1]) or a current; absent = 1. */
  gain?: number;
  /** Latency: x at or below it never spikes; absent = 0. */
  threshold?: number;
  seed?: number;
  stream?: number;
  label?: string;
}

/** Encodes a batch of intensities as T steps of spikes or currents (see spike_encode.wgsl). */
export async function spikeEncode(ctx: GpuContext, a: SpikeEncodeArgs): Promise<Dispatch> {
  if (a.encoder === 'poisson' && !a.clock) throw new Error('spikeEncode: the poisson encoder needs the step clock');
  const kernel = await ctx.pipelines.get({
    name: 'spike_encode',
    source: SHADERS.spikeEncode,
    bindings: ['uniform', 'read', 'read', 'write'],
    constants: { ENCODER: ENCODERS.indexOf(a.encoder) },
  });
  const label = a.label ?? 'spike_encode';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows],
      ['u32', a.n],
      ['u32', a.steps],
      ['u32', a.seed ?? 0],
      ['u32', a.stream ?? 0],
      ['f32', a.gain ?? 1],
      ['f32', a.threshold ?? 0],
    ]),
  );
  const clock = a.clock ?? ctx.dummy('spike_encode.clock');
  return makeDispatch(ctx.device, kernel, [u, a.X, clock, a.S], grid1d(a.steps * a.rows * a.n, 256), label);
}
