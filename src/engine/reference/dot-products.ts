// Reference of dot_products.wgsl: (x.y, x.x, y.y) over rows x cols values,
// y read as the transpose of a cols x rows matrix with transposeY.

export function dotProductsRef(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  rows: number,
  cols: number,
  transposeY = false,
): { xy: number; xx: number; yy: number } {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < rows * cols; i++) {
    const x = X[i];
    const y = transposeY ? Y[(i % cols) * rows + Math.floor(i / cols)] : Y[i];
    xy += x * y;
    xx += x * x;
    yy += y * y;
  }
  return { xy, xx, yy };
}
