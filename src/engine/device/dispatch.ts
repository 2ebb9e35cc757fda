import type { CompiledKernel } from './pipeline-cache';

/** One recorded kernel launch: kernel, bound buffers and grid, built once and replayed every step. */
export interface Dispatch {
  label: string;
  /** Its pipeline is read when encoded (a batched compilation fills it in later). */
  kernel: CompiledKernel;
  bindGroup: GPUBindGroup;
  workgroups: readonly [number, number, number];
}

export function makeDispatch(
  device: GPUDevice,
  kernel: CompiledKernel,
  /** Indexed by binding number; null where the kernel's bindings skip one. */
  buffers: readonly (GPUBuffer | null)[],
  workgroups: readonly [number, number, number],
  label = kernel.key,
): Dispatch {
  const bindGroup = device.createBindGroup({
    label,
    layout: kernel.layout,
    entries: buffers.flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : [])),
  });
  return { label, kernel, bindGroup, workgroups };
}

export function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) {
    pass.setPipeline(d.kernel.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

const MAX_GROUPS = 65535;

/**
 * A 1-D grid of `invocations` threads in groups of `size`, folded into y when
 * it would pass the 65535-groups limit. Kernels rebuild the linear index from
 * `num_workgroups`.
 */
export function grid1d(invocations: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  return [MAX_GROUPS, Math.ceil(groups / MAX_GROUPS), 1];
}

export function grid2d(x: number, y: number, sizeX: number, sizeY: number): [number, number, number] {
  return [Math.max(1, Math.ceil(x / sizeX)), Math.max(1, Math.ceil(y / sizeY)), 1];
}

/** Packs scalar uniforms, 4 bytes each, in declaration order (WGSL structs of scalars need no padding). */
export function packUniforms(fields: ReadonlyArray<readonly ['u32' | 'i32' | 'f32', number]>): ArrayBuffer {
  const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  const buf = new ArrayBuffer(bytes);
  const view = new DataView(buf);
  fields.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(i * 4, value, true);
    else if (type === 'i32') view.setInt32(i * 4, value, true);
    else view.setUint32(i * 4, value >>> 0, true);
  });
  return buf;
}
