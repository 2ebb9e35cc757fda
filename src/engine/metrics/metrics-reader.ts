import type { GpuContext } from '../device/gpu-context';

/** A copy of the metrics buffer on its way back to the host. */
export interface MetricsTicket {
  staging: GPUBuffer;
}

/**
 * Reads the metrics buffer back without ever waiting in the training loop:
 * `capture` records a copy into a free staging buffer (or returns null when
 * all are still in flight, and the sums simply keep accumulating), and
 * `collect`, called after the submit, maps it asynchronously.
 */
export class MetricsReader {
  private free: GPUBuffer[] = [];
  private count = 0;

  constructor(
    private readonly ctx: GpuContext,
    private readonly metrics: GPUBuffer,
    private readonly bytes: number,
    poolSize = 4,
  ) {
    for (let i = 0; i < poolSize; i++) this.free.push(this.newStaging());
  }

  private newStaging(): GPUBuffer {
    return this.ctx.buffers.create(`metrics.staging${this.count++}`, this.bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  /**
   * Records the copy, then clears `clearFloats` leading slots (the running sums).
   * A `required` capture (an evaluation) grows the pool rather than be dropped.
   */
  capture(encoder: GPUCommandEncoder, clearFloats: number, required = false): MetricsTicket | null {
    const staging = this.free.pop() ?? (required ? this.newStaging() : undefined);
    if (!staging) return null;
    encoder.copyBufferToBuffer(this.metrics, 0, staging, 0, this.bytes);
    if (clearFloats > 0) encoder.clearBuffer(this.metrics, 0, clearFloats * 4);
    return { staging };
  }

  async collect(ticket: MetricsTicket): Promise<Float32Array> {
    const { staging } = ticket;
    try {
      await staging.mapAsync(GPUMapMode.READ);
      const values = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      return values;
    } finally {
      this.free.push(staging);
    }
  }
}
