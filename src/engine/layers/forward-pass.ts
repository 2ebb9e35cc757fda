import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { matmul, type SecondProduct } from '../kernels/matmul';
import { type BatchBuffers, layerInput, type RateNetwork } from './network';

/**
 * a_l = h_{l-1} W_l^T + b_l, h_l = f(a_l): one fused matmul per layer.
 * `products[i]`, where given, also receives layer i + 1's h_{l-1} W_l^T (a trained B's Y),
 * and `seconds[i]` is a product the same dispatch computes beside it (a trained B's X B).
 */
export async function forwardPass(
  ctx: GpuContext,
  net: RateNetwork,
  batch: BatchBuffers,
  label: string,
  products: readonly (GPUBuffer | null)[] = [],
  seconds: readonly (SecondProduct | null)[] = [],
): Promise<Dispatch[]> {
  return Promise.all(
    net.layers.map((layer, i) =>
      matmul(ctx, {
        M: batch.rows,
        N: layer.nOut,
        K: layer.nIn,
        A: layerInput(batch, layer.index),
        B: layer.W,
        C: batch.pre[layer.index - 1],
        transB: true,
        epilogue: { kind: 'bias-act', bias: layer.b, act: layer.act, activations: batch.post[layer.index - 1], ...(products[i] ? { product: products[i]! } : {}) },
        ...(seconds[i] ? { second: seconds[i]! } : {}),
        label: `${label}.forward${layer.index}`,
      }),
    ),
  );
}
