// Class probabilities and predictions from read-back outputs, on the host:
// a few classes per row, so a kernel would cost more in readback plumbing
// than it saves.

/** Row-wise softmax of rows x classes outputs, shifted by the row's maximum, in float64. */
export function softmaxRows(outputs: ArrayLike<number>, rows: number, classes: number): Float32Array {
  const out = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, outputs[base + k]);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(outputs[base + k] - max);
    for (let k = 0; k < classes; k++) out[base + k] = Math.exp(outputs[base + k] - max) / sum;
  }
  return out;
}

/** Row-wise argmax; the lowest index among equal maxima, as output_loss.wgsl and confusion_matrix.wgsl decide. */
export function argmaxRows(outputs: ArrayLike<number>, rows: number, classes: number): Uint32Array {
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let arg = 0;
    for (let k = 1; k < classes; k++) if (outputs[base + k] > outputs[base + arg]) arg = k;
    out[r] = arg;
  }
  return out;
}
