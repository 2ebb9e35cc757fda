// The fused weight update (matmul_update.wgsl through every matmul variant)
// against its float64 reference: dW = delta^T input and db = delta^T 1 applied
// by SGD, momentum or Adam to W, b and Kolen-Pollack's tied B, over several steps with a new
// delta each step, on shapes inside and across the variants' tiles; and the
// same kernels stepping a parameter without a bias (a trained B).
import { afterAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/engine/device/gpu-context';
import { MATMUL_VARIANTS, type MatmulVariant, variantUnsupported } from '../../src/engine/kernels/matmul';
import { type OptimizerName, type OptimizerSettings } from '../../src/engine/kernels/optimizer';
import { canFusePairedUpdate, canFuseTwinStep, canFuseUpdates, productUpdate, weightGradientShape, weightUpdate } from '../../src/engine/kernels/weight-update';
import type { OptimizerState } from '../../src/engine/reference/optimizer';
import { productUpdateRef, weightUpdateRef } from '../../src/engine/reference/weight-update';
import { asF32, BASE_SETTINGS, packMoments, unpackMoments } from './optimizer-settings';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload } from '../gpu-harness';

afterAll(destroyContext);

interface Case {
  rows: number;
  nOut: number;
  nIn: number;
  variant: MatmulVariant;
  method: OptimizerName;
  tied: boolean;
  settings: Partial<OptimizerSettings>;
  /**
   * B's own step beside W's (matmul_update_twin.wgsl): its self coefficient and settings over W's;
   * with `product`, from alpha (left2^T right2)^T in the same dispatch (matmul_operands_paired.wgsl),
   * right2 being W's own input where `sharedRight` (weight mirror's X^T Y), and left2 plus
   * `addend` times a third operand where given (activation alignment's S + amp Y).
   */
  twin?: { self: number; settings: Partial<OptimizerSettings>; product?: { alpha: number; sharedRight: boolean; addend?: number } };
  steps: number;
}

const BASE: OptimizerSettings = BASE_SETTINGS;

// [rows (K), nOut (M), nIn (N)]: aligned for vec4/subgroup (M, N, K multiples of 4) but
// not of their tiles, and odd shapes for the any-shape kernels.
const ALIGNED = [
  [20, 12, 36],
  [128, 132, 68],
  [4, 260, 8],
] as const;
const ODD = [
  [5, 3, 17],
  [65, 257, 1],
  [1, 1, 1],
  [33, 130, 129],
  [7, 10, 257],
] as const;

const OPTIONS: Array<{ method: OptimizerName; tied: boolean; settings: Partial<OptimizerSettings> }> = [
  { method: 'sgd', tied: false, settings: {} },
  { method: 'momentum', tied: false, settings: { weightDecay: 0.1 } },
  { method: 'adam', tied: false, settings: { lr: 0.01, weightDecay: 0.05 } },
  { method: 'momentum', tied: true, settings: { decay: 0.5, noiseStd: 0.3 } },
  { method: 'sgd', tied: false, settings: { noiseStd: 0.2, schedule: { warmupSteps: 2, cosineSteps: 6 } } },
  { method: 'adam', tied: true, settings: { lr: 0.01, decay: 0.2, schedule: { warmupSteps: 0, cosineSteps: 4 } } },
];

const cases: Case[] = [];
let k = 0;
for (const variant of MATMUL_VARIANTS) {
  const shapes = variant === 'vec4' || variant === 'subgroup' ? ALIGNED : [...ALIGNED, ...ODD];
  for (const [rows, nOut, nIn] of shapes) {
    const o = OPTIONS[k++ % OPTIONS.length];
    cases.push({ rows, nOut, nIn, variant, ...o, steps: 3 });
  }
}

