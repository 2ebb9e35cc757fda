// Reference of output_loss.wgsl: softmax cross-entropy or squared error on a
// batch of logits, with the gradient, the loss sum and the correct count.
import type { Loss } from '../kernels/output-loss';

export interface OutputLossRefResult {
  /** rows x classes: dL/dz * scale. */
  grad: Float64Array;
  lossSum: number;
  /** Rows whose argmax (first index on ties) is the label. */
  correct: number;
  count: number;
}

export function outputLossRef(a: {
  logits: ArrayLike<number>;
  labels: ArrayLike<number>;
  rows: number;
  classes: number;
  scale: number;
  loss: Loss;
}): OutputLossRefResult {
  const { logits: Z, labels, rows, classes, scale } = a;
  const grad = new Float64Array(rows * classes);
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const y = labels[r];
    let arg = 0;
    for (let k = 1; k < classes; k++) if (Z[base + k] > Z[base + arg]) arg = k;
    if (arg === y) correct++;
    const best = Z[base + arg];
    if (a.loss === 'cross-entropy') {
      // Shifted by the max, as the kernel does, so exp never overflows.
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(Z[base + k] - best);
      lossSum += Math.log(sum) + best - Z[base + y];
      for (let k = 0; k < classes; k++) grad[base + k] = (Math.exp(Z[base + k] - best) / sum - (k === y ? 1 : 0)) * scale;
    } else {
      for (let k = 0; k < classes; k++) {
        const d = Z[base + k] - (k === y ? 1 : 0);
        lossSum += 0.5 * d * d;
        grad[base + k] = d * scale;
      }
    }
  }
  return { grad, lossSum, correct, count: rows };
}
