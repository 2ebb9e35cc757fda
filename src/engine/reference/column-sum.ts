// Reference of column_sum.wgsl: out[n] = alpha * sum_m X[m, n] (bias gradients).

export function columnSumRef(X: ArrayLike<number>, rows: number, cols: number, alpha = 1): Float64Array {
  const out = new Float64Array(cols);
  for (let n = 0; n < cols; n++) {
    let s = 0;
    for (let m = 0; m < rows; m++) s += X[m * cols + n];
    out[n] = alpha * s;
  }
  return out;
}
