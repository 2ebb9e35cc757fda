// matmul.wgsl against the float64 reference: every transpose combination,
// epilogue and activation, at shapes that are not multiples of the 4x4 blocks
// or the 8x8 workgroups.
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Activation } from '../../src/engine/kernels/activation';
import { type Epilogue, matmul } from '../../src/engine/kernels/matmul';
import { activate } from '../../src/engine/reference/activation';
import { type EpilogueRef, matmulRef } from '../../src/engine/reference/matmul';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

type EpilogueCase =
  | { kind: 'none' }
  | { kind: 'axpby'; beta: number }
  | { kind: 'bias-act'; act: Activation }
  | { kind: 'gate'; act: Activation }
  | { kind: 'accumulate'; beta: number };

interface MatmulCase {
  name: string;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  epilogue: EpilogueCase;
}

// f32 accumulation with fma against float64: the measured error is ~1e-6 even
// at K = 784, so one bound serves every shape here.
const TOL = 1e-5;

const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

const EPILOGUES: EpilogueCase[] = [
  { kind: 'none' },
  { kind: 'axpby', beta: -0.5 },
  { kind: 'accumulate', beta: 0.9 },
  ...ACTIVATIONS.map((act) => ({ kind: 'bias-act' as const, act })),
  ...ACTIVATIONS.map((act) => ({ kind: 'gate' as const, act })),
];

// Shapes the epilogue grid cycles through: none a multiple of 4 or 8.
const GRID_SHAPES = [
  [17, 65, 3],
  [3, 17, 65],
  [65, 3, 17],
  [1, 257, 17],
  [257, 1, 3],
  [17, 17, 257],
  [65, 65, 1],
] as const;

const SIZES = [1, 3, 17, 65, 257];

function describeEpilogue(e: EpilogueCase): string {
  return 'act' in e ? `${e.kind}(${e.act})` : e.kind;
}

function tname(transA: boolean, transB: boolean): string {
  return `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
}

const cases: MatmulCase[] = [];

// 1. Every transpose combination x every epilogue x every activation.
let g = 0;
for (const [transA, transB] of TRANSPOSES) {
  for (const epilogue of EPILOGUES) {
    const [M, N, K] = GRID_SHAPES[g % GRID_SHAPES.length];
    const alpha = g % 3 === 0 ? 1 : g % 3 === 1 ? -0.75 : 1.5;
    g++;
    cases.push({ name: `${M}x${N}x${K} ${tname(transA, transB)} ${describeEpilogue(epilogue)} alpha=${alpha}`, M, N, K, transA, transB, alpha, epilogue });
  }
}

// 2. Every (M, N, K) from the odd sizes, cycling the transposes and plain/axpby.
let s = 0;
for (const M of SIZES) {
  for (const N of SIZES) {
    for (const K of SIZES) {
      const [transA, transB] = TRANSPOSES[s % 4];
      const epilogue: EpilogueCase = s % 8 < 4 ? { kind: 'none' } : { kind: 'axpby', beta: 2 };
      s++;
      cases.push({ name: `${M}x${N}x${K} ${tname(transA, transB)} ${epilogue.kind}`, M, N, K, transA, transB, alpha: 1, epilogue });
    }
  }
}

// 3. The products of a 784-256-10 network trained on batches of 128.
cases.push(
  { name: 'forward 128x256x784 NN bias-act(relu)', M: 128, N: 256, K: 784, transA: false, transB: false, alpha: 1, epilogue: { kind: 'bias-act', act: 'relu' } },
  { name: 'weight grad 784x256x128 TN accumulate', M: 784, N: 256, K: 128, transA: true, transB: false, alpha: 1 / 128, epilogue: { kind: 'accumulate', beta: 0.5 } },
  { name: 'backward delta 128x784x256 NT gate(tanh)', M: 128, N: 784, K: 256, transA: false, transB: true, alpha: 1, epilogue: { kind: 'gate', act: 'tanh' } },
);

describe('matmul', () => {
  it('covers every transpose x epilogue x activation', () => {
    const seen = new Set(cases.map((c) => `${tname(c.transA, c.transB)} ${describeEpilogue(c.epilogue)}`));
    expect(seen.size).toBe(4 * (3 + 2 * ACTIVATIONS.length));
  });

  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { M, N, K } = c;
      const A = seededArray(M * K, 11 + ci);
      const B = seededArray(K * N, 1000 + ci);
      // Pre-activations in [-2, 2] so sign/step see both sides of |a| <= 1.
      const D = seededArray(c.epilogue.kind === 'bias-act' ? N : M * N, 5000 + ci, 2);
      const C0 = seededArray(M * N, 9000 + ci);
      const bufA = upload(ctx, A);
      const bufB = upload(ctx, B);
      const bufD = upload(ctx, D);
      const bufC = upload(ctx, C0);
      const bufE = zeros(ctx, M * N);

      const e = c.epilogue;
      let epilogue: Epilogue;
      let ref: EpilogueRef;
      switch (e.kind) {
        case 'none':
          epilogue = e;
          ref = e;
          break;
        case 'axpby':
          epilogue = { kind: 'axpby', beta: e.beta, addend: bufD };
          ref = { kind: 'axpby', beta: e.beta, addend: D };
          break;
        case 'bias-act':
          epilogue = { kind: 'bias-act', bias: bufD, act: e.act, activations: bufE };
          ref = { kind: 'bias-act', bias: D, act: e.act };
          break;
        case 'gate':
          epilogue = { kind: 'gate', preact: bufD, act: e.act };
          ref = { kind: 'gate', preact: D, act: e.act };
          break;
        case 'accumulate':
          epilogue = { kind: 'accumulate', beta: e.beta };
          ref = { kind: 'accumulate', beta: e.beta, C: C0 };
          break;
      }

      const d = await matmul(ctx, { M, N, K, A: bufA, B: bufB, C: bufC, transA: c.transA, transB: c.transB, alpha: c.alpha, epilogue });
      run(ctx, [d]);
      const C = await readF32(ctx, bufC, M * N);
      const expected = matmulRef({ M, N, K, A, B, transA: c.transA, transB: c.transB, alpha: c.alpha, epilogue: ref });
      expect(relErr(C, expected.C)).toBeLessThanOrEqual(TOL);

      if (e.kind === 'bias-act') {
        const E = await readF32(ctx, bufE, M * N);
        // The epilogue applies act to exactly the C it stored...
        const fromGpuPre = Float64Array.from(C, (a) => activate(e.act, a));
        expect(relErr(E, fromGpuPre)).toBeLessThanOrEqual(TOL);
        // ...and for continuous activations that also matches act(reference pre).
        // (sign/step may flip where the f32 and f64 sums straddle 0.)
        if (e.act !== 'sign' && e.act !== 'step') expect(relErr(E, expected.E!)).toBeLessThanOrEqual(TOL);
      }
      free(ctx, [bufA, bufB, bufD, bufC, bufE]);
    });
  }
});
