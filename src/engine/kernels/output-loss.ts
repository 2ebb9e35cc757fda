import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export const LOSSES = ['cross-entropy', 'mse'] as const;
export type Loss = (typeof LOSSES)[number];

export interface OutputLossArgs {
  logits: GPUBuffer;
  labels: GPUBuffer;
  /** dL/dz, scaled by `scale` (1 / batch for a mean loss); omitted for evaluation. */
  grad?: GPUBuffer;
  metrics: GPUBuffer;
  clock: GPUBuffer;
  rows: number;
  classes: number;
  scale: number;
  /** First of three metric slots: loss sum, correct count, example count. */
  slot: number;
  loss: Loss;
  /** Advance the step clock (training steps only). */
  tick: boolean;
  label?: string;
}

/** Output error, loss and accuracy of a batch, in one workgroup (see output_loss.wgsl). */
export async function outputLoss(ctx: GpuContext, a: OutputLossArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'output_loss',
    source: SHADERS.outputLoss,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write'],
    constants: { LOSS: LOSSES.indexOf(a.loss), WRITE_GRAD: a.grad ? 1 : 0, TICK: a.tick ? 1 : 0 },
  });
  const label = a.label ?? 'output_loss';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.classes], ['f32', a.scale], ['u32', a.slot]]));
  const clock = a.tick ? a.clock : ctx.dummy('output_loss.clock');
  const grad = a.grad ?? ctx.dummy('output_loss.grad');
  return makeDispatch(ctx.device, kernel, [u, a.logits, a.labels, grad, a.metrics, clock], [1, 1, 1], label);
}
