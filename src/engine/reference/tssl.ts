// Float64 references of tssl_psp.wgsl, tssl_forward.wgsl, tssl_loss.wgsl and
// tssl_backward.wgsl, written as the plain time loops they implement (and as
// functions/tsslbp.py and functions/loss_f.py write them). Arrays are
// time-major [T, rows, n].
import { desiredSpikes, type TsslNeuron } from '../kernels/tssl';

export interface TsslRefShape {
  rows: number;
  neurons: number;
  steps: number;
}

/** syn_a[n] = (1 - 1/tau_s)^n / tau_s, the discrete PSP kernel (global_v.py). */
export function synA(tauS: number, n: number): number {
  return (1 - 1 / tauS) ** n / tauS;
}

/** The PSP of X: a static [rows, n] image repeated over T, or a train [T, rows, n]. */
export function tsslPspRef(s: TsslRefShape, X: ArrayLike<number>, input: 'static' | 'train', tauS: number): Float64Array {
  const per = s.rows * s.neurons;
  const A = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    let a = 0;
    for (let t = 0; t < s.steps; t++) {
      const x = input === 'static' ? X[cell] : X[t * per + cell];
      a = (1 - 1 / tauS) * a + x / tauS;
      A[t * per + cell] = a;
    }
  }
  return A;
}

export function tsslLayerForwardRef(
  s: TsslRefShape,
  I: ArrayLike<number>,
  n: TsslNeuron,
  bias?: ArrayLike<number>,
): { U: Float64Array; S: Float64Array; A: Float64Array } {
  const per = s.rows * s.neurons;
  const U = new Float64Array(s.steps * per);
  const S = new Float64Array(s.steps * per);
  const A = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    const b = bias ? bias[cell % s.neurons] : 0;
    let u = 0;
    let a = 0;
    for (let t = 0; t < s.steps; t++) {
      const i = t * per + cell;
      u = (1 - 1 / n.tauM) * u + I[i] + b;
      const spike = u > n.threshold ? 1 : 0;
      a = (1 - 1 / n.tauS) * a + spike / n.tauS;
      U[i] = u;
      S[i] = spike;
      A[i] = a;
      u *= 1 - spike;
    }
  }
  return { U, S, A };
}

/** The code's surrogate for weak units: sigmoid'((V_th - u) / 0.2) / 0.2, argument clamped to +-8. */
export function tsslSurrogateRef(u: number, threshold: number): number {
  const e = Math.exp(Math.min(8, Math.max(-8, (threshold - u) / 0.2)));
  return e / ((1 + e) * (1 + e) * 0.2);
}

/** delta = dL/dI of every step from dL/da and the forward's U, S, A (see tssl_backward.wgsl). */
export function tsslLayerBackwardRef(
  s: TsslRefShape,
  G: ArrayLike<number>,
  fwd: { U: ArrayLike<number>; S: ArrayLike<number>; A: ArrayLike<number> },
  n: TsslNeuron,
  spikeTimesOnly = true,
): Float64Array {
  const per = s.rows * s.neurons;
  const dI = new Float64Array(s.steps * per);
  const thetaM = 1 / n.tauM;
  const weak = 1 / (4 * n.tauS);
  for (let cell = 0; cell < per; cell++) {
    let theta = 0;
    for (let t = s.steps - 1; t >= 0; t--) {
      const i = t * per + cell;
      // The PSP-weighted error ahead, summed directly as the code does.
      let psp = 0;
      for (let m = t; m < s.steps; m++) psp += synA(n.tauS, m - t) * G[m * per + cell];
      const u = fwd.U[i];
      const spike = fwd.S[i];
      const uPrev = t > 0 ? fwd.U[i - per] * (1 - fwd.S[i - per]) : 0;
      // clamp(-1/du, -8, 0), and 0 where du <= 0 (no spike can come from a falling membrane).
      const du = u - uPrev;
      let dtdu = du > 0 ? Math.max(-8, -1 / du) : 0;
      if (spikeTimesOnly) dtdu *= spike;
      let delta = -dtdu * psp + theta * u * -thetaM * dtdu + theta * (1 - thetaM) * (1 - spike);
      theta = delta * spike + theta * (1 - spike) * (1 - thetaM);
      if (fwd.A[i] < weak) delta = psp * tsslSurrogateRef(u, n.threshold);
      dI[i] = delta;
    }
  }
  return dI;
}

export interface TsslLossRefResult {
  /** dL/dA * scale, [T, rows, classes]. */
  grad: Float64Array;
  lossSum: number;
  /** Rows whose argmax of sum_t A (first index on ties) is the label. */
  correct: number;
  count: number;
}

/** The PSP of the label's desired spike train, e[t] for t < T. */
export function desiredPspRef(steps: number, tauS: number): Float64Array {
  const d = desiredSpikes(steps);
  const e = new Float64Array(steps);
  let a = 0;
  for (let t = 0; t < steps; t++) e[t] = a = (1 - 1 / tauS) * a + d[t] / tauS;
  return e;
}

export function tsslLossRef(a: {
  A: ArrayLike<number>;
  labels: ArrayLike<number>;
  rows: number;
  classes: number;
  steps: number;
  tauS: number;
  scale: number;
}): TsslLossRefResult {
  const { A, labels, rows, classes, steps } = a;
  const per = rows * classes;
  const e = desiredPspRef(steps, a.tauS);
  const grad = new Float64Array(steps * per);
  let lossSum = 0;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const y = labels[r];
    let arg = 0;
    let best = 0;
    for (let k = 0; k < classes; k++) {
      let total = 0;
      for (let t = 0; t < steps; t++) {
        const i = t * per + r * classes + k;
        const diff = A[i] - (k === y ? e[t] : 0);
        lossSum += 0.5 * diff * diff;
        grad[i] = diff * a.scale;
        total += A[i];
      }
      if (k === 0 || total > best) {
        best = total;
        arg = k;
      }
    }
    if (arg === y) correct++;
  }
  return { grad, lossSum, correct, count: rows };
}
