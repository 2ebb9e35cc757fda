// Float64 references of lif_forward.wgsl and lif_backward.wgsl, written as the
// plain time loops they implement. Arrays are time-major [T, rows, neurons].
import type { NeuronParams, SurrogateSpec } from '../kernels/lif';

export interface LifRefShape {
  rows: number;
  neurons: number;
  steps: number;
}

export function lifForwardRef(
  s: LifRefShape,
  I: ArrayLike<number>,
  bias: ArrayLike<number>,
  n: NeuronParams,
  smoothSlope?: number,
): { U: Float64Array; S: Float64Array; A: Float64Array } {
  const per = s.rows * s.neurons;
  const U = new Float64Array(s.steps * per);
  const S = new Float64Array(s.steps * per);
  const A = new Float64Array(s.steps * per);
  for (let cell = 0; cell < per; cell++) {
    let u = 0;
    let syn = 0;
    let adapt = 0;
    let sPrev = 0;
    let blocked = 0;
    for (let t = 0; t < s.steps; t++) {
      const i = t * per + cell;
      let drive = I[i] + bias[cell % s.neurons];
      if (n.model === 'synaptic') drive = syn = n.alpha * syn + drive;
      if (blocked > 0) drive = 0;
      u = n.reset === 'zero' ? (1 - sPrev) * (n.beta * u + drive) : n.beta * u + drive - sPrev * n.threshold;
      let threshold = n.threshold;
      if (n.model === 'alif') {
        adapt = n.rho * adapt + sPrev;
        threshold = n.threshold + n.gamma * adapt;
      }
      let spike = 0;
      if (blocked === 0) {
        if (smoothSlope !== undefined) spike = 1 / (1 + Math.exp(-smoothSlope * (u - threshold)));
        else spike = u > threshold ? 1 : 0;
      }
      if (blocked > 0) blocked--;
      else if (spike === 1) blocked = n.refractory;
      U[i] = u;
      S[i] = spike;
      A[i] = threshold;
      sPrev = spike;
    }
  }
  return { U, S, A };
}

export function surrogateRef(kind: SurrogateSpec['kind'], k: number, x: number): number {
  if (kind === 'arctan') {
    const z = (Math.PI / 2) * k * x;
    return (0.5 * k) / (1 + z * z);
  }
  if (kind === 'sigmoid-exact') {
    const s = 1 / (1 + Math.exp(-k * x));
    return k * s * (1 - s);
  }
  return 1 / (1 + k * Math.abs(x)) ** 2;
}

export interface LifBackwardRefOptions {
  gradWrt?: 'spikes' | 'membrane';
  detachReset?: boolean;
}

/** dL/dI of every step, given dL/dS (or dL/dU) and the forward's U, S, A. */
export function lifBackwardRef(
  s: LifRefShape,
  G: ArrayLike<number>,
  fwd: { U: ArrayLike<number>; S: ArrayLike<number>; A: ArrayLike<number> },
  n: NeuronParams,
  surrogate: SurrogateSpec,
  o: LifBackwardRefOptions = {},
): Float64Array {
  const per = s.rows * s.neurons;
  const dI = new Float64Array(s.steps * per);
  const detach = o.detachReset !== false;
  for (let cell = 0; cell < per; cell++) {
    let guNext = 0;
    let gsynNext = 0;
    let gaNext = 0;
    for (let t = s.steps - 1; t >= 0; t--) {
      const i = t * per + cell;
      let blocked = false;
      for (let k = 1; k <= Math.min(n.refractory, t); k++) if (fwd.S[i - k * per] === 1) blocked = true;
      const sPrev = t > 0 ? fwd.S[i - per] : 0;
      let gs = o.gradWrt === 'membrane' ? 0 : G[i];
      const gm = o.gradWrt === 'membrane' ? G[i] : 0;
      if (n.model === 'alif') gs += gaNext;
      if (!detach && n.reset === 'subtract') gs -= n.threshold * guNext;
      const threshold = n.model === 'alif' ? fwd.A[i] : n.threshold;
      const sg = blocked ? 0 : surrogateRef(surrogate.kind, surrogate.slope, fwd.U[i] - threshold);
      const carry = n.reset === 'zero' ? n.beta * (1 - fwd.S[i]) : n.beta;
      const gu = sg * gs + gm + carry * guNext;
      if (n.model === 'alif') gaNext = n.rho * gaNext - n.gamma * sg * gs;
      let gdrive = n.reset === 'zero' ? (1 - sPrev) * gu : gu;
      if (blocked) gdrive = 0;
      if (n.model === 'synaptic') gdrive = gsynNext = gdrive + n.alpha * gsynNext;
      dI[i] = gdrive;
      guNext = gu;
    }
  }
  return dI;
}
