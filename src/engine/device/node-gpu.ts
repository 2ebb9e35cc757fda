// Node host: Dawn through the `webgpu` package. Kept apart from the engine so
// the browser bundle never imports it.
import { create, globals } from 'webgpu';
import type { GpuEntry } from './gpu-context';

let entry: GpuEntry | null = null;

/** The process-wide WebGPU entry point; `options` are Dawn toggles such as 'backend=vulkan'. */
export function nodeGpu(options: string[] = []): GpuEntry {
  if (!entry) {
    Object.assign(globalThis, globals);
    entry = create(options) as unknown as GpuEntry;
  }
  return entry;
}
