import type { GpuContext } from '../device/gpu-context';
import { GpuValidationError } from '../errors';

/** Bytes of a GPU buffer to bring back; offset and length are multiples of 4 (WebGPU's copy alignment). */
export interface ReadRange {
  buffer: GPUBuffer;
  offset?: number;
  bytes: number;
}

/**
 * One MAP_READ staging buffer for several ranges. `submit` appends the copies
 * to an encoder, submits it and resolves once the staging buffer is mapped:
 * the host never waits on the GPU, and training submits keep flowing.
 * Create it with the scratch context (scratch.ts) so it is freed with the rest.
 */
export class Readback {
  private readonly staging: GPUBuffer;
  private readonly at: number[] = [];

  constructor(
    private readonly ctx: GpuContext,
    private readonly ranges: readonly ReadRange[],
    label: string,
  ) {
    let total = 0;
    for (const r of ranges) {
      if ((r.offset ?? 0) % 4 !== 0 || r.bytes % 4 !== 0) throw new RangeError(`${label}: readback ranges must be 4-byte aligned.`);
      this.at.push(total);
      total += r.bytes;
    }
    this.staging = ctx.buffers.create(`${label}.staging`, total, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  async submit(encoder: GPUCommandEncoder): Promise<ArrayBuffer[]> {
    const device = this.ctx.device;
    // A scope of our own, pushed and popped around synchronous calls only, so
    // an error here is ours and never lands on the training loop.
    device.pushErrorScope('validation');
    this.ranges.forEach((r, i) => encoder.copyBufferToBuffer(r.buffer, r.offset ?? 0, this.staging, this.at[i], r.bytes));
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new GpuValidationError(error.message);
    await this.staging.mapAsync(GPUMapMode.READ);
    try {
      // One mapped range, sliced: getMappedRange wants 8-byte offsets, the ranges are 4-byte aligned.
      const all = this.staging.getMappedRange();
      return this.ranges.map((r, i) => all.slice(this.at[i], this.at[i] + r.bytes));
    } finally {
      this.staging.unmap();
    }
  }
}
