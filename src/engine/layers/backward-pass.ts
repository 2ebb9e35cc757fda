import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { columnSum } from '../kernels/column-sum';
import { matmul } from '../kernels/matmul';
import { transposeCombine } from '../kernels/transpose-combine';
import type { Feedback } from '../rules/rule';
import { type BatchBuffers, type DenseLayer, layerInput, type RateNetwork } from './network';

/**
 * The error signal of layer l-1, before the nonlinearity's derivative:
 * delta_l W_l (transport), delta_l B_l^T (own B), or e B_l^T (direct, e the output error).
 */
export function feedbackOperand(layer: DenseLayer, feedback: Feedback, batch: BatchBuffers, top: number) {
  if (feedback === 'transpose') {
    return { source: batch.delta[layer.index - 1], weights: layer.W, K: layer.nOut, transB: false };
  }
  const source = feedback === 'direct' ? batch.delta[top - 1] : batch.delta[layer.index - 1];
  return { source, weights: layer.B!, K: layer.feedbackCols, transB: true };
}

/**
 * From the output delta down: gW_l = delta_l^T h_{l-1}, gb_l = sum delta_l,
 * delta_{l-1} = feedback(delta) * f'(a_{l-1}). Assumes deltas are means over the batch.
 */
export async function backwardPass(
  ctx: GpuContext,
  net: RateNetwork,
  batch: BatchBuffers,
  feedback: Feedback,
): Promise<Dispatch[]> {
  const top = net.layers.length;
  const out: Promise<Dispatch>[] = [];
  if (feedback === 'sign') {
    // Sign symmetry reads the current W: refresh B = kappa sign(W)^T before it is
    // used (layer 1's B is never used, but kept current for its alignment angle).
    for (const layer of net.layers) {
      out.push(
        transposeCombine(ctx, {
          Y: layer.W,
          out: layer.B!,
          rows: layer.nIn,
          cols: layer.nOut,
          a: 0,
          b: layer.kappa,
          sign: true,
          label: `sign_feedback${layer.index}`,
        }),
      );
    }
  }
  for (let l = top; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const delta = batch.delta[l - 1];
    out.push(
      matmul(ctx, {
        M: layer.nOut,
        N: layer.nIn,
        K: batch.rows,
        A: delta,
        B: layerInput(batch, l),
        C: layer.gW,
        transA: true,
        label: `grad_W${l}`,
      }),
      columnSum(ctx, { X: delta, out: layer.gb, rows: batch.rows, cols: layer.nOut, label: `grad_b${l}` }),
    );
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
          epilogue: { kind: 'gate', preact: batch.pre[l - 2], act: below.act },
          label: `delta${l - 1}`,
        }),
      );
    }
  }
  return Promise.all(out);
}
