import {
  DeviceLostError,
  GpuOutOfMemoryError,
  GpuUnavailableError,
  GpuValidationError,
  PlasticityError,
} from '../errors';
import { BufferRegistry } from './buffer-registry';
import { PipelineCache } from './pipeline-cache';

/** What a host hands the engine: `navigator.gpu` in a page, the `webgpu` package in Node. */
export type GpuEntry = Pick<GPU, 'requestAdapter'>;

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** One WebGPU device with the engine's bookkeeping: buffers, pipelines and errors. */
export class GpuContext {
  readonly buffers: BufferRegistry;
  readonly pipelines: PipelineCache;
  /** Resolves when the device is lost; the engine stops at the next step. */
  readonly lost: Promise<DeviceLostError>;
  private firstError: PlasticityError | null = null;
  private dummies = new Map<string, GPUBuffer>();
  private isLost = false;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
  ) {
    this.buffers = new BufferRegistry(device);
    this.pipelines = new PipelineCache(device);
    this.lost = device.lost.then((info) => {
      this.isLost = true;
      const err = new DeviceLostError(info.reason ?? 'unknown', info.message);
      this.firstError ??= err;
      return err;
    });
    device.addEventListener('uncapturederror', (event) => {
      const e = (event as GPUUncapturedErrorEvent).error;
      this.firstError ??= toPlasticityError(e);
    });
  }

  static async create(gpu: GpuEntry | undefined | null): Promise<GpuContext> {
    if (!gpu) {
      throw new GpuUnavailableError(
        'WebGPU is not available here. Use a recent Chrome, Edge or Opera (113+), Safari 26+, or Firefox 141+ on Windows; ' +
          'on Linux, Chrome needs --enable-unsafe-webgpu. In Node, install the `webgpu` package and a Vulkan driver.',
      );
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      throw new GpuUnavailableError(
        'No WebGPU adapter was found. Check that the GPU driver is installed; on a machine without a GPU, ' +
          'install a software Vulkan driver (run `bash scripts/setup-test-env.sh` as root).',
      );
    }
    // Ask for the adapter's own maxima: datasets and wide layers need more than the defaults.
    const want = adapter.limits;
    // Subgroups let the matmul share loaded rows across lanes (matmul-variants.ts): 2-3x on software adapters.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [];
    const device = await adapter.requestDevice({
      requiredFeatures,
      requiredLimits: {
        maxStorageBufferBindingSize: want.maxStorageBufferBindingSize,
        maxBufferSize: want.maxBufferSize,
        // The fused updates bind 7, 8 with a trained B's step, 10 with B's own product (kernels/weight-update.ts).
        maxStorageBuffersPerShaderStage: Math.min(want.maxStorageBuffersPerShaderStage, 10),
        maxComputeWorkgroupStorageSize: want.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup: want.maxComputeInvocationsPerWorkgroup,
      },
    });
    const info = adapter.info;
    return new GpuContext(device, {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** A uniform buffer holding `data`, rewritten later with `queue.writeBuffer` when settings change. */
  uniform(label: string, data: ArrayBuffer): GPUBuffer {
    const buffer = this.buffers.create(label, data.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /**
   * A placeholder for a binding a specialisation does not use. One per name,
   * so two placeholders in one bind group never alias a writable binding.
   */
  dummy(name: string): GPUBuffer {
    let b = this.dummies.get(name);
    if (!b) {
      b = this.buffers.createShared(`dummy:${name}`, 16, GPUBufferUsage.STORAGE);
      this.dummies.set(name, b);
    }
    return b;
  }

  /** A short human name for tables and logs. */
  get adapterName(): string {
    const a = this.adapter;
    return a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
  }

  /** Throws the first asynchronous GPU error seen so far (validation, out of memory, loss). */
  throwIfFailed(): void {
    if (this.firstError) throw this.firstError;
  }

  get deviceLost(): boolean {
    return this.isLost;
  }

  /** Runs `fn` inside validation and out-of-memory error scopes and throws what they caught. */
  async checked<T>(fn: () => T | Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const value = await fn();
    const validation = await this.device.popErrorScope();
    const oom = await this.device.popErrorScope();
    if (validation) throw toPlasticityError(validation);
    if (oom) throw toPlasticityError(oom);
    return value;
  }

  destroy(): void {
    this.buffers.destroyAll();
    this.device.destroy();
  }
}

function toPlasticityError(e: GPUError): PlasticityError {
  const kind = (e as { constructor?: { name?: string } }).constructor?.name ?? '';
  if (kind.includes('OutOfMemory')) return new GpuOutOfMemoryError(e.message);
  return new GpuValidationError(e.message);
}
