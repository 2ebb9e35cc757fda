import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export interface GatherArgs {
  /** Dataset images as packed bytes (4 per u32). */
  images: GPUBuffer;
  /** Dataset labels, one u32 each. */
  labels: GPUBuffer;
  /** Example order: a shuffled permutation for training, the identity for evaluation. */
  index: GPUBuffer;
  /** The step clock; read only with `useClock`. */
  clock?: GPUBuffer;
  X: GPUBuffer;
  Y: GPUBuffer;
  rows: number;
  pixels: number;
  /** Follow the step clock (training) or start at `offset` (evaluation chunks: `clock` is not used). */
  useClock: boolean;
  offset?: number;
  stepsPerEpoch?: number;
  /** X = (byte / 255 - shift) * scale; absent = 0 and 1, pixels in [0, 1]. */
  shift?: number;
  scale?: number;
  label?: string;
}

/** Builds a float minibatch and its labels from the GPU-resident dataset. */
export async function gatherBatch(ctx: GpuContext, a: GatherArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'gather_batch',
    source: SHADERS.gatherBatch,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'write', 'write'],
  });
  if (a.useClock && !a.clock) throw new Error('a gather that follows the step clock needs the clock');
  // Without the clock the kernel reads a placeholder that stays 0 (nothing writes it).
  const clock = a.useClock ? a.clock! : ctx.dummy('gather_batch.zero_clock');
  const label = a.label ?? 'gather_batch';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.pixels], ['u32', a.useClock ? 0 : (a.offset ?? 0)], ['u32', Math.max(1, a.stepsPerEpoch ?? 1)], ['f32', a.shift ?? 0], ['f32', a.scale ?? 1]]),
  );
  return makeDispatch(ctx.device, kernel, [u, a.images, a.labels, a.index, clock, a.X, a.Y], grid1d(a.rows * a.pixels, 256), label);
}