// B's own step beside W's: one case per variant, cycling the methods, B's decay
// term (coupled L2), its update noise and a schedule; W keeps momentum or Adam's
// coupled L2 so that both parameters move.
const TWIN_OPTIONS: Array<{ method: OptimizerName; settings: Partial<OptimizerSettings>; twin: NonNullable<Case['twin']> }> = [
  { method: 'momentum', settings: { weightDecay: 0.1 }, twin: { self: -0.8, settings: { lr: 0.3, weightDecay: 0.4, noiseStd: 0.2 } } },
  { method: 'adam', settings: { lr: 0.01 }, twin: { self: -1, settings: { lr: 0.02, weightDecay: 0.2 } } },
  { method: 'sgd', settings: { schedule: { warmupSteps: 1, cosineSteps: 5 } }, twin: { self: 0.5, settings: { weightDecay: 0, noiseStd: 0.5 } } },
];
const TWIN_SHAPES: Record<MatmulVariant, readonly [number, number, number]> = {
  scalar: [7, 10, 257],
  vec4: [20, 12, 36],
  subgroup: [128, 132, 68],
  tiled: [33, 130, 129],
  splitk: [5, 3, 17],
};
for (const [vi, variant] of MATMUL_VARIANTS.entries()) {
  const [rows, nOut, nIn] = TWIN_SHAPES[variant];
  cases.push({ rows, nOut, nIn, variant, tied: false, ...TWIN_OPTIONS[vi % TWIN_OPTIONS.length], steps: 3 });
}

// B's step from its own product, paired with W's in one dispatch: two cases per
// variant, one reading W's input as its right operand (wm, aa), one its own (ia).
const PAIRED_OPTIONS: Array<{ method: OptimizerName; settings: Partial<OptimizerSettings>; twin: NonNullable<Case['twin']> }> = [
  { method: 'momentum', settings: { weightDecay: 0.1 }, twin: { self: 0, settings: { lr: 0.3, weightDecay: 0.4, noiseStd: 0.2 }, product: { alpha: -0.7, sharedRight: true } } },
  { method: 'adam', settings: { lr: 0.01 }, twin: { self: 0, settings: { lr: 0.02, weightDecay: 0.2 }, product: { alpha: 1.3, sharedRight: false } } },
  { method: 'sgd', settings: { schedule: { warmupSteps: 1, cosineSteps: 5 } }, twin: { self: 0, settings: { weightDecay: 0 }, product: { alpha: 0.5, sharedRight: false } } },
  { method: 'sgd', settings: {}, twin: { self: 0, settings: { lr: 0.2, weightDecay: 0.1, noiseStd: 0.3 }, product: { alpha: -1, sharedRight: true } } },
  { method: 'momentum', settings: {}, twin: { self: 0, settings: { lr: 0.4, weightDecay: 0.05 }, product: { alpha: 0.8, sharedRight: true, addend: -1.7 } } },
];
const PAIRED_SHAPES: Record<MatmulVariant, ReadonlyArray<readonly [number, number, number]>> = {
  scalar: [[33, 130, 129], [5, 3, 17], [7, 10, 257]],
  vec4: [[128, 132, 68], [20, 12, 36], [4, 260, 8]],
  subgroup: [[20, 12, 36], [4, 260, 8], [128, 132, 68]],
  tiled: [[7, 10, 257], [128, 132, 68], [65, 257, 1]],
  splitk: [[65, 257, 1], [33, 130, 129], [5, 3, 17]],
};
// Each variant's third shape takes the addend option; the first two cycle through the others.
let pk = 0;
for (const variant of MATMUL_VARIANTS) {
  for (const [si, [rows, nOut, nIn]] of PAIRED_SHAPES[variant].entries()) {
    const option = si === 2 ? PAIRED_OPTIONS.length - 1 : pk++ % (PAIRED_OPTIONS.length - 1);
    cases.push({ rows, nOut, nIn, variant, tied: false, ...PAIRED_OPTIONS[option], steps: 3 });
  }
}

const TOL = 1e-5;
// Adam's bias correction: see optimizer.test.ts.
const TOL_ADAM = 1e-4;

