// Reference of spike_compact.wgsl and spike_propagate.wgsl: event lists of a
// time-major spike matrix and the input currents summed over them, float64.

export interface SpikeCompactRefArgs {
  /** rows x cols. */
  S: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Previous contents of the list buffer (rows x cols): slots past a row's count keep them. Absent = zeros. */
  active?: ArrayLike<number>;
}

export interface SpikeCompactRefResult {
  /** rows x cols: row r's nonzero columns, ascending, in its first count[r] slots. */
  active: Uint32Array;
  count: Uint32Array;
}

export function spikeCompactRef(args: SpikeCompactRefArgs): SpikeCompactRefResult {
  const { S, rows, cols } = args;
  const active = args.active ? Uint32Array.from(args.active) : new Uint32Array(rows * cols);
  const count = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let k = 0;
    for (let i = 0; i < cols; i++) {
      if (S[r * cols + i] !== 0) active[r * cols + k++] = i;
    }
    count[r] = k;
  }
  return { active, count };
}

export interface SpikePropagateRefArgs {
  /** nOut x nIn. */
  W: ArrayLike<number>;
  /** rows x nIn, and its event lists. */
  S: ArrayLike<number>;
  active: ArrayLike<number>;
  count: ArrayLike<number>;
  rows: number;
  nIn: number;
  nOut: number;
  bias?: ArrayLike<number>;
  /** The previous I (rows x nOut) when accumulating. */
  accumulate?: ArrayLike<number>;
}

/** I[r, n] = bias[n] + sum_{k < count[r]} S[r, i_k] W[n, i_k] (+ previous I), rows x nOut. */
export function spikePropagateRef(args: SpikePropagateRefArgs): Float64Array {
  const { W, S, active, count, rows, nIn, nOut } = args;
  const I = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < nOut; n++) {
      let acc = 0;
      for (let k = 0; k < count[r]; k++) {
        const i = active[r * nIn + k];
        acc += S[r * nIn + i] * W[n * nIn + i];
      }
      const o = r * nOut + n;
      I[o] = acc + (args.bias ? args.bias[n] : 0) + (args.accumulate ? args.accumulate[o] : 0);
    }
  }
  return I;
}
