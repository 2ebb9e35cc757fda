// Reference of activations.wgsl, in float64.
import type { Activation } from '../kernels/activation';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** act(a) for one pre-activation. */
export function activate(act: Activation, a: number): number {
  switch (act) {
    case 'identity':
      return a;
    case 'relu':
      return Math.max(a, 0);
    case 'tanh':
      return Math.tanh(a);
    case 'sigmoid':
      return sigmoid(a);
    case 'softplus':
      return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
    case 'sign':
      // -0 >= 0 holds, so sign(-0) = +1 as on the GPU.
      return a >= 0 ? 1 : -1;
    case 'step':
      return a > 0 ? 1 : 0;
  }
}

/** act'(a); sign and step use the straight-through estimator clipped to |a| <= 1. */
export function activateGrad(act: Activation, a: number): number {
  switch (act) {
    case 'identity':
      return 1;
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'tanh': {
      const t = Math.tanh(a);
      return 1 - t * t;
    }
    case 'sigmoid': {
      const s = sigmoid(a);
      return s * (1 - s);
    }
    case 'softplus':
      return sigmoid(a);
    case 'sign':
    case 'step':
      return Math.abs(a) <= 1 ? 1 : 0;
  }
}

/** Applies `activate` to every element. */
export function activateAll(act: Activation, a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (x) => activate(act, x));
}

/** Applies `activateGrad` to every element. */
export function activateGradAll(act: Activation, a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (x) => activateGrad(act, x));
}
