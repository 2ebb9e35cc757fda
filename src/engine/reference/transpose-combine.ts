// Reference of transpose_combine.wgsl: out = a X + b f(Y^T), Y stored cols x rows.

export function transposeCombineRef(a: {
  /** rows x cols; may be omitted when a = 0 (then never read). */
  X?: ArrayLike<number>;
  Y: ArrayLike<number>;
  rows: number;
  cols: number;
  a: number;
  b: number;
  sign?: boolean;
}): Float64Array {
  const out = new Float64Array(a.rows * a.cols);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < a.cols; c++) {
      let y = a.Y[c * a.rows + r];
      // Math.sign(0) = 0, like WGSL sign().
      if (a.sign) y = Math.sign(y);
      const x = a.a !== 0 ? a.a * a.X![r * a.cols + c] : 0;
      out[r * a.cols + c] = x + a.b * y;
    }
  }
  return out;
}
