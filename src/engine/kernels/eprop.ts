import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import type { NeuronParams } from './lif';
import { SHADERS } from './sources';

/** gamma_pd, the pseudo-derivative's dampening in Bellec et al.'s code. */
export const EPROP_DAMPENING = 0.3;

/**
 * e-prop's eligibility traces are derived for the subtractive reset, detached
 * from the graph, and a current-free membrane: 'lif' or 'alif' with reset 'subtract'.
 */
export function epropNeuronProblem(n: NeuronParams): string | null {
  if (n.model === 'synaptic') return "e-prop's traces are defined for 'lif' and 'alif' neurons, not 'synaptic'";
  if (n.reset !== 'subtract') return "e-prop's traces assume the subtractive reset";
  return null;
}

interface Shape {
  rows: number;
  neurons: number;
  steps: number;
}

export interface EpropReadoutArgs {
  /** Readout currents z W_out^T [T, rows, classes], without the bias. */
  I: GPUBuffer;
  bias: GPUBuffer;
  labels: GPUBuffer;
  /** The leaky readout y [T, rows, classes] and the scores Z = sum_t y [rows, classes]. */
  Y: GPUBuffer;
  Z: GPUBuffer;
  /** dloss/dy [T, rows, classes] scaled by `scale` (1 / rows); omitted for evaluation. */
  E?: GPUBuffer;
  metrics: GPUBuffer;
  clock: GPUBuffer;
  rows: number;
  classes: number;
  steps: number;
  /** Readout decay, exp(-dt / tau_out). */
  kappa: number;
  scale: number;
  /** First of three metric slots: loss sum, correct count, example count. */
  slot: number;
  /** Advance the step clock (training steps only). */
  tick: boolean;
  label?: string;
}

/** The leaky readout over T, its summed cross-entropy, error and accuracy, in one workgroup (see eprop_readout.wgsl). */
export async function epropReadout(ctx: GpuContext, a: EpropReadoutArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'eprop_readout',
    source: SHADERS.epropReadout,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write', 'write', 'write', 'write'],
    constants: { WRITE_GRAD: a.E ? 1 : 0, TICK: a.tick ? 1 : 0 },
  });
  const label = a.label ?? 'eprop_readout';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.classes], ['u32', a.steps], ['f32', a.kappa], ['f32', a.scale], ['u32', a.slot]]),
  );
  const clock = a.tick ? a.clock : ctx.dummy('eprop_readout.clock');
  const E = a.E ?? ctx.dummy('eprop_readout.E');
  return makeDispatch(ctx.device, kernel, [u, a.I, a.bias, a.labels, a.Y, a.Z, E, a.metrics, clock], [1, 1, 1], label);
}

/** out[t] = X[t] + decay out[t+1] over [T, rows, cols]: kappa's filter moved onto the learning signal (see eprop_filter.wgsl). */
export async function epropFilter(
  ctx: GpuContext,
  a: { X: GPUBuffer; out: GPUBuffer; rows: number; cols: number; steps: number; decay: number; label?: string },
): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({ name: 'eprop_filter', source: SHADERS.epropFilter, bindings: ['uniform', 'read', 'write'] });
  const label = a.label ?? 'eprop_filter';
  const u = ctx.uniform(`${label}.params`, packUniforms([['u32', a.rows], ['u32', a.cols], ['u32', a.steps], ['f32', a.decay]]));
  return makeDispatch(ctx.device, kernel, [u, a.X, a.out], grid1d(a.rows * a.cols, 64), label);
}

export interface EpropPsiArgs extends Shape {
  /** The layer's forward: membrane, spikes and (for 'alif') thresholds [T, rows, neurons]. */
  U: GPUBuffer;
  S: GPUBuffer;
  A?: GPUBuffer;
  psi: GPUBuffer;
  neuron: NeuronParams;
  /** gamma_pd (default EPROP_DAMPENING). */
  dampening?: number;
  label?: string;
}