interface State {
  W: Float32Array;
  mW: Float32Array;
  vW: Float32Array;
  T: Float32Array;
  mT: Float32Array;
  vT: Float32Array;
  b: Float32Array;
  mb: Float32Array;
  vb: Float32Array;
}

const SEED = 91;
const STREAM = 17;
const CLOCK = 1;

function initialState(c: Case, salt: number): State {
  const nW = c.nOut * c.nIn;
  return {
    W: seededArray(nW, salt + 1),
    mW: seededArray(nW, salt + 2, 0.1),
    vW: seededArray(nW, salt + 3, 0.1).map((x) => x * x),
    T: seededArray(nW, salt + 4),
    mT: seededArray(nW, salt + 8, 0.1),
    vT: seededArray(nW, salt + 9, 0.1).map((x) => x * x),
    b: seededArray(c.nOut, salt + 5),
    mb: seededArray(c.nOut, salt + 6, 0.1),
    vb: seededArray(c.nOut, salt + 7, 0.1).map((x) => x * x),
  };
}

// The paired product's operands: rows x nOut, and rows x nIn (W's input itself where shared).
const pairedLeft = (c: Case) => seededArray(c.rows * c.nOut, 7000 + c.rows + c.nIn);
const pairedAddend = (c: Case) => seededArray(c.rows * c.nOut, 7500 + c.rows + c.nOut);
const pairedRight = (c: Case, input: Float32Array<ArrayBuffer>) => (c.twin?.product?.sharedRight ? input : seededArray(c.rows * c.nIn, 8000 + c.nOut));

async function gpuSteps(ctx: GpuContext, c: Case, init: State, deltas: Float32Array<ArrayBuffer>[], input: Float32Array<ArrayBuffer>, weights: OptimizerSettings, bias: OptimizerSettings, twin?: OptimizerSettings): Promise<State> {
  // W's and b's moments in one buffer, as a layer keeps them; the twin's in another.
  const moments = packMoments([[init.mW, init.vW], [init.mb, init.vb]]);
  const twinMoments = packMoments([[init.mT, init.vT]], 5);
  const bufs = {
    W: upload(ctx, init.W), T: upload(ctx, init.T), b: upload(ctx, init.b),
    moments: upload(ctx, moments.data), twinMoments: upload(ctx, twinMoments.data),
    delta: upload(ctx, deltas[0]), input: upload(ctx, input), clock: upload(ctx, Uint32Array.of(CLOCK)),
    left2: upload(ctx, pairedLeft(c)), right2: upload(ctx, pairedRight(c, input)), addend: upload(ctx, pairedAddend(c)),
  };
  const p = c.twin?.product;
  const addend = p?.addend !== undefined ? { addend: { buffer: bufs.addend, beta: p.addend } } : {};
  const product = p ? { left: bufs.left2, right: p.sharedRight ? bufs.input : bufs.right2, alpha: p.alpha, ...addend } : undefined;
  const twinStep = c.twin && twin ? { B: bufs.T, moments: { buffer: bufs.twinMoments, ...twinMoments.slots[0] }, settings: twin, self: c.twin.self, product } : undefined;
  const step = await weightUpdate(ctx, {
    delta: bufs.delta, input: bufs.input, rows: c.rows, nOut: c.nOut, nIn: c.nIn,
    W: bufs.W, b: bufs.b, momentsW: { buffer: bufs.moments, ...moments.slots[0] }, momentsb: { buffer: bufs.moments, ...moments.slots[1] }, tied: c.tied ? bufs.T : undefined, twinStep, clock: bufs.clock,
    weights, bias, seed: SEED, stream: STREAM, variant: c.variant,
  });
  // A shared right operand binds no B2, and only an addend binds A3: within 10 storage buffers.
  if (p) expect(step.dispatch.kernel.key).toMatch(new RegExp(`_update_paired${p.sharedRight ? '_shared_b' : ''}${p.addend !== undefined ? '_addend' : ''}\\(`));
  for (const [s, d] of deltas.entries()) {
    ctx.device.queue.writeBuffer(bufs.delta, 0, d);
    ctx.device.queue.writeBuffer(bufs.clock, 0, Uint32Array.of(CLOCK + s));
    run(ctx, [step.dispatch]);
  }
  const nW = c.nOut * c.nIn;
  const m = await readF32(ctx, bufs.moments, moments.data.length);
  const mt = await readF32(ctx, bufs.twinMoments, twinMoments.data.length);
  const W = unpackMoments(m, moments.slots[0], nW);
  const b = unpackMoments(m, moments.slots[1], c.nOut);
  const T = unpackMoments(mt, twinMoments.slots[0], nW);
  // The filler before the moments is never written.
  expect(Array.from(m.subarray(0, 3))).toEqual([-7, -7, -7]);
  expect(Array.from(mt.subarray(0, 5))).toEqual([-7, -7, -7, -7, -7]);
  const out: State = {
    W: await readF32(ctx, bufs.W, nW), mW: W.m, vW: W.v,
    T: await readF32(ctx, bufs.T, nW), mT: T.m, vT: T.v,
    b: await readF32(ctx, bufs.b, c.nOut), mb: b.m, vb: b.v,
  };
  free(ctx, Object.values(bufs));
  return out;
}

