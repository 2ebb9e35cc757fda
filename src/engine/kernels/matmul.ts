import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { ConfigError } from '../errors';
import { type Activation, activationId } from './activation';
import { chooseMatmulVariant, type MatmulVariant, VARIANT_KERNELS, variantUnsupported } from './matmul-variants';
import { matmulModule } from './sources';

export { chooseMatmulVariant, isSoftwareAdapter, MATMUL_VARIANTS, type MatmulVariant, variantUnsupported } from './matmul-variants';

/** What happens to alpha * op(A) op(B) before it is stored in C (see matmul.wgsl). */
export type Epilogue =
  | { kind: 'none' }
  | { kind: 'axpby'; beta: number; addend: GPUBuffer }
  /** `product`: also store alpha op(A) op(B) before the bias (a trained B's Y = X W^T). */
  | { kind: 'bias-act'; bias: GPUBuffer; act: Activation; activations: GPUBuffer; product?: GPUBuffer }
  | { kind: 'gate'; preact: GPUBuffer; act: Activation }
  | { kind: 'accumulate'; beta: number };

const EPILOGUE_ID = { none: 0, axpby: 1, 'bias-act': 2, gate: 3, accumulate: 4 } as const;

/** Storage buffers a paired matmul binds at most (matmul_operands_paired.wgsl, matmul_second_output.wgsl): 9 where B2 is B. */
export const PAIRED_MATMUL_STORAGE_BINDINGS = 10;

/**
 * A second product of the first's shape and op(A), computed by the same
 * dispatch (its workgroups z = 1): C2 = epilogue(alpha op(A2) op(B2)), B2
 * transposed as `transB` says (default: as B). Its epilogue writes C only
 * (no bias-act); a gate shares the first's activation.
 */
export interface SecondProduct {
  A: GPUBuffer;
  B: GPUBuffer;
  C: GPUBuffer;
  transB?: boolean;
  alpha?: number;
  epilogue?: Exclude<Epilogue, { kind: 'bias-act' }>;
}

export interface MatmulArgs {
  /** Rows of C and of op(A). */
  M: number;
  /** Columns of C and of op(B). */
  N: number;
  /** The inner dimension. */
  K: number;
  A: GPUBuffer;
  B: GPUBuffer;
  C: GPUBuffer;
  transA?: boolean;
  transB?: boolean;
  /** Read op(B) through sign(): sign symmetry's kappa sign(W) without storing it (kappa as alpha). */
  signB?: boolean;
  alpha?: number;
  epilogue?: Epilogue;
  label?: string;
  /** A second product in the same dispatch (needs canPairMatmuls; not with signB). */
  second?: SecondProduct;
  /**
   * Force one kernel (tests, benchmarks) instead of the adapter's choice
   * (`chooseMatmulVariant`); throws a ConfigError if it cannot compute this product here.
   */
  variant?: MatmulVariant | 'auto';
}

/** Whether this device binds a paired matmul's buffers (MatmulArgs.second). */
export function canPairMatmuls(ctx: GpuContext): boolean {
  return ctx.limits.maxStorageBuffersPerShaderStage >= PAIRED_MATMUL_STORAGE_BINDINGS;
}

/** C = epilogue(alpha * op(A) op(B)): every dense product of forward, backward and alignment passes. */
export async function matmul(ctx: GpuContext, args: MatmulArgs): Promise<Dispatch> {
  const ep = args.epilogue ?? { kind: 'none' };
  const second = args.second;
  const ep2 = second?.epilogue ?? { kind: 'none' };
  if (second) checkSecond(ctx, args, ep, ep2);
  const act = ep.kind === 'bias-act' || ep.kind === 'gate' ? activationId(ep.act) : ep2.kind === 'gate' ? activationId(ep2.act) : 0;
  const label = args.label ?? 'matmul';
  const variant = second ? pairedVariant(ctx, args, second) : resolveVariant(ctx, args);
  const v = VARIANT_KERNELS[variant];
  const sharedB = second?.B === args.B;
  const kernel = await ctx.pipelines.get({
    name: second ? `${v.name}_paired${sharedB ? '_shared_b' : ''}` : v.name,
    source: matmulModule(v.code, second ? 'paired' : 'product', { sharedB }),
    // A paired kernel's A2, B2, D2, C2 are bindings 14..17 (matmul_operands_paired.wgsl, matmul_second_output.wgsl); a shared B2 is not bound.
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write', 'write', ...(second ? [...UNUSED_7_TO_13, 'read', sharedB ? null : 'read', 'read', 'write'] as const : [])],
    constants: {
      TRANS_A: args.transA ? 1 : 0,
      TRANS_B: args.transB ? 1 : 0,
      EPILOGUE: EPILOGUE_ID[ep.kind],
      ACT: act,
      ...(args.signB ? { SIGN_B: 1 } : {}),
      ...(ep.kind === 'bias-act' && ep.product ? { PRODUCT: 1 } : {}),
      ...(second ? pairedConstants(args, second, ep2) : {}),
      ...v.fits(args),
    },
  });
  const uniforms = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', args.M],
      ['u32', args.N],
      ['u32', args.K],
      ['f32', args.alpha ?? 1],
      ['f32', betaOf(ep)],
      ['f32', second?.alpha ?? 1],
      ['f32', betaOf(ep2)],
    ]),
  );
  const D = addendOf(ep) ?? ctx.dummy('matmul.D');
  const E = ep.kind === 'bias-act' ? ep.activations : ctx.dummy('matmul.E');
  const F = (ep.kind === 'bias-act' && ep.product) || ctx.dummy('matmul.F');
  const buffers = [uniforms, args.A, args.B, D, args.C, E, F];
  if (!second) return makeDispatch(ctx.device, kernel, buffers, v.grid(args), label);
  // z = 1 runs the variant's grid again, on the second product.
  const [x, y] = v.grid(args);
  const paired = [...buffers, ...UNUSED_7_TO_13, second.A, sharedB ? null : second.B, addendOf(ep2) ?? ctx.dummy('matmul.D2'), second.C];
  return makeDispatch(ctx.device, kernel, paired, [x, y, 2], label);
}

