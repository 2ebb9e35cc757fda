import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export interface SpikeCountMetricsArgs {
  /** Votes [rows, classes], e.g. output spike counts. */
  Z: GPUBuffer;
  labels: GPUBuffer;
  /** A per-example loss proxy [rows, lossCols], summed into the loss slot; absent = 0. */
  loss?: GPUBuffer;
  lossCols?: number;
  metrics: GPUBuffer;
  clock: GPUBuffer;
  rows: number;
  classes: number;
  /** First of three metric slots: loss sum, correct count, example count. */
  slot: number;
  /** Advance the step clock (training steps only). */
  tick: boolean;
  label?: string;
}

/** Correct count of argmax votes, a loss proxy and the example count of a batch, in one workgroup (see spike_count_metrics.wgsl). */
export async function spikeCountMetrics(ctx: GpuContext, a: SpikeCountMetricsArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'spike_count_metrics',
    source: SHADERS.spikeCountMetrics,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write'],
    constants: { HAS_LOSS: a.loss ? 1 : 0, TICK: a.tick ? 1 : 0 },
  });
  const label = a.label ?? 'spike_count_metrics';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.classes], ['u32', a.loss ? (a.lossCols ?? 1) : 0], ['u32', a.slot]]));
  const loss = a.loss ?? ctx.dummy('spike_count_metrics.loss');
  const clock = a.tick ? a.clock : ctx.dummy('spike_count_metrics.clock');
  return makeDispatch(ctx.device, kernel, [u, a.Z, a.labels, loss, a.metrics, clock], [1, 1, 1], label);
}