function refSteps(c: Case, init: State, deltas: Float32Array[], input: Float32Array<ArrayBuffer>, weights: OptimizerSettings, bias: OptimizerSettings, twin?: OptimizerSettings) {
  const f64 = (x: Float32Array) => Float64Array.from(x);
  const W: OptimizerState = { P: f64(init.W), M: f64(init.mW), V: f64(init.vW), T: f64(init.T) };
  const B: OptimizerState = { P: f64(init.T), M: f64(init.mT), V: f64(init.vT) };
  const b: OptimizerState = { P: f64(init.b), M: f64(init.mb), V: f64(init.vb) };
  const p = c.twin?.product;
  // The kernel adds the addend in f32 as it loads left2.
  const left = p?.addend !== undefined ? Float32Array.from(pairedLeft(c), (x, i) => x + Math.fround(p.addend!) * pairedAddend(c)[i]) : pairedLeft(c);
  const product = p ? { left, right: pairedRight(c, input), alpha: Math.fround(p.alpha) } : undefined;
  const twinStep = c.twin && twin ? { B, settings: asF32(twin), self: Math.fround(c.twin.self), product } : undefined;
  for (const [s, delta] of deltas.entries()) {
    weightUpdateRef(W, b, {
      delta, input, rows: c.rows, nOut: c.nOut, nIn: c.nIn, weights: asF32(weights), bias: asF32(bias),
      tied: c.tied, twinStep, clock: CLOCK + s, seed: SEED, stream: STREAM,
    });
  }
  return { W, B, b };
}

const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (x, i) => x - b[i]);
const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * gpu - init within tol of ref - init (max-norm), give or take the f32 rounding
 * of the parameter itself at each step: a step that nearly cancels its own decay
 * on a single element is smaller than W's last bit can show.
 */
function expectChange(gpu: ArrayLike<number>, ref: ArrayLike<number>, init: ArrayLike<number>, tol: number, steps: number, what: string): void {
  const err = maxAbs(diff(gpu, ref));
  const bound = tol * maxAbs(diff(ref, init)) + steps * 2 ** -23 * maxAbs(ref);
  expect(err, `${what}: error ${err} against the change ${maxAbs(diff(ref, init))}`).toBeLessThanOrEqual(bound);
  expect(maxAbs(diff(gpu, init)), `${what}: no step taken`).toBeGreaterThan(0);
}

