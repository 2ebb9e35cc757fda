// Reference of confusion_matrix.wgsl: counts[true][predicted] over a batch,
// the prediction being the first index of the row's maximum.

/** Index of the row's largest score: the lowest among equal maxima (strict >, as on the GPU). */
export function argmaxRef(scores: ArrayLike<number>, row: number, classes: number): number {
  const base = row * classes;
  let arg = 0;
  for (let k = 1; k < classes; k++) if (scores[base + k] > scores[base + arg]) arg = k;
  return arg;
}

/** `initial` (classes x classes) plus one count per row whose label is below `classes`. */
export function confusionMatrixRef(a: {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  rows: number;
  classes: number;
  initial?: ArrayLike<number>;
}): Float64Array {
  const { scores, labels, rows, classes } = a;
  const counts = a.initial ? Float64Array.from(a.initial) : new Float64Array(classes * classes);
  for (let r = 0; r < rows; r++) {
    const y = labels[r];
    if (y >= classes) continue;
    counts[y * classes + argmaxRef(scores, r, classes)]++;
  }
  return counts;
}
