// References of spike_readout.wgsl and spike_readout_grad.wgsl.
import type { Readout } from '../kernels/spike-readout';

export interface ReadoutRefShape {
  rows: number;
  classes: number;
  steps: number;
  readout: Readout;
  scale?: number;
}

export function spikeReadoutRef(a: ReadoutRefShape, S: ArrayLike<number>, U: ArrayLike<number>): { Z: Float64Array; peak: Uint32Array } {
  const per = a.rows * a.classes;
  const Z = new Float64Array(per);
  const peak = new Uint32Array(per);
  for (let cell = 0; cell < per; cell++) {
    let count = 0;
    let first = a.steps;
    let best = U[cell];
    let bestT = 0;
    for (let t = 0; t < a.steps; t++) {
      const i = t * per + cell;
      count += S[i];
      if (S[i] > 0 && first === a.steps) first = t;
      if (U[i] > best) {
        best = U[i];
        bestT = t;
      }
    }
    if (a.readout === 'count') Z[cell] = (a.scale ?? 1) * count;
    else if (a.readout === 'membrane') {
      Z[cell] = best;
      peak[cell] = bestT;
    } else Z[cell] = a.steps - first + count / (a.steps + 1);
  }
  return { Z, peak };
}

export function spikeReadoutGradRef(a: ReadoutRefShape, dZ: ArrayLike<number>, peak: ArrayLike<number>): Float64Array {
  const per = a.rows * a.classes;
  const G = new Float64Array(a.steps * per);
  for (let t = 0; t < a.steps; t++) {
    for (let cell = 0; cell < per; cell++) {
      const i = t * per + cell;
      if (a.readout === 'count') G[i] = (a.scale ?? 1) * dZ[cell];
      else if (a.readout === 'membrane') G[i] = peak[cell] === t ? dZ[cell] : 0;
      else G[i] = (dZ[cell] * (a.steps - t)) / a.steps;
    }
  }
  return G;
}
