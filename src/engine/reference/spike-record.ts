// Reference of spike_record.wgsl for one slot: the chosen samples' rasters,
// bit-packed over time, and the traced neurons' membranes. S and U are
// time-major [T, rows, neurons].
import { wordsPerTrain } from '../kernels/spike-record';

export interface SpikeRecordRefShape {
  rows: number;
  neurons: number;
  steps: number;
}

export function spikeRecordRef(
  s: SpikeRecordRefShape,
  S: ArrayLike<number>,
  U: ArrayLike<number>,
  samples: readonly number[],
  traced: readonly number[],
): { raster: Uint32Array; membrane: Float64Array } {
  const W = wordsPerTrain(s.steps);
  const at = (t: number, row: number, i: number) => (t * s.rows + row) * s.neurons + i;
  const raster = new Uint32Array(samples.length * s.neurons * W);
  samples.forEach((row, k) => {
    for (let i = 0; i < s.neurons; i++) {
      for (let t = 0; t < s.steps; t++) {
        if (S[at(t, row, i)] > 0.5) raster[(k * s.neurons + i) * W + Math.floor(t / 32)] |= 1 << (t % 32);
      }
    }
  });
  const membrane = new Float64Array(samples.length * traced.length * s.steps);
  samples.forEach((row, k) => {
    traced.forEach((i, c) => {
      for (let t = 0; t < s.steps; t++) membrane[(k * traced.length + c) * s.steps + t] = U[at(t, row, i)];
    });
  });
  return { raster, membrane };
}
