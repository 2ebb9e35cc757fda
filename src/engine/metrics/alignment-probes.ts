import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { dotProducts } from '../kernels/dot-products';
import { matmul } from '../kernels/matmul';
import { transposeCombine } from '../kernels/transpose-combine';
import { feedbackOperand } from '../layers/backward-pass';
import { type BatchBuffers, layerInput, type RateNetwork } from '../layers/network';
import type { Feedback } from '../rules/rule';
import { layerSlot } from './layout';

/**
 * Dispatches, run on metric steps between the backward pass and the updates,
 * that leave in the metrics buffer the sums behind three angles per layer
 * (sign symmetry's B = kappa sign(W)^T is written out first: its step reads W
 * through sign() and never stores B):
 * - weight:   angle(W, B^T), and the norms of W and B;
 * - gradient: angle(B delta, W^T delta) from the same upstream delta (for DFA,
 *             the output error through B against the layer above's delta through W);
 * - bp:       angle(rule's dW, backprop's dW) on the same batch, when `bpAngles`.
 */
export async function alignmentProbes(
  ctx: GpuContext,
  net: RateNetwork,
  batch: BatchBuffers,
  feedback: Feedback,
  metrics: GPUBuffer,
  bpAngles: boolean,
): Promise<Dispatch[]> {
  const out: Promise<Dispatch>[] = [];
  const r = ctx.buffers;
  const top = net.layers.length;
  if (feedback === 'transpose') return [];
  if (feedback === 'sign') {
    for (const layer of net.layers) {
      const { nIn, nOut, kappa, index } = layer;
      out.push(transposeCombine(ctx, { Y: layer.W, out: layer.B!, rows: nIn, cols: nOut, a: 0, b: kappa, sign: true, label: `probe.sign_feedback${index}` }));
    }
  }
  for (const layer of net.layers) {
    const l = layer.index;
    if (layer.B && layer.feedbackCols === layer.nOut) {
      out.push(dotProducts(ctx, { X: layer.W, Y: layer.B, out: metrics, rows: layer.nOut, cols: layer.nIn, transposeY: true, slot: layerSlot(l, 'weight'), label: `probe.weight${l}` }));
    }
    if (l > 1) {
      const viaB = r.storage(`probe.viaB${l}`, batch.rows * layer.nIn);
      const viaW = r.storage(`probe.viaW${l}`, batch.rows * layer.nIn);
      const f = feedbackOperand(layer, feedback, batch, top);
      out.push(
        matmul(ctx, { M: batch.rows, N: layer.nIn, K: f.K, A: f.source, B: f.weights, C: viaB, transB: f.transB, signB: f.signB, alpha: f.alpha, label: `probe.viaB${l}` }),
        matmul(ctx, { M: batch.rows, N: layer.nIn, K: layer.nOut, A: batch.delta[l - 1], B: layer.W, C: viaW, label: `probe.viaW${l}` }),
        dotProducts(ctx, { X: viaB, Y: viaW, out: metrics, rows: batch.rows, cols: layer.nIn, slot: layerSlot(l, 'gradient'), label: `probe.gradient${l}` }),
      );
    }
  }
  if (bpAngles) {
    // A shadow backprop pass from the same output delta, against the rule's own
    // dW (recomputed here: fused updates never store it).
    let upstream = batch.delta[top - 1];
    for (let l = top; l >= 1; l--) {
      const layer = net.layers[l - 1];
      const dims = { M: layer.nOut, N: layer.nIn, K: batch.rows, B: layerInput(batch, l), transA: true };
      const gRule = r.storage(`probe.rule_gW${l}`, layer.nOut * layer.nIn);
      const gBp = r.storage(`probe.bp_gW${l}`, layer.nOut * layer.nIn);
      out.push(
        matmul(ctx, { ...dims, A: batch.delta[l - 1], C: gRule, label: `probe.rule_gW${l}` }),
        matmul(ctx, { ...dims, A: upstream, C: gBp, label: `probe.bp_gW${l}` }),
        dotProducts(ctx, { X: gRule, Y: gBp, out: metrics, rows: layer.nOut, cols: layer.nIn, slot: layerSlot(l, 'bp'), label: `probe.bp${l}` }),
      );
      if (l > 1) {
        const below = net.layers[l - 2];
        const next = r.storage(`probe.bp_delta${l - 1}`, batch.rows * layer.nIn);
        out.push(
          matmul(ctx, { M: batch.rows, N: layer.nIn, K: layer.nOut, A: upstream, B: layer.W, C: next, epilogue: { kind: 'gate', preact: batch.pre[l - 2], act: below.act }, label: `probe.bp_delta${l - 1}` }),
        );
        upstream = next;
      }
    }
  }
  return Promise.all(out);
}
