import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** TSSL-BP's neuron and synapse (see tssl_forward.wgsl); time constants in steps. */
export interface TsslNeuron {
  /** Membrane time constant: u decays by 1 - 1/tauM per step. */
  tauM: number;
  /** Synaptic (PSP) time constant: a decays by 1 - 1/tauS per step. */
  tauS: number;
  threshold: number;
}

/** The spec's table (MNIST and Fashion-MNIST configs): tau_m 5, tau_s 3, V_th 1, T 5. */
export const TSSL_DEFAULTS: TsslNeuron & { steps: number } = { tauM: 5, tauS: 3, threshold: 1, steps: 5 };

/**
 * The label class's desired spike train d over T steps (tssl_loss.wgsl's
 * `desired`). The official code defines only T = 5 ([0,1,1,1,1]) and T a
 * multiple of 10 ([0,1] repeated); other T are our choice: T >= 10 alternates
 * 0,1 and is cut short, 2 <= T < 10 extends or cuts 0,1,1,1,..., and T = 1 is
 * [1], since a silent target would make the label indistinguishable.
 */
export function desiredSpikes(steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => (steps >= 10 ? t % 2 : steps === 1 || t >= 1 ? 1 : 0));
}

interface Shape {
  rows: number;
  neurons: number;
  steps: number;
}

function neuronUniforms(ctx: GpuContext, label: string, s: Shape, n: TsslNeuron): GPUBuffer {
  return ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', s.rows], ['u32', s.neurons], ['u32', s.steps], ['f32', n.tauM], ['f32', n.tauS], ['f32', n.threshold]]),
  );
}

export interface TsslPspArgs extends Shape {
  /** An image [rows, neurons] repeated over T ('static'), or a train [T, rows, neurons]. */
  X: GPUBuffer;
  input: 'static' | 'train';
  /** The PSP [T, rows, neurons]. */
  A: GPUBuffer;
  tauS: number;
  label?: string;
}

/** The input layer's PSP: X filtered by the synaptic kernel (see tssl_psp.wgsl). */
export async function tsslPsp(ctx: GpuContext, a: TsslPspArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'tssl_psp',
    source: SHADERS.tsslPsp,
    bindings: ['uniform', 'read', 'write'],
    constants: { STATIC: a.input === 'static' ? 1 : 0 },
  });
  const label = a.label ?? 'tssl_psp';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.neurons], ['u32', a.steps], ['f32', a.tauS]]));
  return makeDispatch(ctx.device, kernel, [u, a.X, a.A], grid1d(a.rows * a.neurons, 64), label);
}

export interface TsslLayerForwardArgs extends Shape {
  /** Input currents [T, rows, neurons]. */
  I: GPUBuffer;
  /** Per-neuron bias added to every step's current; none in the official code. */
  bias?: GPUBuffer;
  /** Membrane before the reset, spikes, and PSP, each [T, rows, neurons]. */
  U: GPUBuffer;
  S: GPUBuffer;
  A: GPUBuffer;
  neuron: TsslNeuron;
  label?: string;
}

/** A layer's membrane, spikes and PSP over all T steps in one dispatch. */
export async function tsslLayerForward(ctx: GpuContext, a: TsslLayerForwardArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'tssl_forward',
    source: SHADERS.tsslForward,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write'],
    constants: { BIAS: a.bias ? 1 : 0 },
  });
  const label = a.label ?? 'tssl_forward';
  const u = neuronUniforms(ctx, label, a, a.neuron);
  const bias = a.bias ?? ctx.dummy('tssl.bias');
  return makeDispatch(ctx.device, kernel, [u, a.I, bias, a.U, a.S, a.A], grid1d(a.rows * a.neurons, 64), label);
}

export interface TsslLayerBackwardArgs extends Shape {
  /** dL/da [T, rows, neurons]: the loss's error, or the layer above's dI W. */
  G: GPUBuffer;
  U: GPUBuffer;
  S: GPUBuffer;
  A: GPUBuffer;
  /** delta = dL/dI [T, rows, neurons]. */
  dI: GPUBuffer;
  neuron: TsslNeuron;
  /**
   * Use dt/du only at spike times (default; the spec, and the code with `* out`);
   * false follows the code's latest revision, which uses it at every step.
   */
  spikeTimesOnly?: boolean;
  label?: string;
}

/** TSSL-BP's delta of a layer: inter- and intra-neuron terms, surrogate for weak units. */
export async function tsslLayerBackward(ctx: GpuContext, a: TsslLayerBackwardArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'tssl_backward',
    source: SHADERS.tsslBackward,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'write'],
    constants: { SPIKES_ONLY: a.spikeTimesOnly === false ? 0 : 1 },
  });
  const label = a.label ?? 'tssl_backward';
  const u = neuronUniforms(ctx, label, a, a.neuron);
  return makeDispatch(ctx.device, kernel, [u, a.G, a.U, a.S, a.A, a.dI], grid1d(a.rows * a.neurons, 64), label);
}

export interface TsslLossArgs {
  /** The output layer's PSP [T, rows, classes]. */
  A: GPUBuffer;
  labels: GPUBuffer;
  /** dL/dA [T, rows, classes], scaled by `scale` (1 / rows for a mean loss); omitted for evaluation. */
  grad?: GPUBuffer;
  metrics: GPUBuffer;
  clock: GPUBuffer;
  rows: number;
  classes: number;
  steps: number;
  tauS: number;
  scale: number;
  /** First of three metric slots: loss sum, correct count, example count. */
  slot: number;
  /** Advance the step clock (training steps only). */
  tick: boolean;
  label?: string;
}

/** Kernel loss against the PSP of the desired spike trains, its error and accuracy (see tssl_loss.wgsl). */
export async function tsslLoss(ctx: GpuContext, a: TsslLossArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'tssl_loss',
    source: SHADERS.tsslLoss,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write'],
    constants: { WRITE_GRAD: a.grad ? 1 : 0, TICK: a.tick ? 1 : 0 },
  });
  const label = a.label ?? 'tssl_loss';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.classes], ['u32', a.steps], ['f32', a.tauS], ['f32', a.scale], ['u32', a.slot]]),
  );
  const clock = a.tick ? a.clock : ctx.dummy('tssl_loss.clock');
  const grad = a.grad ?? ctx.dummy('tssl_loss.grad');
  return makeDispatch(ctx.device, kernel, [u, a.A, a.labels, grad, a.metrics, clock], [1, 1, 1], label);
}
