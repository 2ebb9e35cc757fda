import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** out[slot..slot+3] = (x.y, x.x, y.y) over rows x cols values; y read transposed with `transposeY`. */
export async function dotProducts(
  ctx: GpuContext,
  a: { X: GPUBuffer; Y: GPUBuffer; out: GPUBuffer; rows: number; cols: number; slot: number; transposeY?: boolean; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'dot_products',
    source: SHADERS.dotProducts,
    bindings: ['uniform', 'read', 'read', 'write'],
    constants: { TRANSPOSE_Y: a.transposeY ? 1 : 0 },
  });
  const label = a.label ?? 'dot_products';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.cols], ['u32', a.slot]]));
  return makeDispatch(ctx.device, kernel, [u, a.X, a.Y, a.out], [1, 1, 1], label);
}

/** Angle in degrees from the three sums; NaN when either vector is zero. */
export function angleDegrees(xy: number, xx: number, yy: number): number {
  const denom = Math.sqrt(xx * yy);
  if (!(denom > 0)) return Number.NaN;
  const c = Math.min(1, Math.max(-1, xy / denom));
  return (Math.acos(c) * 180) / Math.PI;
}
