// Finds out, before anything is loaded, whether this browser can run the engine at all.

export type WebGpuSupport = { available: true; adapter: string } | { available: false; reason: string };

/** Asks for an adapter once (no device), and says in words why there is none. */
export async function detectWebGpu(gpu: GPU | undefined = navigator.gpu): Promise<WebGpuSupport> {
  if (!gpu) {
    const reason = globalThis.isSecureContext === false
      ? 'WebGPU needs a secure context: open this page over https or from localhost.'
      : 'This browser does not provide WebGPU (navigator.gpu is missing).';
    return { available: false, reason };
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      return { available: false, reason: 'The browser supports WebGPU but offered no GPU adapter: WebGPU may be disabled, or the GPU blocklisted.' };
    }
    return { available: true, adapter: adapterName(adapter.info) };
  } catch (e) {
    return { available: false, reason: `Asking for a GPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function adapterName(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  return info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unknown adapter';
}
