import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export interface SpikeCompactArgs {
  /** Spikes, rows x cols (time-major: row t * batch + b). */
  S: GPUBuffer;
  /** rows x cols u32: row r's nonzero columns, ascending, in its first count[r] slots. */
  active: GPUBuffer;
  /** rows u32. */
  count: GPUBuffer;
  rows: number;
  cols: number;
  label?: string;
}

/** Threads per row of the compaction: one per 32 columns, a power of two up to 64. */
export function compactLanes(cols: number): number {
  let lanes = 1;
  while (lanes < 64 && lanes * 32 < cols) lanes *= 2;
  return lanes;
}

/** Event lists of a spike matrix: each row's nonzero columns in ascending order, and their count. */
export async function spikeCompact(ctx: GpuContext, a: SpikeCompactArgs): Promise<Dispatch> {
  const lanes = compactLanes(a.cols);
  const kernel = await ctx.pipelines.get({
    name: 'spike_compact',
    source: SHADERS.spikeCompact,
    bindings: ['uniform', 'read', 'write', 'write'],
    constants: { LANES: lanes },
  });
  const label = a.label ?? 'spike_compact';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.cols]]));
  return makeDispatch(ctx.device, kernel, [u, a.S, a.active, a.count], grid1d(a.rows, 64 / lanes), label);
}

export interface SpikePropagateArgs {
  /** Forward weights, nOut x nIn. */
  W: GPUBuffer;
  /** The event lists of S (spikeCompact). */
  active: GPUBuffer;
  count: GPUBuffer;
  /** rows x nIn: the values at the listed columns multiply the weights (1 for binary spikes). */
  S: GPUBuffer;
  bias?: GPUBuffer;
  /** rows x nOut input currents. */
  I: GPUBuffer;
  rows: number;
  nIn: number;
  nOut: number;
  /** I += ... instead of I = ... */
  accumulate?: boolean;
  label?: string;
}

/** I = S Wᵀ (+ bias) from S's event lists: the event-driven alternative to matmul(S, W, transB). */
export async function spikePropagate(ctx: GpuContext, a: SpikePropagateArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'spike_propagate',
    source: SHADERS.spikePropagate,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'write'],
    constants: { HAS_BIAS: a.bias ? 1 : 0, ACCUMULATE: a.accumulate ? 1 : 0 },
  });
  const label = a.label ?? 'spike_propagate';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.nIn], ['u32', a.nOut]]));
  const bias = a.bias ?? ctx.dummy('spike_propagate.bias');
  // One invocation per row and block of 4 outputs.
  const invocations = a.rows * Math.ceil(a.nOut / 4);
  return makeDispatch(ctx.device, kernel, [u, a.W, a.active, a.count, a.S, bias, a.I], grid1d(invocations, 64), label);
}

// Costs per row in units of one multiply-add of the dense matmul, fitted to
// bench/spike-propagation.ts on Mesa llvmpipe (lavapipe, LLVM 15, 2 shared CPU
// cores), R = 3200: compaction ~6 per input column, propagation ~2.2 per
// (spike, output). Measured crossovers: 784->256 between densities 0.4 and
// 0.5, 256->10 between 0.2 and 0.3 (the compaction is a larger share when the
// layer has few outputs). On a hardware GPU the dense matmul is relatively
// faster and the weight gathers slower: re-measure there.
const COMPACT_COST = 6;
const PROPAGATE_COST = 2.2;

/**
 * Whether the event-driven path (spikeCompact + spikePropagate) should replace
 * the dense matmul at a measured firing density (fraction of nonzero inputs).
 * nIn cancels out (every term scales with it) but keeps the costs readable.
 */
export function prefersEventDriven(density: number, nIn: number, nOut: number): boolean {
  const dense = nIn * nOut;
  const events = COMPACT_COST * nIn + PROPAGATE_COST * density * nIn * nOut;
  return events < dense;
}
