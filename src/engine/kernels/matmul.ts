import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { ConfigError } from '../errors';
import { type Activation, activationId } from './activation';
import { chooseMatmulVariant, type MatmulVariant, VARIANT_KERNELS, variantUnsupported } from './matmul-variants';

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
  /**
   * Force one kernel (tests, benchmarks) instead of the adapter's choice
   * (`chooseMatmulVariant`); throws a ConfigError if it cannot compute this product here.
   */
  variant?: MatmulVariant | 'auto';
}

/** C = epilogue(alpha * op(A) op(B)): every dense product of forward, backward and alignment passes. */
export async function matmul(ctx: GpuContext, args: MatmulArgs): Promise<Dispatch> {
  const ep = args.epilogue ?? { kind: 'none' };
  const act = ep.kind === 'bias-act' || ep.kind === 'gate' ? activationId(ep.act) : 0;
  const beta = ep.kind === 'axpby' || ep.kind === 'accumulate' ? ep.beta : 0;
  const label = args.label ?? 'matmul';
  const variant = resolveVariant(ctx, args);
  const v = VARIANT_KERNELS[variant];
  const kernel = await ctx.pipelines.get({
    name: v.name,
    source: v.source,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write', 'write'],
    constants: {
      TRANS_A: args.transA ? 1 : 0,
      TRANS_B: args.transB ? 1 : 0,
      EPILOGUE: EPILOGUE_ID[ep.kind],
      ACT: act,
      ...(args.signB ? { SIGN_B: 1 } : {}),
      ...(ep.kind === 'bias-act' && ep.product ? { PRODUCT: 1 } : {}),
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
      ['f32', beta],
    ]),
  );
  const D =
    ep.kind === 'axpby' ? ep.addend : ep.kind === 'bias-act' ? ep.bias : ep.kind === 'gate' ? ep.preact : ctx.dummy('matmul.D');
  const E = ep.kind === 'bias-act' ? ep.activations : ctx.dummy('matmul.E');
  const F = (ep.kind === 'bias-act' && ep.product) || ctx.dummy('matmul.F');
  return makeDispatch(ctx.device, kernel, [uniforms, args.A, args.B, D, args.C, E, F], v.grid(args), label);
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
