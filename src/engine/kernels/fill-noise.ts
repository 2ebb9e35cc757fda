import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** Fills `out` with fresh N(0, std^2) noise each step, keyed by (seed, clock, stream). */
export async function fillNoise(
  ctx: GpuContext,
  a: { out: GPUBuffer; clock: GPUBuffer; n: number; std: number; seed: number; stream: number; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({ name: 'fill_noise', source: SHADERS.fillNoise, bindings: ['uniform', 'read', 'write'] });
  const label = a.label ?? 'fill_noise';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.n], ['u32', a.seed], ['u32', a.stream], ['f32', a.std]]));
  return makeDispatch(ctx.device, kernel, [u, a.clock, a.out], grid1d(a.n, 256), label);
}
