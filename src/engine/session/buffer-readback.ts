// Reads GPU buffers back without stalling anything: the copies are encoded
// and submitted at once (so they see exactly the work queued so far), and
// the returned promise resolves once the staging buffers map.
import type { GpuContext } from '../device/gpu-context';
import type { NamedBuffer } from './trainer-snapshot';

interface StagedCopy extends NamedBuffer {
  /** Where it lands in its staging buffer (bytes). */
  offset: number;
  size: number;
}

/** Copies every buffer into staging buffers now; resolves with each one's bytes, by name. */
export function readBuffersLater(ctx: GpuContext, buffers: readonly NamedBuffer[]): Promise<Map<string, ArrayBuffer>> {
  // As few staging buffers as the device's largest buffer allows: one map each.
  const limit = ctx.limits.maxBufferSize;
  const chunks: { bytes: number; copies: StagedCopy[] }[] = [];
  for (const b of buffers) {
    const size = b.floats === undefined ? b.buffer.size : b.floats * 4;
    let chunk = chunks.at(-1);
    if (!chunk || chunk.bytes + size > limit) chunks.push((chunk = { bytes: 0, copies: [] }));
    chunk.copies.push({ ...b, offset: chunk.bytes, size });
    chunk.bytes += size;
  }
  // Shared: never part of a trainer's buffer group, freed here once read.
  const staging = chunks.map((c, i) => ctx.buffers.createShared(`readback${i}`, c.bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
  const encoder = ctx.device.createCommandEncoder({ label: 'readback' });
  chunks.forEach((c, i) => {
    for (const copy of c.copies) encoder.copyBufferToBuffer(copy.buffer, (copy.at ?? 0) * 4, staging[i], copy.offset, copy.size);
  });
  ctx.device.queue.submit([encoder.finish()]);
  return (async () => {
    try {
      await Promise.all(staging.map((s) => s.mapAsync(GPUMapMode.READ)));
      const out = new Map<string, ArrayBuffer>();
      chunks.forEach((c, i) => {
        const range = staging[i].getMappedRange();
        for (const copy of c.copies) out.set(copy.name, range.slice(copy.offset, copy.offset + copy.size));
        staging[i].unmap();
      });
      return out;
    } finally {
      for (const s of staging) ctx.buffers.destroy(s);
    }
  })();
}
