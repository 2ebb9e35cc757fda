import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** out[n] = alpha * sum over rows of X[., n] (bias gradients). */
export async function columnSum(
  ctx: GpuContext,
  a: { X: GPUBuffer; out: GPUBuffer; rows: number; cols: number; alpha?: number; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({ name: 'column_sum', source: SHADERS.columnSum, bindings: ['uniform', 'read', 'write'] });
  const label = a.label ?? 'column_sum';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.cols], ['f32', a.alpha ?? 1]]));
  return makeDispatch(ctx.device, kernel, [u, a.X, a.out], grid1d(a.cols, 64), label);
}
