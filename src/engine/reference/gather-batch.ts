// Reference of gather_batch.wgsl: a float minibatch from byte images.

export interface GatherRefArgs {
  /** Dataset images, one byte per pixel, example after example. */
  images: Uint8Array;
  labels: ArrayLike<number>;
  /** Example order. */
  index: ArrayLike<number>;
  rows: number;
  pixels: number;
  /** With useClock the first row is (clock % stepsPerEpoch) * rows, else offset. */
  useClock: boolean;
  clock?: number;
  offset?: number;
  stepsPerEpoch?: number;
  shift?: number;
  scale?: number;
}

export function gatherBatchRef(a: GatherRefArgs): { X: Float64Array; Y: Uint32Array } {
  const base = a.useClock ? ((a.clock ?? 0) % Math.max(1, a.stepsPerEpoch ?? 1)) * a.rows : (a.offset ?? 0);
  const shift = a.shift ?? 0;
  const scale = a.scale ?? 1;
  const X = new Float64Array(a.rows * a.pixels);
  const Y = new Uint32Array(a.rows);
  for (let r = 0; r < a.rows; r++) {
    const example = a.index[base + r];
    for (let c = 0; c < a.pixels; c++) X[r * a.pixels + c] = (a.images[example * a.pixels + c] / 255 - shift) * scale;
    Y[r] = a.labels[example];
  }
  return { X, Y };
}
