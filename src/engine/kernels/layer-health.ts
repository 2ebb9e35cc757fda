import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** out[slot..slot+3] = (sum S, max |U| over finite U, count of non-finite U) over rows x cols values. */
export async function layerHealth(
  ctx: GpuContext,
  a: { S: GPUBuffer; U: GPUBuffer; out: GPUBuffer; rows: number; cols: number; slot: number; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'layer_health',
    source: SHADERS.layerHealth,
    bindings: ['uniform', 'read', 'read', 'write'],
  });
  const label = a.label ?? 'layer_health';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.cols], ['u32', a.slot]]));
  return makeDispatch(ctx.device, kernel, [u, a.S, a.U, a.out], [1, 1, 1], label);
}