describe('fused weight update', () => {
  it('fits this device (lavapipe allows the 7 storage bindings it needs)', async () => {
    expect(canFuseUpdates(await getContext())).toBe(true);
  });

  it('fits the twin step on this device (lavapipe allows its 8 storage bindings)', async () => {
    expect(canFuseTwinStep(await getContext())).toBe(true);
  });

  it('fits the paired update on this device (lavapipe allows its 10 storage bindings)', async () => {
    expect(canFusePairedUpdate(await getContext())).toBe(true);
  });

  it('covers every variant with and without a twin step, and with a paired product', () => {
    for (const variant of MATMUL_VARIANTS) {
      expect(cases.some((c) => c.variant === variant && c.twin && !c.twin.product)).toBe(true);
      expect(cases.some((c) => c.variant === variant && c.twin?.product && c.twin.product.addend === undefined)).toBe(true);
      expect(cases.some((c) => c.variant === variant && c.twin?.product?.addend !== undefined)).toBe(true);
      expect(cases.some((c) => c.variant === variant && !c.twin)).toBe(true);
    }
  });

  for (const [ci, c] of cases.entries()) {
    const extras = Object.keys(c.settings).join(', ') || 'plain';
    const p = c.twin?.product;
    const from = p ? `product ${p.alpha}${p.sharedRight ? ', shared input' : ''}${p.addend !== undefined ? `, addend ${p.addend}` : ''}` : `self ${c.twin?.self}`;
    const twinName = c.twin ? ` + B step (${from}; ${Object.keys(c.twin.settings).join(', ')})` : '';
    it(`${c.variant} ${c.rows}x${c.nOut}x${c.nIn} ${c.method}${c.tied ? ' tied' : ''} (${extras})${twinName}`, async () => {
      const ctx = await getContext();
      const why = variantUnsupported(ctx, weightGradientShape(c), c.variant);
      expect(why, `${c.variant} should take this shape here`).toBeNull();
      const weights: OptimizerSettings = { ...BASE, method: c.method, ...c.settings };
      const bias: OptimizerSettings = { ...weights, decay: 0, noiseStd: 0 };
      const twin: OptimizerSettings | undefined = c.twin ? { ...weights, ...c.twin.settings } : undefined;
      const init = initialState(c, 100 * ci);
      const deltas = Array.from({ length: c.steps }, (_, s) => seededArray(c.rows * c.nOut, 1000 * (s + 1) + ci));
      const input = seededArray(c.rows * c.nIn, 5000 + ci);
      const gpu = await gpuSteps(ctx, c, init, deltas, input, weights, bias, twin);
      const ref = refSteps(c, init, deltas, input, weights, bias, twin);

      const tol = c.method === 'adam' ? TOL_ADAM : TOL;
      // The change, not just the value: a missing step would hide under W's size.
      expectChange(gpu.W, ref.W.P, init.W, tol, c.steps, 'dW');
      expectChange(gpu.b, ref.b.P, init.b, tol, c.steps, 'db');
      if (c.method !== 'sgd') {
        expect(relErr(gpu.mW, ref.W.M), 'W moment').toBeLessThanOrEqual(TOL);
        expect(relErr(gpu.mb, ref.b.M), 'b moment').toBeLessThanOrEqual(TOL);
      } else {
        expect(Array.from(gpu.mW)).toEqual(Array.from(init.mW));
      }
      if (c.method === 'adam') {
        expect(relErr(gpu.vW, ref.W.V), 'W second moment').toBeLessThanOrEqual(TOL);
        expect(relErr(gpu.vb, ref.b.V), 'b second moment').toBeLessThanOrEqual(TOL);
      }
      if (c.tied) expectChange(gpu.T, ref.W.T!, init.T, tol, c.steps, 'tied B');
      else if (c.twin) {
        expectChange(gpu.T, ref.B.P, init.T, tol, c.steps, "B's own step");
        if (c.method !== 'sgd') expect(relErr(gpu.mT, ref.B.M), 'B moment').toBeLessThanOrEqual(TOL);
        if (c.method === 'adam') expect(relErr(gpu.vT, ref.B.V), 'B second moment').toBeLessThanOrEqual(TOL);
      } else expect(Array.from(gpu.T)).toEqual(Array.from(init.T));
      if (!c.twin) expect(Array.from(gpu.mT)).toEqual(Array.from(init.mT));
    });
  }
});

