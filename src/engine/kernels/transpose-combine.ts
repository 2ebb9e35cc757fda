import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/**
 * out = a X + b f(Y^T) over a rows x cols matrix (Y stored cols x rows), f = sign
 * when `sign`. X may be omitted when a = 0.
 */
export async function transposeCombine(
  ctx: GpuContext,
  args: { X?: GPUBuffer; Y: GPUBuffer; out: GPUBuffer; rows: number; cols: number; a: number; b: number; sign?: boolean; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'transpose_combine',
    source: SHADERS.transposeCombine,
    bindings: ['uniform', 'read', 'read', 'write'],
    constants: { SIGN: args.sign ? 1 : 0 },
  });
  const label = args.label ?? 'transpose_combine';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', args.rows], ['u32', args.cols], ['f32', args.a], ['f32', args.b]]));
  const X = args.X ?? args.Y;
  return makeDispatch(ctx.device, kernel, [u, X, args.Y, args.out], grid1d(args.rows * args.cols, 256), label);
}
