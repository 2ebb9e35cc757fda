// activations.wgsl, element by element, at the values where implementations
// go wrong: overflow of exp, the kinks, and the straight-through window edges.
// The snippet is reached through matmul with K = 1, so pre = value exactly.
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../src/engine/kernels/activation';
import { matmul } from '../../src/engine/kernels/matmul';
import { activate, activateGrad } from '../../src/engine/reference/activation';
import { destroyContext, free, getContext, readF32, run, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

const VALUES = Float32Array.from([
  -100, -30, -20, -5, -1.0001, -1, -0.9999, -0.5, -1e-3, -1e-20, -0, 0, 1e-20, 1e-3, 0.5, 0.9999, 1, 1.0001, 5, 20, 30, 100,
]);

// Absolute error, relative above 1: f32 exp/log/tanh are a few ulp off.
const TOL = 2e-6;

function maxScaledErr(gpu: Float32Array, ref: (a: number) => number): { err: number; at: number } {
  let err = 0;
  let at = NaN;
  for (let i = 0; i < gpu.length; i++) {
    const r = ref(VALUES[i]);
    const e = Math.abs(gpu[i] - r) / Math.max(1, Math.abs(r));
    if (!(e <= err)) {
      err = Number.isNaN(e) ? Infinity : e;
      at = VALUES[i];
    }
  }
  return { err, at };
}

describe('activations', () => {
  for (const act of ACTIVATIONS) {
    it(`${act}: act and act' at extreme and boundary values`, async () => {
      const ctx = await getContext();
      const M = VALUES.length;
      const values = upload(ctx, VALUES);
      const one = upload(ctx, Float32Array.of(1));
      const ones = upload(ctx, new Float32Array(M).fill(1));
      const zero = upload(ctx, Float32Array.of(0));
      const pre = zeros(ctx, M);
      const out = zeros(ctx, M);
      const grad = zeros(ctx, M);
      run(ctx, [
        // pre = values * 1 + 0, out = act(pre)
        await matmul(ctx, { M, N: 1, K: 1, A: values, B: one, C: pre, epilogue: { kind: 'bias-act', bias: zero, act, activations: out } }),
        // grad = (1 * 1) * act'(values)
        await matmul(ctx, { M, N: 1, K: 1, A: ones, B: one, C: grad, epilogue: { kind: 'gate', preact: values, act } }),
      ]);
      // 0 + (-0) * 1 is +0, so only the sign of zero changes on the way in.
      expect(Array.from(await readF32(ctx, pre, M))).toEqual(Array.from(VALUES, (v) => v + 0));
      const a = maxScaledErr(await readF32(ctx, out, M), (v) => activate(act, v));
      expect(a.err, `act(${a.at})`).toBeLessThanOrEqual(TOL);
      const g = maxScaledErr(await readF32(ctx, grad, M), (v) => activateGrad(act, v));
      expect(g.err, `act'(${g.at})`).toBeLessThanOrEqual(TOL);
      free(ctx, [values, one, ones, zero, pre, out, grad]);
    });
  }
});
