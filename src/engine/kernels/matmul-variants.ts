// Which matmul kernel serves a product: the kernels (one .wgsl each), what
// each needs, and the choice `matmul` makes when the caller leaves it open.
import type { AdapterSummary, GpuContext } from '../device/gpu-context';
import { MATMUL_CODE, type MatmulCode } from './sources';

/**
 * - `scalar` (matmul.wgsl): 4 x 4 per invocation, scalar loads, any shape; the fallback.
 * - `vec4` (matmul_vec4.wgsl): 8 x 8 per invocation from vec4 loads, no workgroup memory;
 *   needs the operands' contiguous dimensions (and K) to be multiples of 4.
 * - `subgroup` (matmul_subgroup.wgsl): `vec4` with op(A) shared across an 8-wide subgroup;
 *   needs the 'subgroups' feature and a subgroup size of exactly 8 (llvmpipe).
 * - `tiled` (matmul_tiled.wgsl): 128 x 128 workgroup tiles through workgroup memory, any shape;
 *   the kernel for hardware GPUs.
 * - `splitk` (matmul_splitk.wgsl): 32 x 32 tiles with the inner dimension split four ways inside
 *   the workgroup, any shape; hardware GPUs, when 128 x 128 tiles would leave most of it idle.
 */
export type MatmulVariant = 'scalar' | 'vec4' | 'subgroup' | 'tiled' | 'splitk';

export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['scalar', 'vec4', 'subgroup', 'tiled', 'splitk'];

/** What a variant needs to know of a product to be chosen and specialised. */
export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  transA?: boolean;
  transB?: boolean;
}

export interface VariantKernel {
  /** Pipeline-cache name (with the role's and second operands' suffixes where they apply). */
  name: string;
  /** Its WGSL, which sources.ts's matmulModule composes into a product, a paired product or a fused update. */
  code: MatmulCode;
  /** The bounds-check switches of this shape (override constants, part of the cache key). */
  fits(s: MatmulShape): Record<string, number>;
  /** Workgroups to dispatch. */
  grid(s: MatmulShape): [number, number, number];
}

const groups = (n: number, per: number) => Math.max(1, Math.ceil(n / per));
const bit = (b: boolean) => (b ? 1 : 0);

export const VARIANT_KERNELS: Record<MatmulVariant, VariantKernel> = {
  // 8 x 8 invocations x 4 x 4 outputs: a 32 x 32 tile.
  scalar: {
    name: 'matmul',
    code: MATMUL_CODE.scalar,
    fits: (s) => ({ FIT_M: bit(s.M % 4 === 0), FIT_N: bit(s.N % 4 === 0) }),
    grid: (s) => [groups(s.N, 32), groups(s.M, 32), 1],
  },
  // 8 x 8 invocations x 8 x 8 outputs: a 64 x 64 tile.
  vec4: {
    name: 'matmul_vec4',
    code: MATMUL_CODE.vec4,
    fits: (s) => ({ FIT_M: bit(s.M % 64 === 0), FIT_N: bit(s.N % 64 === 0) }),
    grid: (s) => [groups(s.N, 64), groups(s.M, 64), 1],
  },
  // 8 subgroups of 8 invocations x 16 x 4 outputs: a 128 x 32 tile.
  subgroup: {
    name: 'matmul_subgroup',
    code: MATMUL_CODE.subgroup,
    fits: (s) => ({ FIT_M: bit(s.M % 128 === 0), FIT_N: bit(s.N % 32 === 0) }),
    grid: (s) => [groups(s.N, 32), groups(s.M, 128), 1],
  },
  tiled: {
    name: 'matmul_tiled',
    code: MATMUL_CODE.tiled,
    fits: (s) => ({ FIT_M: bit(s.M % 128 === 0), FIT_N: bit(s.N % 128 === 0), FIT_K: bit(s.K % 8 === 0) }),
    grid: (s) => [groups(s.N, 128), groups(s.M, 128), 1],
  },
  splitk: {
    name: 'matmul_splitk',
    code: MATMUL_CODE.splitk,
    fits: (s) => ({ FIT_M: bit(s.M % 32 === 0), FIT_N: bit(s.N % 32 === 0) }),
    grid: (s) => [groups(s.N, 32), groups(s.M, 32), 1],
  },
};

/** CPU (software) adapters: llvmpipe/lavapipe, SwiftShader, WARP. Dawn reports architecture "software" for lavapipe. */
export function isSoftwareAdapter(a: AdapterSummary): boolean {
  const text = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`.toLowerCase();
  return a.architecture.toLowerCase() === 'software' || /llvmpipe|lavapipe|swiftshader|softpipe|software|microsoft basic render/.test(text);
}

/** Whether every operand can be read as vec4 along its contiguous dimension (matmul_vec4.wgsl's header). */
export function vec4Aligned(s: MatmulShape): boolean {
  return s.M > 0 && s.N > 0 && s.K % 4 === 0 && (!s.transA || s.M % 4 === 0) && (s.transB || s.N % 4 === 0);
}

/** The device's subgroup size when it is fixed and the 'subgroups' feature is on, else null. */
function fixedSubgroupSize(ctx: GpuContext): number | null {
  if (!ctx.device.features.has('subgroups')) return null;
  const info = (ctx.device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const lo = info?.subgroupMinSize;
  return lo !== undefined && lo === info?.subgroupMaxSize ? lo : null;
}

/** Why `variant` cannot compute this product on this device, or null when it can. */
export function variantUnsupported(ctx: GpuContext, s: MatmulShape, variant: MatmulVariant): string | null {
  switch (variant) {
    case 'vec4':
      return vec4Aligned(s) ? null : 'needs K % 4 == 0, M % 4 == 0 with transA and N % 4 == 0 without transB';
    case 'subgroup':
      if (fixedSubgroupSize(ctx) !== 8) return "needs the 'subgroups' feature with a fixed subgroup size of 8 (llvmpipe)";
      return vec4Aligned(s) ? null : 'needs K % 4 == 0, M % 4 == 0 with transA and N % 4 == 0 without transB';
    default:
      return null;
  }
}

/** Below this many 128 x 128 tiles, a hardware GPU gets split-K 32 x 32 tiles instead (untuned: no GPU measured yet). */
const TILED_MIN_TILES = 64;

/**
 * The kernel `matmul` uses when the caller does not force one. Software adapters:
 * the register-blocked kernels (subgroup, else vec4, else scalar), measured in
 * bench/results/matmul.md. Hardware GPUs: workgroup-memory tiles, or split-K
 * tiles when the output is too small to fill the device.
 */
export function chooseMatmulVariant(ctx: GpuContext, s: MatmulShape): MatmulVariant {
  if (isSoftwareAdapter(ctx.adapter)) {
    if (!variantUnsupported(ctx, s, 'subgroup')) return 'subgroup';
    // Below 32 columns most of vec4's 64-column workgroup idles; the scalar kernel's is 32 wide.
    return vec4Aligned(s) && s.N >= 32 ? 'vec4' : 'scalar';
  }
  if (groups(s.M, 128) * groups(s.N, 128) >= TILED_MIN_TILES) return 'tiled';
  return s.K >= 64 ? 'splitk' : 'tiled';
}
