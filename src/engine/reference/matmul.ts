// Reference of matmul.wgsl: C = epilogue(alpha * op(A) op(B)), row-major, float64.
import type { Activation } from '../kernels/activation';
import { activate, activateGrad } from './activation';

export type EpilogueRef =
  | { kind: 'none' }
  /** C = v + beta * addend (M x N). */
  | { kind: 'axpby'; beta: number; addend: ArrayLike<number> }
  /** C = v + bias[n]; E = act(C). */
  | { kind: 'bias-act'; bias: ArrayLike<number>; act: Activation }
  /** C = v * act'(preact) (preact: M x N). */
  | { kind: 'gate'; preact: ArrayLike<number>; act: Activation }
  /** C = v + beta * C0, C0 the previous contents of C (M x N). */
  | { kind: 'accumulate'; beta: number; C: ArrayLike<number> };

export interface MatmulRefArgs {
  M: number;
  N: number;
  K: number;
  /** M x K, or K x M with transA. */
  A: ArrayLike<number>;
  /** K x N, or N x K with transB. */
  B: ArrayLike<number>;
  transA?: boolean;
  transB?: boolean;
  /** Use sign(op(B)). */
  signB?: boolean;
  alpha?: number;
  epilogue?: EpilogueRef;
}

export interface MatmulRefResult {
  /** M x N; for bias-act, the pre-activations. */
  C: Float64Array;
  /** M x N activations; bias-act only. */
  E?: Float64Array;
  /** M x N, alpha op(A) op(B) before the bias; bias-act only. */
  F?: Float64Array;
}

export function matmulRef(args: MatmulRefArgs): MatmulRefResult {
  const { M, N, K, A, B } = args;
  const alpha = args.alpha ?? 1;
  const ep = args.epilogue ?? { kind: 'none' };
  const a = (m: number, k: number) => (args.transA ? A[k * M + m] : A[m * K + k]);
  const raw = (k: number, n: number) => (args.transB ? B[n * K + k] : B[k * N + n]);
  const b = args.signB ? (k: number, n: number) => Math.sign(raw(k, n)) : raw;
  const C = new Float64Array(M * N);
  const E = ep.kind === 'bias-act' ? new Float64Array(M * N) : undefined;
  const F = ep.kind === 'bias-act' ? new Float64Array(M * N) : undefined;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += a(m, k) * b(k, n);
      const i = m * N + n;
      const v = alpha * acc;
      switch (ep.kind) {
        case 'none':
          C[i] = v;
          break;
        case 'axpby':
          C[i] = v + ep.beta * ep.addend[i];
          break;
        case 'bias-act':
          C[i] = v + ep.bias[n];
          E![i] = activate(ep.act, C[i]);
          F![i] = v;
          break;
        case 'gate':
          C[i] = v * activateGrad(ep.act, ep.preact[i]);
          break;
        case 'accumulate':
          C[i] = v + ep.beta * ep.C[i];
          break;
      }
    }
  }
  return E ? { C, E, F } : { C };
}