// The same kernels as a trained B's step (productUpdate without a bias):
// alpha * left^T right with the decay term as coupled L2, and update noise.
describe('fused product update without a bias', () => {
  const PRODUCT_OPTIONS: Array<{ method: OptimizerName; alpha: number; settings: Partial<OptimizerSettings> }> = [
    { method: 'sgd', alpha: -0.37, settings: { weightDecay: 0.2 } },
    { method: 'momentum', alpha: 1, settings: { weightDecay: 0.1, noiseStd: 0.3 } },
    { method: 'adam', alpha: -2.5, settings: { lr: 0.01, weightDecay: 0.05, schedule: { warmupSteps: 1, cosineSteps: 5 } } },
  ];
  const productCases = MATMUL_VARIANTS.flatMap((variant, vi) => {
    // [rows (K), M, N]: the layer's N x nIn and N x nOut operands of B's activity term.
    const shapes = variant === 'vec4' || variant === 'subgroup' ? [[20, 36, 12], [128, 68, 132]] : [[5, 17, 3], [33, 129, 130], [7, 257, 10]];
    return shapes.map(([rows, M, N], si) => ({ variant, rows, M, N, ...PRODUCT_OPTIONS[(vi + si) % PRODUCT_OPTIONS.length] }));
  });

  for (const [ci, c] of productCases.entries()) {
    it(`${c.variant} ${c.rows}x${c.M}x${c.N} ${c.method} alpha ${c.alpha} (${Object.keys(c.settings).join(', ')})`, async () => {
      const ctx = await getContext();
      const settings: OptimizerSettings = { ...BASE, method: c.method, ...c.settings };
      const n = c.M * c.N;
      const init = { P: seededArray(n, 300 + ci), m: seededArray(n, 301 + ci, 0.1), v: seededArray(n, 302 + ci, 0.1).map((x) => x * x) };
      const lefts = Array.from({ length: 3 }, (_, s) => seededArray(c.rows * c.M, 2000 + 10 * ci + s));
      const right = seededArray(c.rows * c.N, 3000 + ci);
      const packed = packMoments([[init.m, init.v]]);
      const bufs = { P: upload(ctx, init.P), moments: upload(ctx, packed.data), left: upload(ctx, lefts[0]), right: upload(ctx, right), clock: upload(ctx, Uint32Array.of(CLOCK)) };
      const step = await productUpdate(ctx, {
        left: bufs.left, right: bufs.right, rows: c.rows, M: c.M, N: c.N, alpha: c.alpha, param: bufs.P, moments: { buffer: bufs.moments, ...packed.slots[0] },
        clock: bufs.clock, settings, seed: SEED, stream: STREAM, variant: c.variant, label: 'test.product_update',
      });
      const ref: OptimizerState = { P: Float64Array.from(init.P), M: Float64Array.from(init.m), V: Float64Array.from(init.v) };
      for (const [s, left] of lefts.entries()) {
        ctx.device.queue.writeBuffer(bufs.left, 0, left);
        ctx.device.queue.writeBuffer(bufs.clock, 0, Uint32Array.of(CLOCK + s));
        run(ctx, [step.dispatch]);
        productUpdateRef(ref, { left, right, rows: c.rows, M: c.M, N: c.N, alpha: c.alpha, settings: asF32(settings), clock: CLOCK + s, seed: SEED, stream: STREAM });
      }
      const P = await readF32(ctx, bufs.P, n);
      const tol = c.method === 'adam' ? TOL_ADAM : TOL;
      expectChange(P, ref.P, init.P, tol, lefts.length, 'dP');
      const moments = unpackMoments(await readF32(ctx, bufs.moments, packed.data.length), packed.slots[0], n);
      if (c.method !== 'sgd') expect(relErr(moments.m, ref.M), 'first moment').toBeLessThanOrEqual(TOL);
      if (c.method === 'adam') expect(relErr(moments.v, ref.V), 'second moment').toBeLessThanOrEqual(TOL);
      free(ctx, Object.values(bufs));
    });
  }
});
