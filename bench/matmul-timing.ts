// The timing core of bench:matmul, shared with bench:speed's matrix-product
// table: the shapes (1024³ and a 784-256-256-10 MLP's products), one product's
// dispatch on its own buffers, and a timer of many copies of it in one pass.
import type { GpuContext, GpuEntry } from '../src/engine/device/gpu-context';
import { type Dispatch, encodeDispatches } from '../src/engine/device/dispatch';
import { chooseMatmulVariant, type Epilogue, matmul, type MatmulVariant } from '../src/engine/kernels/matmul';
import type { MatmulShape } from '../src/engine/kernels/matmul-variants';

export type EpilogueName = 'none' | 'bias-act(relu)' | 'bias-act(identity)' | 'gate(relu)';

export interface Shape extends Required<MatmulShape> {
  name: string;
  epilogue: EpilogueName;
}

// Keeps the literal epilogue names through the array literals below.
const shape = (s: Shape): Shape => s;

export function mlpShapes(batch: number): Shape[] {
  return [
    shape({ name: `forward X·Wᵀ b=${batch}`, M: batch, N: 256, K: 784, transA: false, transB: true, epilogue: 'bias-act(relu)' }),
    shape({ name: `backward dX b=${batch}`, M: batch, N: 784, K: 256, transA: false, transB: true, epilogue: 'gate(relu)' }),
    shape({ name: `dW = dYᵀ·X b=${batch}`, M: 256, N: 784, K: batch, transA: true, transB: false, epilogue: 'none' }),
    shape({ name: `output X·Wᵀ b=${batch}`, M: batch, N: 10, K: 256, transA: false, transB: true, epilogue: 'bias-act(identity)' }),
  ];
}

/**
 * The host's WebGPU entry, asking the device for exactly the optional `features`
 * the adapter has: 'timestamp-query' for the timings, and 'subgroups' only for
 * the second device (GpuContext.create asks for 'subgroups' itself; the first
 * device goes without, as on adapters that lack them).
 */
export function withFeatures(gpu: GpuEntry, features: GPUFeatureName[]): GpuEntry {
  return {
    async requestAdapter(options) {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) return adapter;
      const extra = features.filter((f) => adapter.features.has(f));
      return new Proxy(adapter, {
        get(target, prop) {
          if (prop === 'requestDevice') {
            return (desc?: GPUDeviceDescriptor) => target.requestDevice({ ...desc, requiredFeatures: extra });
          }
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

/** Times dispatches on one device: `iterations` copies in one pass, from timestamp queries when it has them. */
export class Timer {
  readonly timestamps: boolean;
  private querySet: GPUQuerySet | null = null;
  private resolve: GPUBuffer | null = null;
  private readback: GPUBuffer | null = null;

  constructor(readonly ctx: GpuContext) {
    this.timestamps = ctx.device.features.has('timestamp-query');
    if (this.timestamps) {
      this.querySet = ctx.device.createQuerySet({ type: 'timestamp', count: 2 });
      this.resolve = ctx.device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.readback = ctx.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
  }

  /** Milliseconds per dispatch of one submit of `iterations` copies of `d`. */
  async time(d: Dispatch, iterations: number): Promise<number> {
    const { device } = this.ctx;
    const encoder = device.createCommandEncoder();
    const q = this.querySet;
    const pass = encoder.beginComputePass(q ? { timestampWrites: { querySet: q, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
    for (let i = 0; i < iterations; i++) encodeDispatches(pass, [d]);
    pass.end();
    if (q) {
      encoder.resolveQuerySet(q, 0, 2, this.resolve!, 0);
      encoder.copyBufferToBuffer(this.resolve!, 0, this.readback!, 0, 16);
    }
    const t0 = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    const wall = performance.now() - t0;
    this.ctx.throwIfFailed();
    if (!this.readback) return wall / iterations;
    await this.readback.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    // A zero or reversed span means the counter did not tick: fall back to the wall clock.
    return (end > begin ? Number(end - begin) / 1e6 : wall) / iterations;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolve?.destroy();
    this.readback?.destroy();
  }
}


export const SQUARE_1024: Shape = shape({ name: 'square 1024³', M: 1024, N: 1024, K: 1024, transA: false, transB: false, epilogue: 'none' });

/** Every shape bench:matmul times. */
export const BENCH_SHAPES: Shape[] = [SQUARE_1024, ...mlpShapes(128), ...mlpShapes(1024)];

/** A product of shape `s` on fresh buffers of `ctx`, through `variant` ('auto': the kernel callers get). */
export async function productDispatch(ctx: GpuContext, s: Shape, variant: MatmulVariant | 'auto', label: string): Promise<{ d: Dispatch; chosen?: MatmulVariant; buffers: GPUBuffer[] }> {
  const { M, N, K } = s;
  const filled = (name: string, n: number, seed: number) =>
    ctx.buffers.createWithData(name, Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.5));
  const A = filled('bench.A', M * K, 1);
  const B = filled('bench.B', K * N, 2);
  const D = filled('bench.D', M * N, 3);
  const C = ctx.buffers.storage('bench.C', M * N);
  const E = ctx.buffers.storage('bench.E', M * N);
  const epilogue: Epilogue =
    s.epilogue === 'none'
      ? { kind: 'none' }
      : s.epilogue === 'gate(relu)'
        ? { kind: 'gate', preact: D, act: 'relu' }
        : { kind: 'bias-act', bias: D, act: s.epilogue === 'bias-act(relu)' ? 'relu' : 'identity', activations: E };
  const args = { M, N, K, A, B, C, transA: s.transA, transB: s.transB, epilogue, label, variant };
  const d = await matmul(ctx, args);
  const chosen = variant === 'auto' ? chooseMatmulVariant(ctx, args) : undefined;
  return { d, ...(chosen ? { chosen } : {}), buffers: [A, B, C, D, E] };
}
