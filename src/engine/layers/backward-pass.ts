import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { columnSum } from '../kernels/column-sum';
import { matmul, type SecondProduct } from '../kernels/matmul';
import type { Feedback } from '../rules/rule';
import { type BatchBuffers, type DenseLayer, layerInput, type RateNetwork } from './network';

/**
 * The error signal of layer l-1, before the nonlinearity's derivative:
 * delta_l W_l (transport), delta_l kappa sign(W_l) (sign symmetry: B = kappa
 * sign(W)^T read from the current W, never stored for the step), delta_l B_l^T
 * (own B), or e B_l^T (direct, e the output error).
 */
export function feedbackOperand(layer: DenseLayer, feedback: Feedback, batch: BatchBuffers, top: number) {
  const delta = batch.delta[layer.index - 1];
  if (feedback === 'transpose') return { source: delta, weights: layer.W, K: layer.nOut, transB: false, signB: false, alpha: 1 };
  if (feedback === 'sign') return { source: delta, weights: layer.W, K: layer.nOut, transB: false, signB: true, alpha: layer.kappa };
  const source = feedback === 'direct' ? batch.delta[top - 1] : delta;
  return { source, weights: layer.B!, K: layer.feedbackCols, transB: true, signB: false, alpha: 1 };
}

export interface BackwardOptions {
  /**
   * Store gW and gb for separate optimiser steps; false when the fused updates
   * (kernels/weight-update.ts) compute them from the deltas instead.
   */
  weightGradients: boolean;
  /**
   * Per layer (index - 1): a product the delta dispatch through that layer's B
   * also computes, in its second half (a trained B's Y B^T: feedback-update.ts).
   */
  second?: ReadonlyArray<SecondProduct | null>;
}

/**
 * From the output delta down: delta_{l-1} = feedback(delta) * f'(a_{l-1}) and,
 * with `weightGradients`, gW_l = delta_l^T h_{l-1} and gb_l = sum delta_l.
 * Assumes deltas are means over the batch.
 */
export async function backwardPass(
  ctx: GpuContext,
  net: RateNetwork,
  batch: BatchBuffers,
  feedback: Feedback,
  options: BackwardOptions,
): Promise<Dispatch[]> {
  const top = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  for (let l = top; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const delta = batch.delta[l - 1];
    if (options.weightGradients) {
      out.push(
        matmul(ctx, { M: layer.nOut, N: layer.nIn, K: batch.rows, A: delta, B: layerInput(batch, l), C: layer.gW, transA: true, label: `grad_W${l}` }),
        columnSum(ctx, { X: delta, out: layer.gb, rows: batch.rows, cols: layer.nOut, label: `grad_b${l}` }),
      );
    }
    if (l > 1) {
      const below = net.layers[l - 2];
      const f = feedbackOperand(layer, feedback, batch, top);
      out.push(
        matmul(ctx, {
          M: batch.rows,
          N: layer.nIn,
          K: f.K,
          A: f.source,
          B: f.weights,
          C: batch.delta[l - 2],
          transB: f.transB,
          signB: f.signB,
          alpha: f.alpha,
          epilogue: { kind: 'gate', preact: batch.pre[l - 2], act: below.act },
          ...(options.second?.[l - 1] ? { second: options.second[l - 1]! } : {}),
          label: `delta${l - 1}`,
        }),
      );
    }
  }
  return Promise.all(out);
}
