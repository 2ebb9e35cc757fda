import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** BP-STDP's settings for one window (see bpstdp_forward.wgsl, bpstdp_error.wgsl). */
export interface BpstdpParams {
  /** T, steps per example (1 ms each in the reference code). */
  steps: number;
  /** Firing threshold of each layer (index l - 1, the output last); reset is to 0. */
  thresholds: number[];
  /** ε: a neuron is active, and its presynaptic count taken, over the last ε steps. */
  window: number;
  /** μ, the learning rate. */
  mu: number;
  /** Spike probability per step of a pixel of intensity 1 (250 Hz at 1 ms steps). */
  inputGain: number;
  /** Spike probability per step of the label's teacher (250 Hz at 1 ms steps). */
  teacherRate: number;
}

/** The reference code's MNIST settings (T 50 steps of 1 ms, memory 5, 250 Hz), with the spec's threshold of 1. */
export const BPSTDP_DEFAULTS: Omit<BpstdpParams, 'thresholds'> & { threshold: number } = {
  steps: 50,
  threshold: 1,
  window: 5,
  mu: 5e-4,
  inputGain: 0.25,
  teacherRate: 0.25,
};

export interface BpstdpForwardArgs {
  rows: number;
  neurons: number;
  steps: number;
  /** Input currents [T, rows, neurons]; with `relay`, the input layer's spikes. */
  I: GPUBuffer;
  /** Spikes [T, rows, neurons]; not written with `relay`. */
  S?: GPUBuffer;
  /** Spikes in the last `window` steps [T, rows, neurons]; omitted, none are counted (evaluation). */
  C?: GPUBuffer;
  window: number;
  threshold: number;
  /** The input layer: spikes are given in I, only C is computed. */
  relay?: boolean;
  label?: string;
}

/** A layer of non-leaky IF neurons over all T steps, with its recent-spike counts (see bpstdp_forward.wgsl). */
export async function bpstdpForward(ctx: GpuContext, a: BpstdpForwardArgs): Promise<Dispatch> {
  if (!a.relay && !a.S) throw new Error('bpstdpForward: a layer of neurons needs its spike buffer S');
  const kernel = await ctx.pipelines.get({
    name: 'bpstdp_forward',
    source: SHADERS.bpstdpForward,
    bindings: ['uniform', 'read', 'write', 'write'],
    constants: { RELAY: a.relay ? 1 : 0, TRACE: a.C ? 1 : 0 },
  });
  const label = a.label ?? 'bpstdp_forward';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.neurons], ['u32', a.steps], ['u32', a.window], ['f32', a.threshold]]),
  );
  const S = a.relay ? ctx.dummy('bpstdp_forward.S') : a.S!;
  const C = a.C ?? ctx.dummy('bpstdp_forward.C');
  return makeDispatch(ctx.device, kernel, [u, a.I, S, C], grid1d(a.rows * a.neurons, 64), label);
}

export interface BpstdpErrorArgs {
  rows: number;
  classes: number;
  steps: number;
  /** The output layer's spikes and recent-spike counts [T, rows, classes]. */
  S: GPUBuffer;
  C?: GPUBuffer;
  /** Output votes [rows, classes]: spikes over T. */
  Z: GPUBuffer;
  /** Training: the teacher's labels and clock, ξ [T, rows, classes] and sum |ξ| [rows, classes]. */
  teach?: { labels: GPUBuffer; clock: GPUBuffer; Xi: GPUBuffer; loss: GPUBuffer; rate: number; seed: number; stream: number };
  label?: string;
}

/** The teacher-gated output error ξ and the output's votes (see bpstdp_error.wgsl). */
export async function bpstdpError(ctx: GpuContext, a: BpstdpErrorArgs): Promise<Dispatch> {
  const t = a.teach;
  if (t && !a.C) throw new Error('bpstdpError: the teacher needs the output counts C');
  const kernel = await ctx.pipelines.get({
    name: 'bpstdp_error',
    source: SHADERS.bpstdpError,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'write', 'write', 'write'],
    constants: { TEACH: t ? 1 : 0 },
  });
  const label = a.label ?? 'bpstdp_error';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.classes], ['u32', a.steps], ['u32', t?.seed ?? 0], ['u32', t?.stream ?? 0], ['f32', t?.rate ?? 0]]),
  );
  const d = (name: string) => ctx.dummy(`bpstdp_error.${name}`);
  const buffers = t
    ? [u, a.S, a.C!, t.labels, t.clock, t.Xi, a.Z, t.loss]
    : [u, a.S, a.C ?? d('C'), d('labels'), d('clock'), d('Xi'), a.Z, d('loss')];
  return makeDispatch(ctx.device, kernel, buffers, grid1d(a.rows * a.classes, 64), label);
}
