import { GpuLimitError } from '../errors';

export interface BufferStats {
  count: number;
  bytes: number;
}

/**
 * Creates and tracks every GPU buffer the engine owns, so leaks show up as a
 * growing count, and refuses sizes beyond the device's limits before allocating.
 */
/** Buffers created while a group is open, so an owner (a trainer) can free exactly its own. */
export class BufferGroup {
  readonly buffers: GPUBuffer[] = [];
  constructor(private readonly registry: BufferRegistry) {}
  destroy(): void {
    for (const b of this.buffers.splice(0)) this.registry.destroy(b);
  }
}

export class BufferRegistry {
  private live = new Map<GPUBuffer, number>();
  private total = 0;
  private group: BufferGroup | null = null;

  constructor(private readonly device: GPUDevice) {}

  create(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 4) * 4);
    this.checkFits(label, bytes, usage);
    const buffer = this.device.createBuffer({ label, size: bytes, usage });
    this.live.set(buffer, bytes);
    this.total += bytes;
    this.group?.buffers.push(buffer);
    return buffer;
  }

  /** Runs `build`, collecting every buffer it creates into a group that can be freed at once. */
  async grouped<T>(build: () => Promise<T>, into?: BufferGroup): Promise<{ value: T; group: BufferGroup }> {
    if (this.group) throw new Error('buffer groups do not nest: create one trainer at a time');
    // `into` adds to an existing group (a trainer building more dispatches later).
    const group = into ?? new BufferGroup(this);
    this.group = group;
    try {
      return { value: await build(), group };
    } catch (e) {
      if (!into) group.destroy();
      throw e;
    } finally {
      this.group = null;
    }
  }


  /** A buffer shared by everything on the device (placeholders): never part of a group. */
  createShared(label: string, size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const open = this.group;
    this.group = null;
    try {
      return this.create(label, size, usage);
    } finally {
      this.group = open;
    }
  }

  /** A storage buffer initialised from `data`. */
  createWithData(label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags = 0): GPUBuffer {
    const buffer = this.create(label, data.byteLength, usage | GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
    const padded = data.byteLength % 4 === 0 ? data : padTo4(data);
    this.device.queue.writeBuffer(buffer, 0, padded.buffer, padded.byteOffset, padded.byteLength);
    return buffer;
  }

  /** A zero-filled storage buffer of `floats` 32-bit values. */
  storage(label: string, floats: number): GPUBuffer {
    return this.create(label, floats * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC);
  }

  /** Throws GpuLimitError if a buffer of `bytes` cannot exist on this device. */
  checkFits(what: string, bytes: number, usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE): void {
    const limits = this.device.limits;
    if (bytes > limits.maxBufferSize) {
      throw new GpuLimitError('maxBufferSize', bytes, limits.maxBufferSize, what);
    }
    if (usage & GPUBufferUsage.STORAGE && bytes > limits.maxStorageBufferBindingSize) {
      throw new GpuLimitError('maxStorageBufferBindingSize', bytes, limits.maxStorageBufferBindingSize, what);
    }
  }

  destroy(buffer: GPUBuffer): void {
    const bytes = this.live.get(buffer);
    if (bytes === undefined) return;
    this.live.delete(buffer);
    this.total -= bytes;
    buffer.destroy();
  }

  destroyAll(): void {
    for (const b of [...this.live.keys()]) this.destroy(b);
  }

  get stats(): BufferStats {
    return { count: this.live.size, bytes: this.total };
  }
}

function padTo4(data: ArrayBufferView): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}
