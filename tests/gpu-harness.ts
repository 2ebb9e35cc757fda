// Shared helpers for the GPU kernel tests: one device per test file, uploads,
// single-submit runs, read-back through a staging buffer, and error metrics.
import { GpuContext } from '../src/engine/device/gpu-context';
import { type Dispatch, encodeDispatches } from '../src/engine/device/dispatch';
import { nodeGpu } from '../src/engine/device/node-gpu';

let shared: Promise<GpuContext> | null = null;

/** The test file's device, created on first use (vitest isolates files, so one per file). */
export function getContext(): Promise<GpuContext> {
  shared ??= GpuContext.create(nodeGpu());
  return shared;
}

/** Destroys the file's device; for `afterAll`. */
export async function destroyContext(): Promise<void> {
  if (!shared) return;
  const ctx = await shared;
  shared = null;
  ctx.destroy();
}

let uploads = 0;

/** A storage buffer holding `data` (readable and writable by kernels, copyable both ways). */
export function upload(ctx: GpuContext, data: Float32Array | Uint32Array, label = `test.upload${uploads++}`): GPUBuffer {
  return ctx.buffers.createWithData(label, data);
}

/** Records `dispatches` into one compute pass and submits them together, as the engine does. */
export function run(ctx: GpuContext, dispatches: readonly Dispatch[]): void {
  const encoder = ctx.device.createCommandEncoder({ label: 'test.run' });
  const pass = encoder.beginComputePass({ label: 'test.pass' });
  encodeDispatches(pass, dispatches);
  pass.end();
  ctx.device.queue.submit([encoder.finish()]);
}

async function readBytes(ctx: GpuContext, buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = ctx.buffers.create('test.staging', size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  try {
    const encoder = ctx.device.createCommandEncoder({ label: 'test.readback' });
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, size);
    ctx.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange(0, size).slice(0);
    staging.unmap();
    // Errors arrive asynchronously; by now every earlier submit has finished.
    ctx.throwIfFailed();
    return copy;
  } finally {
    ctx.buffers.destroy(staging);
  }
}

export async function readF32(ctx: GpuContext, buffer: GPUBuffer, n: number): Promise<Float32Array> {
  return new Float32Array(await readBytes(ctx, buffer, n * 4), 0, n);
}

export async function readU32(ctx: GpuContext, buffer: GPUBuffer, n: number): Promise<Uint32Array> {
  return new Uint32Array(await readBytes(ctx, buffer, n * 4), 0, n);
}

/** max |gpu - ref| / max |ref|: a scale-aware error that tolerates cancellation near zero. */
export function relErr(gpu: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (gpu.length !== ref.length) throw new Error(`length mismatch: gpu ${gpu.length}, ref ${ref.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(gpu[i] - ref[i]);
    // A NaN from the GPU counts as an infinite error, so no comparison can pass it.
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / Math.max(scale, 1e-30);
}

/**
 * n deterministic values uniform in [-scale, scale), already rounded to f32 so
 * that the float64 reference sees exactly what the GPU sees (mulberry32).
 */
export function seededArray(n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = (2 * u - 1) * scale;
  }
  return out;
}

/** Creates a zero-filled storage buffer of n 32-bit values. */
export function zeros(ctx: GpuContext, n: number, label = `test.zeros${uploads++}`): GPUBuffer {
  return ctx.buffers.storage(label, n);
}

/** Releases the buffers a case made, so long case tables do not pile up memory. */
export function free(ctx: GpuContext, buffers: readonly GPUBuffer[]): void {
  for (const b of buffers) ctx.buffers.destroy(b);
}
