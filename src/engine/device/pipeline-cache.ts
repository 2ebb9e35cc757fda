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
  bindings: readonly BindingKind[];
  constants?: Readonly<Record<string, number>>;
}

export function cacheKey(spec: KernelSpec): string {
  const c = spec.constants ?? {};
  const parts = Object.keys(c)
    .sort()
    .map((k) => `${k}=${c[k]}`);
  return `${spec.name}(${parts.join(',')})`;
}

export interface CompiledKernel {
  key: string;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

/** Builds each (kernel, specialisation) pipeline once, asynchronously, and shares it. */
export class PipelineCache {
  private compiled = new Map<string, Promise<CompiledKernel>>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  get(spec: KernelSpec): Promise<CompiledKernel> {
    const key = cacheKey(spec);
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = this.compile(spec, key);
      this.compiled.set(key, entry);
    }
    return entry;
  }

  get size(): number {
    return this.compiled.size;
  }

  private async compile(spec: KernelSpec, key: string): Promise<CompiledKernel> {
    const layout = this.layoutFor(spec.bindings);
    let module = this.modules.get(spec.name);
    if (!module) {
      module = this.device.createShaderModule({ label: spec.name, code: spec.source });
      this.modules.set(spec.name, module);
    }
    const pipeline = await this.device.createComputePipelineAsync({
      label: key,
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: { ...(spec.constants ?? {}) } },
    });
    return { key, pipeline, layout };
  }

  // Explicit layouts: 'auto' would drop bindings a specialisation leaves unused.
  private layoutFor(bindings: readonly BindingKind[]): GPUBindGroupLayout {
    const id = bindings.join(',');
    let layout = this.layouts.get(id);
    if (!layout) {
      layout = this.device.createBindGroupLayout({
        entries: bindings.map((kind, binding) => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: kind === 'uniform' ? 'uniform' : kind === 'read' ? 'read-only-storage' : 'storage' },
        })),
      });
      this.layouts.set(id, layout);
    }
    return layout;
  }
}
