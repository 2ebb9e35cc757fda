// Reference of the fused weight update (matmul_update.wgsl through any matmul
// variant): dW = delta^T input and db = delta^T 1, then one optimiser step on
// W (with its twin) and on b, exactly as the unfused gradient matmul, column
// sum and two optimizer.wgsl dispatches would do it.
import type { OptimizerSettings } from '../kernels/optimizer';
import { columnSumRef } from './column-sum';
import { matmulRef } from './matmul';
import { type OptimizerState, optimizerStepRef } from './optimizer';

export interface WeightUpdateRefArgs {
  delta: ArrayLike<number>;
  input: ArrayLike<number>;
  rows: number;
  nOut: number;
  nIn: number;
  weights: OptimizerSettings;
  bias: OptimizerSettings;
  /** Kolen-Pollack: W.T (nIn x nOut) receives the same step. */
  tied: boolean;
  /**
   * A trained B (nIn x nOut) with its own step from weightDecay B + self W^T,
   * W before its step (matmul_update_twin.wgsl): optimizer.wgsl's regularised
   * step with no stored gradient. With `product` (self 0), B's gradient is
   * instead alpha (left^T right)^T, left rows x nOut and right rows x nIn
   * (matmul_operands_paired.wgsl).
   */
  twinStep?: {
    B: OptimizerState;
    settings: OptimizerSettings;
    self: number;
    product?: { left: ArrayLike<number>; right: ArrayLike<number>; alpha: number };
  };
  clock: number;
  seed: number;
  stream: number;
}

/** Applies one step in place: W (and, tied, its twin T; or a twin step's B) and b with their moments. */
export function weightUpdateRef(W: OptimizerState, b: OptimizerState, a: WeightUpdateRefArgs): { gW: Float64Array; gb: Float64Array } {
  const gW = matmulRef({ M: a.nOut, N: a.nIn, K: a.rows, A: a.delta, B: a.input, transA: true }).C;
  const gb = columnSumRef(a.delta, a.rows, a.nOut);
  const at = { rows: a.nOut, cols: a.nIn, clock: a.clock, seed: a.seed };
  const t = a.twinStep;
  if (t?.product) {
    const { left, right, alpha } = t.product;
    const gB = matmulRef({ M: a.nIn, N: a.nOut, K: a.rows, A: right, B: left, transA: true, alpha }).C;
    optimizerStepRef({ ...t.B, T: undefined }, gB, { rows: a.nIn, cols: a.nOut, clock: a.clock, seed: a.seed, settings: t.settings, stream: a.stream });
  } else if (t) {
    const regularizer = { p: 0, w: t.self, S: W.P };
    optimizerStepRef({ ...t.B, T: undefined }, [], { rows: a.nIn, cols: a.nOut, clock: a.clock, seed: a.seed, settings: t.settings, stream: a.stream, regularizer, readGrad: false });
  }
  optimizerStepRef(a.tied ? W : { ...W, T: undefined }, gW, { ...at, settings: a.weights, stream: a.stream });
  optimizerStepRef(b, gb, { ...at, rows: 1, cols: a.nOut, settings: a.bias, stream: 0 });
  return { gW, gb };
}

export interface ProductUpdateRefArgs {
  /** rows x M and rows x N. */
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  rows: number;
  M: number;
  N: number;
  alpha: number;
  settings: OptimizerSettings;
  clock: number;
  seed: number;
  stream: number;
}

/** productUpdate without a bias (a trained B): P (M x N) steps from alpha * left^T right; returns that gradient. */
export function productUpdateRef(P: OptimizerState, a: ProductUpdateRefArgs): Float64Array {
  const g = matmulRef({ M: a.M, N: a.N, K: a.rows, A: a.left, B: a.right, transA: true, alpha: a.alpha }).C;
  optimizerStepRef({ ...P, T: undefined }, g, { rows: a.M, cols: a.N, clock: a.clock, seed: a.seed, settings: a.settings, stream: a.stream });
  return g;
}
