/** How a kernel sees one binding of @group(0). */
export type BindingKind = 'uniform' | 'read' | 'write';

/**
 * A kernel's compile-time identity: its WGSL, the kind of each binding and
 * the override constants it is specialised with. Shapes travel as uniforms,
 * so one pipeline serves every layer size.
 */
export interface KernelSpec {
  name: string;
  source: string;
  /** Indexed by binding number; null leaves a number unused (a kernel whose bindings skip some). */
  bindings: readonly (BindingKind | null)[];
  constants?: Readonly<Record<string, number>>;
}

export function cacheKey(spec: KernelSpec): string {
  const c = spec.constants ?? {};
  const parts = Object.keys(c)
    .sort()
    .map((k) => `${k}=${c[k]}`);
  return `${spec.name}(${parts.join(',')})`;
}

/**
 * A kernel's pipeline and bind-group layout. Inside `PipelineCache.batch` the
 * pipeline is filled in when its compilation ends, before `batch` resolves;
 * dispatches read it only when encoded.
 */
export interface CompiledKernel {
  key: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

interface CacheEntry {
  kernel: CompiledKernel;
  /** Resolves once `kernel.pipeline` is set. */
  ready: Promise<CompiledKernel>;
}

/**
 * Builds each (kernel, specialisation) pipeline once, asynchronously, and shares it.
 * `get` resolves once the pipeline is compiled; inside `batch` it resolves at
 * once, so a builder that awaits kernel after kernel still has every pipeline
 * compiling at the same time (Dawn compiles them on several threads).
 */
export class PipelineCache {
  private compiled = new Map<string, CacheEntry>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private modules = new Map<string, GPUShaderModule>();
  /** The compilations started inside the open batch; null outside one. */
  private batched: Promise<CompiledKernel>[] | null = null;

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): Promise<CompiledKernel> {
    const key = cacheKey(spec);
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = this.compile(spec, key);
      this.compiled.set(key, entry);
    }
    if (this.batched) {
      this.batched.push(entry.ready);
      return Promise.resolve(entry.kernel);
    }
    return entry.ready;
  }

  /**
   * Runs `build` with every pipeline it asks for compiling concurrently, and
   * resolves once all of them are ready. A compilation error rejects it, after
   * `discard` has freed what `build` made. Batches join an open one rather than nest.
   * While it is open every `get` on this cache is deferred, so nothing else may
   * build and encode work on the device meanwhile (trainers are created one at a
   * time; a session holds its inspections back while a rule switch builds).
   */
  async batch<T>(build: () => Promise<T>, discard: (value: T) => void = () => {}): Promise<T> {
    if (this.batched) return build();
    const started: Promise<CompiledKernel>[] = [];
    this.batched = started;
    let value: T;
    try {
      value = await build();
    } finally {
      this.batched = null;
    }
    try {
      await Promise.all(started);
    } catch (e) {
      discard(value);
      throw e;
    }
    return value;
  }

  get size(): number {
    return this.compiled.size;
  }

  private compile(spec: KernelSpec, key: string): CacheEntry {
    const layout = this.layoutFor(spec.bindings);
    let module = this.modules.get(spec.name);
    if (!module) {
      module = this.device.createShaderModule({ label: spec.name, code: spec.source });
      this.modules.set(spec.name, module);
    }
    const kernel = { key, layout } as CompiledKernel;
    const ready = this.device
      .createComputePipelineAsync({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main', constants: { ...(spec.constants ?? {}) } },
      })
      .then((pipeline) => {
        kernel.pipeline = pipeline;
        return kernel;
      });
    // A failed compilation is reported by whoever awaits it; a retry compiles afresh.
    ready.catch(() => this.compiled.delete(key));
    return { kernel, ready };
  }

  // Explicit layouts: 'auto' would drop bindings a specialisation leaves unused.
  private layoutFor(bindings: readonly (BindingKind | null)[]): GPUBindGroupLayout {
    const id = bindings.join(',');
    let layout = this.layouts.get(id);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        entries: bindings.flatMap((kind, binding) =>
          kind === null ? [] : [{
            binding,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: kind === 'uniform' ? 'uniform' : kind === 'read' ? 'read-only-storage' : 'storage' } as const,
          }],
        ),
      });
      this.layouts.set(id, layout);
    }
    return layout;
  }
}
