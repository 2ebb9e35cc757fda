// The buffer registry: limits are checked before allocating, and the live
// count and bytes follow creation and destruction exactly.
import { afterAll, describe, expect, it } from 'vitest';
import { GpuLimitError } from '../../src/engine/errors';
import { destroyContext, getContext } from '../gpu-harness';

afterAll(destroyContext);

describe('BufferRegistry', () => {
  it('refuses a storage buffer beyond maxStorageBufferBindingSize, naming the limit', async () => {
    const ctx = await getContext();
    const limit = ctx.limits.maxStorageBufferBindingSize;
    const bytes = limit + 4;
    // Otherwise maxBufferSize would be the limit reported.
    expect(bytes).toBeLessThanOrEqual(ctx.limits.maxBufferSize);
    let caught: unknown;
    try {
      ctx.buffers.checkFits('huge layer', bytes, GPUBufferUsage.STORAGE);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GpuLimitError);
    const err = caught as GpuLimitError;
    expect(err.limit).toBe('maxStorageBufferBindingSize');
    expect(err.requested).toBe(bytes);
    expect(err.available).toBe(limit);
    expect(err.code).toBe('gpu-limit');
    expect(err.message).toContain('maxStorageBufferBindingSize');
    expect(err.message).toContain('huge layer');
    // The same size is fine for a buffer that is never bound as storage.
    expect(() => ctx.buffers.checkFits('staging', bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST)).not.toThrow();
  });

  it('allocates nothing when a storage request is too big', async () => {
    const ctx = await getContext();
    const before = ctx.buffers.stats;
    expect(() => ctx.buffers.storage('too big', ctx.limits.maxStorageBufferBindingSize / 4 + 1)).toThrow(GpuLimitError);
    expect(ctx.buffers.stats).toEqual(before);
    ctx.throwIfFailed();
  });

  it('counts live buffers and bytes up on create and back down on destroy', async () => {
    const ctx = await getContext();
    const before = ctx.buffers.stats;
    const a = ctx.buffers.storage('a', 10); // 40 bytes
    const b = ctx.buffers.createWithData('b', Float32Array.of(1, 2, 3)); // 12 bytes, rounded up to the 16-byte minimum
    const c = ctx.buffers.create('c', 1001, GPUBufferUsage.STORAGE); // rounded up to 1004
    expect(ctx.buffers.stats).toEqual({ count: before.count + 3, bytes: before.bytes + 40 + 16 + 1004 });
    ctx.buffers.destroy(b);
    expect(ctx.buffers.stats).toEqual({ count: before.count + 2, bytes: before.bytes + 40 + 1004 });
    // Destroying twice is a no-op, not a double subtraction.
    ctx.buffers.destroy(b);
    ctx.buffers.destroy(a);
    ctx.buffers.destroy(c);
    expect(ctx.buffers.stats).toEqual(before);
    ctx.throwIfFailed();
  });
});
