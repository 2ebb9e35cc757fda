// matmul against the float64 reference: every kernel variant (forced, so the
// software adapter runs the hardware kernels too), every transpose combination,
// epilogue and activation, at shapes that are not multiples of any variant's
// blocks, tiles or workgroups, and at shapes that fit them (the check-free paths).
import { afterAll, describe, expect, it } from 'vitest';
import { GpuContext, type GpuEntry } from '../../src/engine/device/gpu-context';
import { nodeGpu } from '../../src/engine/device/node-gpu';
import { ConfigError } from '../../src/engine/errors';
import { ACTIVATIONS, type Activation } from '../../src/engine/kernels/activation';
import { chooseMatmulVariant, type Epilogue, isSoftwareAdapter, matmul, type MatmulVariant, variantUnsupported } from '../../src/engine/kernels/matmul';
import { vec4Aligned, VARIANT_KERNELS } from '../../src/engine/kernels/matmul-variants';
import { activate } from '../../src/engine/reference/activation';
import { type EpilogueRef, matmulRef } from '../../src/engine/reference/matmul';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

type EpilogueCase =
  | { kind: 'none' }
  | { kind: 'axpby'; beta: number }
  /** product: also store the product before its bias (the PRODUCT output). */
  | { kind: 'bias-act'; act: Activation; product?: boolean }
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
  /** Forced kernel; absent: the adapter's choice. */
  variant?: MatmulVariant;
  /** Read op(B) through sign() (sign symmetry's backward product). */
  signB?: boolean;
}

// f32 accumulation with fma against float64: the measured error is ~1e-6 even
// at K = 785, so one bound serves every shape and summation order here.
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

// The five epilogue kinds, with activations that exercise both branches of the
// gate and the bias-act store (relu's kink, tanh's curve).
const EPILOGUE_KINDS: EpilogueCase[] = [
  { kind: 'none' },
  { kind: 'axpby', beta: -0.5 },
  { kind: 'accumulate', beta: 0.9 },
  { kind: 'bias-act', act: 'tanh', product: true },
  { kind: 'gate', act: 'relu' },
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

// Sizes that are not multiples of any block (4 x 4, 8 x 8, 16 x 4), tile (32, 64,
// 128) or workgroup; ODD4 are their multiple-of-4 neighbours for the dimensions
// the vec4 kernels read as vec4 (still no multiple of 8).
const ODD = [1, 3, 17, 65, 257, 785];
const ODD4 = [4, 12, 20, 68, 260, 788];

/** Shapes (M, N, K) for a variant: odd, but aligned where the variant needs vec4 reads. */
const VARIANT_SHAPES = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 3],
  [3, 4, 1],
  [4, 3, 2],
  [2, 5, 1],
  [5, 1, 2],
  [1, 1, 5],
  [3, 3, 3],
] as const;

function describeEpilogue(e: EpilogueCase): string {
  if (e.kind === 'bias-act' && e.product) return `${e.kind}(${e.act}) + product`;
  return 'act' in e ? `${e.kind}(${e.act})` : e.kind;
}

