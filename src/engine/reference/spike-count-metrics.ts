// Reference of spike_count_metrics.wgsl: argmax votes against labels, a loss
// proxy's sum and the example count of a batch.

export interface SpikeCountMetricsRef {
  lossSum: number;
  /** Rows whose argmax vote (first index on ties) is the label. */
  correct: number;
  count: number;
}

export function spikeCountMetricsRef(a: {
  Z: ArrayLike<number>;
  labels: ArrayLike<number>;
  loss?: ArrayLike<number>;
  lossCols?: number;
  rows: number;
  classes: number;
}): SpikeCountMetricsRef {
  let correct = 0;
  let lossSum = 0;
  for (let r = 0; r < a.rows; r++) {
    let arg = 0;
    for (let k = 1; k < a.classes; k++) if (a.Z[r * a.classes + k] > a.Z[r * a.classes + arg]) arg = k;
    if (arg === a.labels[r]) correct++;
    const cols = a.lossCols ?? 1;
    if (a.loss) for (let c = 0; c < cols; c++) lossSum += a.loss[r * cols + c];
  }
  return { lossSum, correct, count: a.rows };
}