/** The pseudo-derivative psi [T, rows, neurons] of a LIF/ALIF layer (see eprop_psi.wgsl). */
export async function epropPsi(ctx: GpuContext, a: EpropPsiArgs): Promise<Dispatch> {
  const adaptive = a.neuron.model === 'alif';
  const kernel = await ctx.pipelines.get({
    name: 'eprop_psi',
    source: SHADERS.epropPsi,
    bindings: ['uniform', 'read', 'read', 'read', 'write'],
    constants: { ADAPTIVE: adaptive ? 1 : 0 },
  });
  const label = a.label ?? 'eprop_psi';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows], ['u32', a.neurons], ['u32', a.steps], ['u32', a.neuron.refractory],
      ['f32', a.neuron.threshold], ['f32', a.dampening ?? EPROP_DAMPENING],
    ]),
  );
  if (adaptive && !a.A) throw new Error('epropPsi: an adaptive layer needs its thresholds A.');
  const A = adaptive ? a.A! : ctx.dummy('eprop_psi.A');
  return makeDispatch(ctx.device, kernel, [u, a.U, a.S, A, a.psi], grid1d(a.rows * a.neurons, 64), label);
}

export interface EpropFactorArgs extends Shape {
  /** The learning signal filtered backwards with kappa [T, rows, neurons]. */
  Lbar: GPUBuffer;
  psi: GPUBuffer;
  /** Out: D [T, rows, neurons], with dW = sum D^T z_in and db = sum D. */
  D: GPUBuffer;
  neuron: NeuronParams;
  label?: string;
}

/** The factorised e-prop update's per-neuron part (see eprop_factor.wgsl); a matmul and a column sum finish it. */
export async function epropFactor(ctx: GpuContext, a: EpropFactorArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'eprop_factor',
    source: SHADERS.epropFactor,
    bindings: ['uniform', 'read', 'read', 'write'],
    constants: { ADAPTIVE: a.neuron.model === 'alif' ? 1 : 0 },
  });
  const label = a.label ?? 'eprop_factor';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([['u32', a.rows], ['u32', a.neurons], ['u32', a.steps], ['f32', a.neuron.beta], ['f32', a.neuron.rho], ['f32', a.neuron.gamma]]),
  );
  return makeDispatch(ctx.device, kernel, [u, a.Lbar, a.psi, a.D], grid1d(a.rows * a.neurons, 64), label);
}

export interface EpropOnlineArgs {
  rows: number;
  nIn: number;
  nOut: number;
  steps: number;
  /** Presynaptic spikes [T, rows, nIn]. */
  X: GPUBuffer;
  /** Pseudo-derivative and unfiltered learning signal [T, rows, nOut]. */
  psi: GPUBuffer;
  L: GPUBuffer;
  /** Out: dW (nOut x nIn) and db (nOut). */
  dW: GPUBuffer;
  db: GPUBuffer;
  neuron: NeuronParams;
  kappa: number;
  label?: string;
}

/** e-prop's update with one eligibility state per synapse, walking t forward (see eprop_online.wgsl). */
export async function epropOnline(ctx: GpuContext, a: EpropOnlineArgs): Promise<Dispatch> {
  const kernel = await ctx.pipelines.get({
    name: 'eprop_online',
    source: SHADERS.epropOnline,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write'],
    constants: { ADAPTIVE: a.neuron.model === 'alif' ? 1 : 0 },
  });
  const label = a.label ?? 'eprop_online';
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows], ['u32', a.nIn], ['u32', a.nOut], ['u32', a.steps],
      ['f32', a.neuron.beta], ['f32', a.kappa], ['f32', a.neuron.rho], ['f32', a.neuron.gamma],
    ]),
  );
  return makeDispatch(ctx.device, kernel, [u, a.X, a.psi, a.L, a.dW, a.db], grid1d(a.nOut * (a.nIn + 1), 64), label);
}
