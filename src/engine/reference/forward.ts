// Float64 reference of layers/forward-pass.ts: a_l = h_{l-1} W_l^T + b_l,
// h_l = f_l(a_l), row-major, W_l nOut x nIn; the output layer's a is the logits.
import type { Activation } from '../kernels/activation';
import { activate } from './activation';

export interface ForwardRefLayer {
  nIn: number;
  nOut: number;
  act: Activation;
  W: ArrayLike<number>;
  b: ArrayLike<number>;
}

/** The last layer's pre-activations, rows x nOut of the last layer. */
export function forwardRef(layers: readonly ForwardRefLayer[], X: ArrayLike<number>, rows: number): Float64Array {
  let h: ArrayLike<number> = X;
  let a = new Float64Array(0);
  for (const layer of layers) {
    a = new Float64Array(rows * layer.nOut);
    const next = new Float64Array(rows * layer.nOut);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < layer.nOut; o++) {
        let s = layer.b[o];
        for (let i = 0; i < layer.nIn; i++) s += h[r * layer.nIn + i] * layer.W[o * layer.nIn + i];
        a[r * layer.nOut + o] = s;
        next[r * layer.nOut + o] = activate(layer.act, s);
      }
    }
    h = next;
  }
  return a;
}
