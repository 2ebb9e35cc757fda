import { BufferRegistry } from '../device/buffer-registry';
import type { GpuContext } from '../device/gpu-context';

/**
 * Builds an inspection's buffers and dispatches with a context whose buffers
 * (the kernel wrappers' uniforms included) go to a registry of their own,
 * runs `use`, then frees that registry: an inspection leaves nothing behind
 * and writes nothing the trainer owns. Not the shared registry's buffer
 * group: a running trainer may open one or allocate into it at any await
 * (a spiking trainer's variant rebuild, a metrics staging buffer).
 */
export async function withScratch<T, R>(ctx: GpuContext, build: (scratch: GpuContext) => Promise<T>, use: (built: T) => Promise<R>): Promise<R> {
  const registry = new BufferRegistry(ctx.device);
  try {
    const built = await ctx.checked(() => build(scratchContext(ctx, registry)));
    return await use(built);
  } finally {
    registry.destroyAll();
  }
}

/** `ctx` with `buffers` replaced; everything else (device, pipelines, errors) is ctx's own. */
function scratchContext(ctx: GpuContext, registry: BufferRegistry): GpuContext {
  return Object.create(ctx, {
    buffers: { value: registry },
    // Placeholders are shared across the device and must outlive the scratch.
    dummy: { value: (name: string) => ctx.dummy(name) },
  }) as GpuContext;
}
