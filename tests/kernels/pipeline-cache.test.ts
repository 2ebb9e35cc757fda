// PipelineCache.batch: every pipeline a builder asks for compiles at once, each
// kernel has its pipeline by the time the batch resolves, and a shader that
// does not compile rejects the batch after its `discard` has run.
import { afterAll, describe, expect, test } from 'vitest';
import { PipelineCache } from '../../src/engine/device/pipeline-cache';
import { destroyContext, getContext } from '../gpu-harness';

afterAll(destroyContext);

const source = (body: string) => `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
override SCALE: f32 = 1.0;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x < arrayLength(&out)) { ${body} }
}`;

describe('PipelineCache.batch', () => {
  test('returns kernels before they compile and resolves once every one has its pipeline', async () => {
    const ctx = await getContext();
    const cache = new PipelineCache(ctx.device);
    const seen: boolean[] = [];
    const kernels = await cache.batch(async () => {
      const out = [];
      for (const SCALE of [1, 2, 3, 4]) {
        const k = await cache.get({ name: 'batch-scale', source: source('out[gid.x] = SCALE;'), bindings: ['write'], constants: { SCALE } });
        // Inside a batch a kernel comes back at once, its pipeline still compiling.
        seen.push(k.pipeline === undefined);
        out.push(k);
      }
      return out;
    });
    expect(seen).toEqual([true, true, true, true]);
    for (const k of kernels) expect(k.pipeline).toBeDefined();
    // Outside a batch the same key is shared and already compiled.
    const again = await cache.get({ name: 'batch-scale', source: source('out[gid.x] = SCALE;'), bindings: ['write'], constants: { SCALE: 2 } });
    expect(again).toBe(kernels[1]);
    expect(cache.size).toBe(4);
  });

  test('a shader that does not compile rejects the batch after discard has run', async () => {
    const ctx = await getContext();
    const cache = new PipelineCache(ctx.device);
    let discarded: string | null = null;
    const bad = cache.batch(
      async () => {
        await cache.get({ name: 'batch-bad', source: source('out[gid.x] = undefined_name;'), bindings: ['write'] });
        return 'built';
      },
      (v) => (discarded = v),
    );
    await expect(bad).rejects.toBeTruthy();
    expect(discarded).toBe('built');
    // The failed key is forgotten, so a later request compiles afresh (and fails again, here).
    expect(cache.size).toBe(0);
  });
});
