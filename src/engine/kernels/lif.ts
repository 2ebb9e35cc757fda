import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

export const NEURON_MODELS = ['lif', 'synaptic', 'alif'] as const;
export type NeuronModel = (typeof NEURON_MODELS)[number];
export const RESETS = ['subtract', 'zero'] as const;
export type Reset = (typeof RESETS)[number];
export const SURROGATES = ['fast-sigmoid', 'arctan'] as const;
export type Surrogate = (typeof SURROGATES)[number];

/** One layer's neuron: see lif_forward.wgsl for the equations. */
export interface NeuronParams {
  model: NeuronModel;
  /** Membrane decay per step, exp(-dt / tau_m). */
  beta: number;
  threshold: number;
  reset: Reset;
  /** Steps after a spike during which input is blocked and no spike fires. */
  refractory: number;
  /** Synaptic-current decay (model 'synaptic'), exp(-dt / tau_s). */
  alpha: number;
  /** Threshold-adaptation decay (model 'alif'), exp(-dt / tau_a). */
  rho: number;
  /** Threshold increase per spike (model 'alif'). */
  gamma: number;
}

/** How the spike's derivative is replaced in the backward pass. */
export interface SurrogateSpec {
  /** 'sigmoid-exact' is the true derivative of the smooth forward (tests only). */
  kind: Surrogate | 'sigmoid-exact';
  /** k of the fast sigmoid, alpha of the arctan, the sigmoid's slope. */
  slope: number;
}

const SURROGATE_ID = { 'fast-sigmoid': 0, arctan: 1, 'sigmoid-exact': 2 } as const;

interface Shape {
  rows: number;
  neurons: number;
  steps: number;
}

function neuronUniforms(ctx: GpuContext, label: string, s: Shape, n: NeuronParams, slope: number): GPUBuffer {
  return ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', s.rows], ['u32', s.neurons], ['u32', s.steps], ['u32', n.refractory],
      ['f32', n.beta], ['f32', n.threshold], ['f32', n.alpha], ['f32', n.rho], ['f32', n.gamma], ['f32', slope],
    ]),
  );
}

function modelConstants(n: NeuronParams) {
  return {
    RESET_ZERO: n.reset === 'zero' ? 1 : 0,
    SYNAPTIC: n.model === 'synaptic' ? 1 : 0,
    ADAPTIVE: n.model === 'alif' ? 1 : 0,
  };
}

export interface LifForwardArgs extends Shape {
  /** Input currents [T, rows, neurons], without the bias. */
  I: GPUBuffer;
  bias: GPUBuffer;
  U: GPUBuffer;
  S: GPUBuffer;
  /** Thresholds [T, rows, neurons]; needed only for 'alif'. */
  A?: GPUBuffer;
  neuron: NeuronParams;
  /** Sigmoid spikes of this slope instead of a step (smooth network for gradient checks). */
  smoothSlope?: number;
  label?: string;
}

/** Runs a layer's membrane recurrence over all T steps in one dispatch. */
export async function lifForward(ctx: GpuContext, a: LifForwardArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'lif_forward',
    source: SHADERS.lifForward,
    bindings: ['uniform', 'read', 'read', 'write', 'write', 'write'],
    constants: { ...modelConstants(a.neuron), SMOOTH: a.smoothSlope !== undefined ? 1 : 0 },
  });
  const label = a.label ?? 'lif_forward';
  const u = neuronUniforms(ctx, label, a, a.neuron, a.smoothSlope ?? 0);
  const A = a.A ?? ctx.dummy('lif.thresholds');
  return makeDispatch(ctx.device, kernel, [u, a.I, a.bias, a.U, a.S, A], grid1d(a.rows * a.neurons, 64), label);
}

export interface LifBackwardArgs extends Shape {
  /** dL/dS[t], or dL/dU[t] when gradWrt is 'membrane'. */
  G: GPUBuffer;
  U: GPUBuffer;
  S: GPUBuffer;
  A?: GPUBuffer;
  dI: GPUBuffer;
  neuron: NeuronParams;
  surrogate: SurrogateSpec;
  gradWrt?: 'spikes' | 'membrane';
  /** Keep the subtractive reset in the graph (default: detached, as snnTorch). */
  detachReset?: boolean;
  label?: string;
}

/** Surrogate-gradient BPTT through a layer's recurrence: dL/dI from dL/dS (or dL/dU). */
export async function lifBackward(ctx: GpuContext, a: LifBackwardArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'lif_backward',
    source: SHADERS.lifBackward,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'write'],
    constants: {
      ...modelConstants(a.neuron),
      DETACH_RESET: a.detachReset === false ? 0 : 1,
      GRAD_WRT_MEMBRANE: a.gradWrt === 'membrane' ? 1 : 0,
      SURROGATE: SURROGATE_ID[a.surrogate.kind],
    },
  });
  const label = a.label ?? 'lif_backward';
  const u = neuronUniforms(ctx, label, a, a.neuron, a.surrogate.slope);
  const A = a.A ?? ctx.dummy('lif.thresholds.read');
  return makeDispatch(ctx.device, kernel, [u, a.G, a.U, a.S, A, a.dI], grid1d(a.rows * a.neurons, 64), label);
}