function tname(transA: boolean, transB: boolean): string {
  return `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
}

/** Picks each dimension from ODD, or ODD4 where the vec4 kernels need a multiple of 4. */
function shapeFor(variant: MatmulVariant, transA: boolean, transB: boolean, [i, j, l]: readonly [number, number, number]) {
  const aligned = variant === 'vec4' || variant === 'subgroup';
  return {
    M: (aligned && transA ? ODD4 : ODD)[i],
    N: (aligned && !transB ? ODD4 : ODD)[j],
    K: (aligned ? ODD4 : ODD)[l],
  };
}

/** Multiples of the variant's workgroup tile in M and N (and of 8 in K): its bounds-check-free path. */
const FITTING: Record<MatmulVariant, readonly [number, number, number]> = {
  scalar: [64, 96, 36],
  vec4: [128, 64, 68],
  subgroup: [128, 96, 36],
  tiled: [256, 128, 40],
  splitk: [64, 96, 132],
};

const VARIANTS: MatmulVariant[] = ['scalar', 'vec4', 'subgroup', 'tiled', 'splitk'];

const cases: MatmulCase[] = [];

// 1. The adapter's choice: every transpose combination x every epilogue x every activation.
let g = 0;
for (const [transA, transB] of TRANSPOSES) {
  for (const epilogue of EPILOGUES) {
    const [M, N, K] = GRID_SHAPES[g % GRID_SHAPES.length];
    const alpha = g % 3 === 0 ? 1 : g % 3 === 1 ? -0.75 : 1.5;
    g++;
    cases.push({ name: `${M}x${N}x${K} ${tname(transA, transB)} ${describeEpilogue(epilogue)} alpha=${alpha}`, M, N, K, transA, transB, alpha, epilogue });
  }
}

// 2. The adapter's choice: every (M, N, K) from the odd sizes, cycling the transposes and plain/axpby.
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

// 3. The products of a 784-256-10 network trained on batches of 128, chosen and forced.
const TRAINING = [
  { name: 'forward 128x256x784 NT bias-act(relu)', M: 128, N: 256, K: 784, transA: false, transB: true, alpha: 1, epilogue: { kind: 'bias-act', act: 'relu' } },
  { name: 'forward 128x256x784 NT bias-act(relu) + product', M: 128, N: 256, K: 784, transA: false, transB: true, alpha: 1, epilogue: { kind: 'bias-act', act: 'relu', product: true } },
  { name: 'weight grad 784x256x128 TN accumulate', M: 784, N: 256, K: 128, transA: true, transB: false, alpha: 1 / 128, epilogue: { kind: 'accumulate', beta: 0.5 } },
  { name: 'backward delta 128x784x256 NT gate(tanh)', M: 128, N: 784, K: 256, transA: false, transB: true, alpha: 1, epilogue: { kind: 'gate', act: 'tanh' } },
  { name: 'output 128x10x256 NT bias-act(identity)', M: 128, N: 10, K: 256, transA: false, transB: true, alpha: 1, epilogue: { kind: 'bias-act', act: 'identity' } },
] as const satisfies readonly Omit<MatmulCase, 'variant'>[];
for (const c of TRAINING) {
  cases.push({ ...c });
  for (const variant of VARIANTS) {
    if ((variant === 'vec4' || variant === 'subgroup') && !vec4Aligned(c)) continue;
    cases.push({ ...c, name: `${variant}: ${c.name}`, variant });
  }
}

// 4. Every variant, forced: every transpose x every epilogue kind on odd shapes,
// odd shapes x transposes on plain/axpby, and the fitting (check-free) path
// with every transpose.
let f = 0;
for (const variant of VARIANTS) {
  let v = 0;
  for (const [transA, transB] of TRANSPOSES) {
    for (const epilogue of EPILOGUE_KINDS) {
      const { M, N, K } = shapeFor(variant, transA, transB, VARIANT_SHAPES[v % VARIANT_SHAPES.length]);
      const alpha = v % 2 === 0 ? 1 : -0.75;
      v++;
      cases.push({ name: `${variant}: ${M}x${N}x${K} ${tname(transA, transB)} ${describeEpilogue(epilogue)}`, M, N, K, transA, transB, alpha, epilogue, variant });
    }
    for (const idx of VARIANT_SHAPES) {
      const { M, N, K } = shapeFor(variant, transA, transB, idx);
      const epilogue: EpilogueCase = v++ % 2 === 0 ? { kind: 'none' } : { kind: 'axpby', beta: 2 };
      cases.push({ name: `${variant}: ${M}x${N}x${K} ${tname(transA, transB)} ${epilogue.kind}`, M, N, K, transA, transB, alpha: 1, epilogue, variant });
    }
    // One epilogue per transpose here (cycling): each specialisation is a compile of a
    // large kernel on the software adapter, and the epilogue code does not depend on FIT.
    const [M, N, K] = FITTING[variant];
    const epilogue = EPILOGUE_KINDS[(f++ + 2) % EPILOGUE_KINDS.length];
    cases.push({ name: `${variant}: fitting ${M}x${N}x${K} ${tname(transA, transB)} ${describeEpilogue(epilogue)}`, M, N, K, transA, transB, alpha: 1.5, epilogue, variant });
  }
}

// 5. sign(op(B)), as sign symmetry's delta product uses it (kappa as alpha, the gate
// epilogue): every variant, both B layouts, odd and fitting shapes.
for (const variant of VARIANTS) {
  for (const transB of [false, true]) {
    const odd = shapeFor(variant, false, transB, VARIANT_SHAPES[(transB ? 4 : 0) + 1]);
    const [M, N, K] = FITTING[variant];
    for (const shape of [odd, { M, N, K }]) {
      const epilogue: EpilogueCase = { kind: 'gate', act: 'relu' };
      cases.push({ name: `${variant}: sign(B) ${shape.M}x${shape.N}x${shape.K} ${tname(false, transB)} gate(relu)`, ...shape, transA: false, transB, alpha: 0.3, epilogue, variant, signB: true });
    }
  }
}

/** The adapter's WebGPU entry with the 'subgroups' feature withheld (GpuContext.create asks for it where the adapter has it). */
function withoutSubgroups(gpu: GpuEntry): GpuEntry {
  return {
    async requestAdapter(options) {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) return adapter;
      return new Proxy(adapter, {
        get(target, prop) {
          if (prop === 'requestDevice') {
            return (desc?: GPUDeviceDescriptor) =>
              target.requestDevice({ ...desc, requiredFeatures: [...(desc?.requiredFeatures ?? [])].filter((f) => f !== 'subgroups') });
          }
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}

// The engine's own device has 'subgroups' where the adapter does; a second device
// without them shows the choice on adapters that lack them (SwiftShader in Chromium).
let plainCtx: Promise<GpuContext> | null = null;
function getPlainContext(): Promise<GpuContext> {
  plainCtx ??= GpuContext.create(withoutSubgroups(nodeGpu()));
  return plainCtx;
}

afterAll(async () => {
  if (plainCtx) (await plainCtx).destroy();
  await destroyContext();
});

async function runCase(ci: number, c: MatmulCase): Promise<void> {
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
  const bufF = zeros(ctx, M * N);

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
      epilogue = { kind: 'bias-act', bias: bufD, act: e.act, activations: bufE, ...(e.product ? { product: bufF } : {}) };
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

  const d = await matmul(ctx, { M, N, K, A: bufA, B: bufB, C: bufC, transA: c.transA, transB: c.transB, alpha: c.alpha, epilogue, signB: c.signB, ...(c.variant ? { variant: c.variant } : {}) });
  // The pipeline is the forced kernel's (its label is the cache key).
  if (c.variant) expect(d.kernel.key.startsWith(`${VARIANT_KERNELS[c.variant].name}(`)).toBe(true);
  run(ctx, [d]);
  const C = await readF32(ctx, bufC, M * N);
  const expected = matmulRef({ M, N, K, A, B, transA: c.transA, transB: c.transB, signB: c.signB, alpha: c.alpha, epilogue: ref });
  expect(relErr(C, expected.C)).toBeLessThanOrEqual(TOL);

  if (e.kind === 'bias-act') {
    const E = await readF32(ctx, bufE, M * N);
    // The epilogue applies act to exactly the C it stored...
    const fromGpuPre = Float64Array.from(C, (a) => activate(e.act, a));
    expect(relErr(E, fromGpuPre)).toBeLessThanOrEqual(TOL);
    // ...and for continuous activations that also matches act(reference pre).
    // (sign/step may flip where the f32 and f64 sums straddle 0.)
    if (e.act !== 'sign' && e.act !== 'step') expect(relErr(E, expected.E!)).toBeLessThanOrEqual(TOL);
    // The product before its bias, where asked for; untouched otherwise.
    const F = await readF32(ctx, bufF, M * N);
    if (e.product) expect(relErr(F, expected.F!)).toBeLessThanOrEqual(TOL);
    else expect(F.every((x) => x === 0)).toBe(true);
  }
  free(ctx, [bufA, bufB, bufD, bufC, bufE, bufF]);
}

// Whether this adapter can run the subgroup kernel at all (lavapipe: yes).
const subgroupsHere = await (async () => {
  const ctx = await getContext();
  return !variantUnsupported(ctx, { M: 4, N: 4, K: 4 }, 'subgroup');
})();

describe('matmul', () => {
  it('covers every transpose x epilogue x activation', () => {
    const kind = (e: EpilogueCase) => ('act' in e ? `${e.kind}(${e.act})` : e.kind);
    const seen = new Set(cases.filter((c) => !c.variant).map((c) => `${tname(c.transA, c.transB)} ${kind(c.epilogue)}`));
    expect(seen.size).toBe(4 * (3 + 2 * ACTIVATIONS.length));
  });

  it('covers every variant x transpose x epilogue kind on odd shapes, and every transpose on fitting ones', () => {
    for (const variant of VARIANTS) {
      const mine = cases.filter((c) => c.variant === variant && !c.signB);
      const combos = new Set(mine.map((c) => `${tname(c.transA, c.transB)} ${c.epilogue.kind}`));
      expect(combos.size).toBe(4 * 5);
      const [fm, fn] = FITTING[variant];
      const fitting = mine.filter((c) => c.M === fm && c.N === fn);
      expect(new Set(fitting.map((c) => tname(c.transA, c.transB))).size).toBe(4);
      expect(new Set(fitting.map((c) => c.epilogue.kind)).size).toBe(4);
      // Odd: some shape is a multiple of neither 4 nor 8 in M or N.
      expect(mine.some((c) => c.M % 4 !== 0 || c.N % 4 !== 0)).toBe(true);
    }
  });

  for (const [ci, c] of cases.entries()) {
    it.skipIf(c.variant === 'subgroup' && !subgroupsHere)(c.name, () => runCase(ci, c));
  }
});

describe('matmul variant choice', () => {
  const summary = (over: Partial<GpuContext['adapter']>) => ({ vendor: '', architecture: '', device: '', description: '', ...over });

  it('tells software adapters from hardware ones', () => {
    expect(isSoftwareAdapter(summary({ vendor: 'mesa', architecture: 'software', description: 'llvmpipe: Mesa 25.0.7' }))).toBe(true);
    expect(isSoftwareAdapter(summary({ vendor: 'google', architecture: 'swiftshader', device: 'swiftshader device' }))).toBe(true);
    expect(isSoftwareAdapter(summary({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' }))).toBe(false);
    expect(isSoftwareAdapter(summary({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
  });

  it('gives this software adapter the register-blocked kernels', async () => {
    const ctx = await getPlainContext();
    expect(isSoftwareAdapter(ctx.adapter)).toBe(true);
    // Without 'subgroups': vec4 where the operands align, else scalar.
    expect(chooseMatmulVariant(ctx, { M: 128, N: 256, K: 784, transB: true })).toBe('vec4');
    expect(chooseMatmulVariant(ctx, { M: 256, N: 784, K: 128, transA: true })).toBe('vec4');
    expect(chooseMatmulVariant(ctx, { M: 10, N: 256, K: 128, transA: true })).toBe('scalar');
    expect(chooseMatmulVariant(ctx, { M: 17, N: 65, K: 3 })).toBe('scalar');
    // Too narrow for 64-column tiles: the 32-column scalar kernel wastes less.
    expect(chooseMatmulVariant(ctx, { M: 128, N: 10, K: 256, transB: true })).toBe('scalar');
  });

  it.skipIf(!subgroupsHere)('gives a device with 8-wide subgroups the subgroup kernel', async () => {
    const ctx = await getContext();
    expect(ctx.device.features.has('subgroups')).toBe(true);
    expect(chooseMatmulVariant(ctx, { M: 128, N: 256, K: 784, transB: true })).toBe('subgroup');
    expect(chooseMatmulVariant(ctx, { M: 17, N: 65, K: 3 })).toBe('scalar');
  });

  it('refuses a forced variant that cannot compute the product, naming what it needs', async () => {
    const ctx = await getPlainContext();
    const buf = zeros(ctx, 64);
    const args = { M: 3, N: 5, K: 7, A: buf, B: buf, C: zeros(ctx, 64) };
    await expect(matmul(ctx, { ...args, variant: 'vec4' })).rejects.toThrow(ConfigError);
    await expect(matmul(ctx, { ...args, variant: 'vec4' })).rejects.toThrow(/K % 4 == 0/);
    // This device has no 'subgroups'.
    await expect(matmul(ctx, { ...args, M: 4, N: 4, K: 4, variant: 'subgroup' })).rejects.toThrow(/subgroups/);
    // The any-shape kernels take it.
    for (const variant of ['scalar', 'tiled', 'splitk'] as const) await expect(matmul(ctx, { ...args, variant })).resolves.toBeDefined();
  });

  it('keys pipelines by kernel and specialisation', async () => {
    const ctx = await getContext();
    const buf = zeros(ctx, 128 * 128);
    const key = async (M: number, N: number, K: number, variant: MatmulVariant) =>
      (await matmul(ctx, { M, N, K, A: buf, B: buf, C: zeros(ctx, M * N), transB: true, variant })).kernel.key;
    expect(await key(128, 128, 64, 'vec4')).toBe('matmul_vec4(ACT=0,EPILOGUE=0,FIT_M=1,FIT_N=1,TRANS_A=0,TRANS_B=1)');
    expect(await key(100, 128, 64, 'vec4')).toBe('matmul_vec4(ACT=0,EPILOGUE=0,FIT_M=0,FIT_N=1,TRANS_A=0,TRANS_B=1)');
    expect(await key(128, 128, 60, 'tiled')).toBe('matmul_tiled(ACT=0,EPILOGUE=0,FIT_K=0,FIT_M=1,FIT_N=1,TRANS_A=0,TRANS_B=1)');
    expect(await key(96, 64, 60, 'splitk')).toBe('matmul_splitk(ACT=0,EPILOGUE=0,FIT_M=1,FIT_N=1,TRANS_A=0,TRANS_B=1)');
    expect(await key(6, 8, 60, 'scalar')).toBe('matmul(ACT=0,EPILOGUE=0,FIT_M=0,FIT_N=1,TRANS_A=0,TRANS_B=1)');
  });
});

// Two products of one shape in one dispatch (MatmulArgs.second): each half's
// output against its own float64 reference, on every variant and transpose,
// with the two halves' epilogues differing (the backward delta's gate beside
// a trained B's axpby, layers/feedback-update.ts), and with their B operands
// transposed differently (the forward X W^T beside X B), on odd and fitting shapes.
describe('paired matmul', () => {
  type Pair = [EpilogueCase & { kind: 'none' | 'axpby' | 'gate' | 'accumulate' }, EpilogueCase & { kind: 'none' | 'axpby' | 'gate' | 'accumulate' }];
  const PAIRS: Pair[] = [
    [{ kind: 'gate', act: 'relu' }, { kind: 'axpby', beta: 0.7 }],
    [{ kind: 'none' }, { kind: 'gate', act: 'relu' }],
    [{ kind: 'axpby', beta: -0.5 }, { kind: 'accumulate', beta: 0.9 }],
    [{ kind: 'gate', act: 'tanh' }, { kind: 'none' }],
  ];
  /** share: the second product reads the first's A or B buffer itself (SHARED_A; a shared B binds no B2: matmul_operand_b2_shared.wgsl). */
  const paired: Array<MatmulCase & { second: Pair[1]; alpha2: number; transB2?: boolean; share?: 'A' | 'B' }> = [];
  for (const [vi, variant] of VARIANTS.entries()) {
    for (const [ti, [transA, transB]] of TRANSPOSES.entries()) {
      const [epilogue, second] = PAIRS[(vi + ti) % PAIRS.length];
      const fit = ti % 2 === 1;
      const { M, N, K } = fit ? { M: FITTING[variant][0], N: FITTING[variant][1], K: FITTING[variant][2] } : shapeFor(variant, transA, transB, VARIANT_SHAPES[(vi + ti) % VARIANT_SHAPES.length]);
      // The backward delta beside Y B^T reads one B.
      const share = transB && !transA ? ('B' as const) : undefined;
      const name = `${variant}: ${M}x${N}x${K} ${tname(transA, transB)} ${describeEpilogue(epilogue)} | ${describeEpilogue(second)}${share ? ', one B' : ''}`;
      paired.push({ name, M, N, K, transA, transB, alpha: 1.25, epilogue, variant, second, alpha2: -0.6, share });
    }
  }

  // The forward product X W^T beside a trained B's X B: the halves differ in transB.
  for (const [vi, variant] of VARIANTS.entries()) {
    for (const [fi, transB] of [true, false].entries()) {
      const aligned = variant === 'vec4' || variant === 'subgroup';
      const [M, N, K] = fi === 0 ? (aligned ? [17, 20, 12] : [17, 10, 33]) : FITTING[variant];
      const [epilogue, second] = PAIRS[(vi + fi) % PAIRS.length];
      // The forward X W^T beside X B reads one X.
      const share = fi === 0 ? ('A' as const) : undefined;
      const name = `${variant}: ${M}x${N}x${K} N${transB ? 'T' : 'N'} | N${transB ? 'N' : 'T'} ${describeEpilogue(epilogue)} | ${describeEpilogue(second)}${share ? ', one A' : ''}`;
      paired.push({ name, M, N, K, transA: false, transB, transB2: !transB, alpha: 0.75, epilogue, variant, second, alpha2: 1.1, share });
    }
  }

  const epilogueOf = (e: Pair[number], D: GPUBuffer): Exclude<Epilogue, { kind: 'bias-act' }> =>
    e.kind === 'axpby' ? { kind: 'axpby', beta: e.beta, addend: D } : e.kind === 'gate' ? { kind: 'gate', preact: D, act: e.act } : e;
  const refOf = (e: Pair[number], D: Float32Array, C0: Float32Array): EpilogueRef =>
    e.kind === 'axpby' ? { kind: 'axpby', beta: e.beta, addend: D } : e.kind === 'gate' ? { kind: 'gate', preact: D, act: e.act } : e.kind === 'accumulate' ? { kind: 'accumulate', beta: e.beta, C: C0 } : e;

  for (const [ci, c] of paired.entries()) {
    it.skipIf(c.variant === 'subgroup' && !subgroupsHere)(c.name, async () => {
      const ctx = await getContext();
      const { M, N, K } = c;
      const halves = [0, 1].map((h) => ({
        A: seededArray(M * K, 21 + ci + 50 * h),
        B: seededArray(K * N, 2000 + ci + 50 * h),
        D: seededArray(M * N, 6000 + ci + 50 * h, 2),
        C0: seededArray(M * N, 9500 + ci + 50 * h),
      }));
      if (c.share) halves[1][c.share] = halves[0][c.share];
      const first = { A: upload(ctx, halves[0].A), B: upload(ctx, halves[0].B), D: upload(ctx, halves[0].D), C: upload(ctx, halves[0].C0) };
      const second = {
        A: c.share === 'A' ? first.A : upload(ctx, halves[1].A),
        B: c.share === 'B' ? first.B : upload(ctx, halves[1].B),
        D: upload(ctx, halves[1].D),
        C: upload(ctx, halves[1].C0),
      };
      const bufs = [first, second];
      const d = await matmul(ctx, {
        M, N, K, A: first.A, B: first.B, C: first.C, transA: c.transA, transB: c.transB, alpha: c.alpha, variant: c.variant,
        epilogue: epilogueOf(c.epilogue as Pair[0], first.D),
        second: { A: second.A, B: second.B, C: second.C, alpha: c.alpha2, epilogue: epilogueOf(c.second, second.D), transB: c.transB2 ?? c.transB },
      });
      expect(d.workgroups[2]).toBe(2);
      // A shared operand is read without choosing between the halves' buffers; a shared B is not bound twice.
      if (c.share === 'A') expect(d.kernel.key).toContain('SHARED_A=1');
      if (c.share === 'B') expect(d.kernel.key).toMatch(/^matmul\w*_paired_shared_b\(/);
      if (!c.share) expect(d.kernel.key).not.toMatch(/SHARED_|shared_b/);
      run(ctx, [d]);
      for (const [h, e, alpha] of [[0, c.epilogue as Pair[0], c.alpha], [1, c.second, c.alpha2]] as const) {
        const x = halves[h];
        const got = await readF32(ctx, bufs[h].C, M * N);
        const transB = h === 1 ? (c.transB2 ?? c.transB) : c.transB;
        const expected = matmulRef({ M, N, K, A: x.A, B: x.B, transA: c.transA, transB, alpha, epilogue: refOf(e, x.D, x.C0) });
        expect(relErr(got, expected.C), `half ${h}`).toBeLessThanOrEqual(TOL);
      }
      free(ctx, [...new Set(bufs.flatMap((b) => [b.A, b.B, b.D, b.C]))]);
    });
  }
});