const UNUSED_7_TO_13 = [null, null, null, null, null, null, null] as const;

/** A paired kernel's switches: the second epilogue, B2's transpose, and whether both halves share A (a shared B is in its source). */
function pairedConstants(args: MatmulArgs, second: SecondProduct, ep2: Epilogue): Record<string, number> {
  return {
    EPILOGUE2: EPILOGUE_ID[ep2.kind],
    TRANS_B2: (second.transB ?? args.transB) ? 1 : 0,
    ...(second.A === args.A ? { SHARED_A: 1 } : {}),
  };
}

const betaOf = (ep: Epilogue) => (ep.kind === 'axpby' || ep.kind === 'accumulate' ? ep.beta : 0);

/** The epilogue's read-only operand D: the addend, the bias or the pre-activations. */
function addendOf(ep: Epilogue): GPUBuffer | null {
  return ep.kind === 'axpby' ? ep.addend : ep.kind === 'bias-act' ? ep.bias : ep.kind === 'gate' ? ep.preact : null;
}

function checkSecond(ctx: GpuContext, args: MatmulArgs, ep: Epilogue, ep2: Epilogue): void {
  const has = ctx.limits.maxStorageBuffersPerShaderStage;
  if (!canPairMatmuls(ctx)) throw new Error(`a paired matmul binds ${PAIRED_MATMUL_STORAGE_BINDINGS} storage buffers and this device allows ${has}`);
  if (args.signB) throw new Error('a paired matmul reads both B operands as they are (no signB)');
  if (ep.kind === 'gate' && ep2.kind === 'gate' && ep.act !== ep2.act) throw new Error('the two gates of a paired matmul share one activation');
  if (ep.kind === 'bias-act' && ep2.kind === 'gate' && ep.act !== ep2.act) throw new Error('a paired matmul has one activation');
}

/**
 * The kernel both products of a paired matmul run on: the first's (forced or
 * chosen) where it takes the second's transposes too; else, unless forced, the
 * second's choice or the any-shape scalar kernel.
 */
function pairedVariant(ctx: GpuContext, args: MatmulArgs, second: SecondProduct): MatmulVariant {
  const first = resolveVariant(ctx, args);
  const other = { ...args, transB: second.transB ?? args.transB, variant: undefined };
  if (!variantUnsupported(ctx, other, first)) return first;
  if ((args.variant ?? 'auto') !== 'auto') {
    throw new ConfigError('matmul.variant', `'${first}' cannot compute the second product here: it ${variantUnsupported(ctx, other, first)}`);
  }
  const alt = chooseMatmulVariant(ctx, other);
  return variantUnsupported(ctx, args, alt) ? 'scalar' : alt;
}

/** The kernel this product runs on: the forced one (checked) or the adapter's choice. */
export function resolveVariant(ctx: GpuContext, args: MatmulArgs): MatmulVariant {
  const forced = args.variant ?? 'auto';
  if (forced === 'auto') return chooseMatmulVariant(ctx, args);
  const why = variantUnsupported(ctx, args, forced);
  if (why) {
    const t = `${args.transA ? 'T' : 'N'}${args.transB ? 'T' : 'N'}`;
    throw new ConfigError('matmul.variant', `'${forced}' cannot compute ${args.M}x${args.N}x${args.K} ${t} here: it ${why}`);
  }
  return forced;
}

export function matmulFlops(M: number, N: number, K: number): number {
  return 2 * M * N * K;
}
