import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export interface ConfusionMatrixArgs {
  /** rows x classes: logits, or a spike-count readout. */
  scores: GPUBuffer;
  /** One u32 per row. */
  labels: GPUBuffer;
  /** classes x classes u32, counts[true][predicted]; added to, never cleared. */
  counts: GPUBuffer;
  rows: number;
  classes: number;
  label?: string;
}

/** Adds a batch to a confusion matrix: argmax per row (lowest index on ties), one atomic add each (see confusion_matrix.wgsl). */
export async function confusionMatrix(ctx: GpuContext, a: ConfusionMatrixArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'confusion_matrix',
    source: SHADERS.confusionMatrix,
    bindings: ['uniform', 'read', 'read', 'write'],
  });
  const label = a.label ?? 'confusion_matrix';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.classes]]));
  return makeDispatch(ctx.device, kernel, [u, a.scores, a.labels, a.counts], grid1d(a.rows, 64), label);
}
