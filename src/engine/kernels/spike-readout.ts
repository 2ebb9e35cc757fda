import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export const READOUTS = ['count', 'membrane', 'first-spike'] as const;
export type Readout = (typeof READOUTS)[number];

/** What the backward of a readout differentiates: spikes, or (for 'membrane') the membrane. */
export function readoutGradWrt(readout: Readout): 'spikes' | 'membrane' {
  return readout === 'membrane' ? 'membrane' : 'spikes';
}

interface ReadoutShape {
  rows: number;
  classes: number;
  steps: number;
  readout: Readout;
  /** Multiplies counts ('count' only): 1 for raw counts, 1 / T for rates. */
  scale?: number;
}

function params(ctx: GpuContext, label: string, a: ReadoutShape): GPUBuffer {
  return ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.classes], ['u32', a.steps], ['f32', a.scale ?? 1]]));
}

/** Scores Z [rows, classes] from the output layer's S and U [T, rows, classes]. */
export async function spikeReadout(
  ctx: GpuContext,
  a: ReadoutShape & { S: GPUBuffer; U: GPUBuffer; Z: GPUBuffer; peak: GPUBuffer; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'spike_readout',
    source: SHADERS.spikeReadout,
    bindings: ['uniform', 'read', 'read', 'write', 'write'],
    constants: { READOUT: READOUTS.indexOf(a.readout) },
  });
  const label = a.label ?? 'spike_readout';
  return makeDispatch(ctx.device, kernel, [params(ctx, label, a), a.S, a.U, a.Z, a.peak], grid1d(a.rows * a.classes, 64), label);
}

/** The output layer's error in time, G [T, rows, classes], from the scores' error dZ. */
export async function spikeReadoutGrad(
  ctx: GpuContext,
  a: ReadoutShape & { dZ: GPUBuffer; peak: GPUBuffer; G: GPUBuffer; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'spike_readout_grad',
    source: SHADERS.spikeReadoutGrad,
    bindings: ['uniform', 'read', 'read', 'write'],
    constants: { READOUT: READOUTS.indexOf(a.readout) },
  });
  const label = a.label ?? 'spike_readout_grad';
  return makeDispatch(ctx.device, kernel, [params(ctx, label, a), a.dZ, a.peak, a.G], grid1d(a.steps * a.rows * a.classes, 256), label);
}
