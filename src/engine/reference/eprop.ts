// Float64 references of eprop_readout, eprop_filter, eprop_psi, eprop_factor
// and eprop_online (Bellec et al. 2020), written as the plain loops they
// implement; eprop_online's is the per-synapse recursion of the paper, one
// eligibility state per (row, j, i). Arrays are time-major [T, rows, n].
import type { NeuronParams } from '../kernels/lif';

export interface EpropRefShape {
  rows: number;
  neurons: number;
  steps: number;
}

export interface EpropReadoutRefResult {
  /** y [T, rows, classes] and Z = sum_t y [rows, classes]. */
  Y: Float64Array;
  Z: Float64Array;
  /** (softmax(y[t]) - onehot) * scale [T, rows, classes]. */
  E: Float64Array;
  /** Cross-entropy summed over rows, per step (summed over t, divided by T), as the metrics hold it. */
  lossSum: number;
  /** Rows whose argmax of Z (first index on ties) is the label. */
  correct: number;
  count: number;
}

export function epropReadoutRef(a: {
  I: ArrayLike<number>;
  bias: ArrayLike<number>;
  labels: ArrayLike<number>;
  rows: number;
  classes: number;
  steps: number;
  kappa: number;
  scale: number;
}): EpropReadoutRefResult {
  const { rows, classes: C, steps } = a;
  const per = rows * C;
  const Y = new Float64Array(steps * per);
  const Z = new Float64Array(per);
  const E = new Float64Array(steps * per);
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const y = a.labels[r];
    for (let t = 0; t < steps; t++) {
      const base = t * per + r * C;
      for (let k = 0; k < C; k++) {
        Y[base + k] = (t > 0 ? a.kappa * Y[base - per + k] : 0) + a.I[base + k] + a.bias[k];
        Z[r * C + k] += Y[base + k];
      }
      let best = Y[base];
      for (let k = 1; k < C; k++) best = Math.max(best, Y[base + k]);
      let sum = 0;
      for (let k = 0; k < C; k++) sum += Math.exp(Y[base + k] - best);
      lossSum += Math.log(sum) + best - Y[base + y];
      for (let k = 0; k < C; k++) E[base + k] = (Math.exp(Y[base + k] - best) / sum - (k === y ? 1 : 0)) * a.scale;
    }
    let arg = 0;
    for (let k = 1; k < C; k++) if (Z[r * C + k] > Z[r * C + arg]) arg = k;
    if (arg === y) correct++;
  }
  // The metrics hold the loss per step, as the kernel writes it.
  return { Y, Z, E, lossSum: lossSum / steps, correct, count: rows };
}

/** out[t] = X[t] + decay out[t+1], per (row, column). */
export function reverseFilterRef(s: EpropRefShape, X: ArrayLike<number>, decay: number): Float64Array {
  const per = s.rows * s.neurons;
  const out = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    let acc = 0;
    for (let t = s.steps - 1; t >= 0; t--) out[t * per + cell] = acc = X[t * per + cell] + decay * acc;
  }
  return out;
}

/** psi[t] = (gamma_pd / theta) max(0, 1 - |(U - A) / theta|), 0 in the refractory steps after a spike. */
export function epropPsiRef(
  s: EpropRefShape,
  fwd: { U: ArrayLike<number>; S: ArrayLike<number>; A?: ArrayLike<number> },
  n: NeuronParams,
  dampening: number,
): Float64Array {
  const per = s.rows * s.neurons;
  const psi = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    // The forward's count (lifForwardRef): a spike blocks the next `refractory` steps.
    let blocked = 0;
    for (let t = 0; t < s.steps; t++) {
      const i = t * per + cell;
      const threshold = n.model === 'alif' ? fwd.A![i] : n.threshold;
      psi[i] = blocked > 0 ? 0 : (dampening / n.threshold) * Math.max(0, 1 - Math.abs((fwd.U[i] - threshold) / n.threshold));
      if (blocked > 0) blocked--;
      else if (fwd.S[i] === 1) blocked = n.refractory;
    }
  }
  return psi;
}

/** D of eprop_factor.wgsl: F = psi (Lbar - gamma m) with m's backward recursion (ALIF), then D[t] = F[t] + beta D[t+1]. */
export function epropFactorRef(s: EpropRefShape, Lbar: ArrayLike<number>, psi: ArrayLike<number>, n: NeuronParams): Float64Array {
  const per = s.rows * s.neurons;
  const D = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    let m = 0;
    let d = 0;
    for (let t = s.steps - 1; t >= 0; t--) {
      const i = t * per + cell;
      let f = psi[i] * Lbar[i];
      if (n.model === 'alif') {
        f = psi[i] * (Lbar[i] - n.gamma * m);
        m = f + n.rho * m;
      }
      D[i] = d = f + n.beta * d;
    }
  }
  return D;
}

export interface EpropOnlineRefShape {
  rows: number;
  nIn: number;
  nOut: number;
  steps: number;
}

/**
 * The paper's online rule, synapse by synapse: zbar, eps_a and ebar per
 * (row, j, i), walked forward in t, dW_ji = sum L_j[t] ebar_ji[t]; the bias is
 * a synapse from a constant input of 1.
 */
export function epropOnlineRef(
  s: EpropOnlineRefShape,
  X: ArrayLike<number>,
  psi: ArrayLike<number>,
  L: ArrayLike<number>,
  n: NeuronParams,
  kappa: number,
): { dW: Float64Array; db: Float64Array } {
  const dW = new Float64Array(s.nOut * s.nIn);
  const db = new Float64Array(s.nOut);
  for (let j = 0; j < s.nOut; j++) {
    for (let i = 0; i <= s.nIn; i++) {
      let acc = 0;
      for (let r = 0; r < s.rows; r++) {
        let zbar = 0;
        let epsA = 0;
        let ebar = 0;
        for (let t = 0; t < s.steps; t++) {
          const row = t * s.rows + r;
          const x = i < s.nIn ? X[row * s.nIn + i] : 1;
          const p = psi[row * s.nOut + j];
          zbar = n.beta * zbar + x;
          let e = p * zbar;
          if (n.model === 'alif') {
            e = p * (zbar - n.gamma * epsA);
            epsA = p * zbar + (n.rho - n.gamma * p) * epsA;
          }
          ebar = kappa * ebar + e;
          acc += L[row * s.nOut + j] * ebar;
        }
      }
      if (i < s.nIn) dW[j * s.nIn + i] = acc;
      else db[j] = acc;
    }
  }
  return { dW, db };
}
