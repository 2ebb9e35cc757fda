import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { resolveVariant } from './matmul';
import { type MatmulShape, type MatmulVariant, VARIANT_KERNELS } from './matmul-variants';
import { OPTIMIZERS, type OptimizerSettings, optimizerSettingsFields } from './optimizer';

/** Storage buffers one fused update binds (matmul_update.wgsl): the devices that allow fewer run the unfused path. */
export const WEIGHT_UPDATE_STORAGE_BINDINGS = 10;


export interface WeightUpdateArgs {
  /** The layer's delta, rows x nOut (means over the batch). */
  delta: GPUBuffer;
  /** The layer's input, rows x nIn. */
  input: GPUBuffer;
  rows: number;
  nOut: number;
  nIn: number;
  W: GPUBuffer;
  mW: GPUBuffer;
  vW: GPUBuffer;
  b: GPUBuffer;
  mb: GPUBuffer;
  vb: GPUBuffer;
  /** Kolen-Pollack: B (W^T's shape), which receives the same step. */
  tied?: GPUBuffer;
  clock: GPUBuffer;
  weights: OptimizerSettings;
  /** The bias's settings: same method as the weights', no update noise. */
  bias: OptimizerSettings;
  seed: number;
  /** Random stream of W's update noise. */
  stream: number;
  variant?: MatmulVariant | 'auto';
  label?: string;
}

export interface WeightUpdateStep {
  dispatch: Dispatch;
  /** Rewrites both settings (rates, coefficients, schedule); takes effect from the next submit. */
  update(weights: OptimizerSettings, bias: OptimizerSettings): void;
}

/** Whether this device can bind a fused update, or needs the separate gradient and optimiser dispatches. */
export function canFuseUpdates(ctx: GpuContext): boolean {
  return ctx.limits.maxStorageBuffersPerShaderStage >= WEIGHT_UPDATE_STORAGE_BINDINGS;
}

/** The product the update computes, dW = delta^T input (nOut x nIn over the batch). */
export function weightGradientShape(a: Pick<WeightUpdateArgs, 'rows' | 'nOut' | 'nIn'>): MatmulShape {
  return { M: a.nOut, N: a.nIn, K: a.rows, transA: true };
}

/**
 * One layer's whole parameter update in one dispatch: the weight-gradient
 * matmul (whichever variant `matmul` would pick for it) with the optimiser as
 * its epilogue, the bias gradient from the same pass over delta, and KP's tied B.
 * It reads delta and the input, so it runs after every delta of the step.
 */
export async function weightUpdate(ctx: GpuContext, a: WeightUpdateArgs): Promise<WeightUpdateStep> {
  checkSettings(a.weights, a.bias);
  const step = await productUpdate(ctx, {
    left: a.delta, right: a.input, rows: a.rows, M: a.nOut, N: a.nIn, param: a.W, m: a.mW, v: a.vW,
    bias: { b: a.b, mb: a.mb, vb: a.vb, settings: a.bias }, tied: a.tied, clock: a.clock, settings: a.weights,
    seed: a.seed, stream: a.stream, variant: a.variant, label: a.label ?? 'weight_update',
  });
  return {
    dispatch: step.dispatch,
    update(weights, bias) {
      checkSettings(weights, bias);
      step.update(weights, bias);
    },
  };
}

export interface ProductUpdateArgs {
  /** rows x M and rows x N: the gradient is alpha * left^T right (M x N), summed over the rows. */
  left: GPUBuffer;
  right: GPUBuffer;
  rows: number;
  M: number;
  N: number;
  /** Default 1. */
  alpha?: number;
  /** The M x N parameter and its moments. */
  param: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  /** A bias (length M) stepped from left's column sums in the same pass. */
  bias?: { b: GPUBuffer; mb: GPUBuffer; vb: GPUBuffer; settings: OptimizerSettings };
  /** Kolen-Pollack: the param's transposed twin, which receives the same step. */
  tied?: GPUBuffer;
  clock: GPUBuffer;
  settings: OptimizerSettings;
  seed: number;
  stream: number;
  variant?: MatmulVariant | 'auto';
  label: string;
}

export interface ProductUpdateStep {
  dispatch: Dispatch;
  /** New settings (the bias's ignored without a bias); the method and noise on/off are fixed. */
  update(settings: OptimizerSettings, bias?: OptimizerSettings): void;
}

/**
 * A parameter whose gradient is a product over the batch, alpha * left^T right,
 * stepped by the optimiser where the product is computed (matmul_update.wgsl):
 * a layer's W (weightUpdate) or a trained B's activity terms (layers/feedback-update.ts).
 */
export async function productUpdate(ctx: GpuContext, a: ProductUpdateArgs): Promise<ProductUpdateStep> {
  const shape: MatmulShape = { M: a.M, N: a.N, K: a.rows, transA: true };
  const variant = resolveVariant(ctx, { ...shape, A: a.left, B: a.right, C: a.param, variant: a.variant });
  const v = VARIANT_KERNELS[variant];
  const kernel = await ctx.pipelines.get({
    name: `${v.name}_update`,
    source: v.updateSource,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write', 'uniform', 'write', 'write', 'write', 'write', 'write'],
    constants: {
      TRANS_A: 1,
      TRANS_B: 0,
      METHOD: OPTIMIZERS.indexOf(a.settings.method),
      TIED: a.tied ? 1 : 0,
      NOISE: a.settings.noiseStd > 0 ? 1 : 0,
      BIAS_GRAD: a.bias ? 1 : 0,
      ...v.fits(shape),
    },
  });
  const product = ctx.uniform(`${a.label}.params`, packUniforms([['u32', shape.M], ['u32', shape.N], ['u32', shape.K], ['f32', a.alpha ?? 1], ['f32', 0]]));
  const settingsOf = (s: OptimizerSettings, bias = a.bias?.settings ?? s) =>
    packUniforms([...optimizerSettingsFields(s, a.seed, a.stream), ...optimizerSettingsFields(bias, a.seed, 0)]);
  const settings = ctx.uniform(`${a.label}.settings`, settingsOf(a.settings));
  const dummy = (what: string) => ctx.dummy(`weight_update.${what}`);
  const tied = a.tied ?? dummy('tied');
  const bias = a.bias ? [a.bias.b, a.bias.mb, a.bias.vb] : [dummy('bias'), dummy('bias_m'), dummy('bias_v')];
  const buffers = [product, a.left, a.right, a.clock, a.param, a.m, settings, a.v, tied, ...bias];
  const dispatch = makeDispatch(ctx.device, kernel, buffers, v.grid(shape), a.label);
  const { method, noiseStd } = a.settings;
  return {
    dispatch,
    update(next, nextBias) {
      if (next.method !== method || (next.noiseStd > 0) !== (noiseStd > 0)) {
        throw new Error('optimizer method and noise on/off are fixed when the network is built');
      }
      ctx.device.queue.writeBuffer(settings, 0, settingsOf(next, nextBias ?? next));
    },
  };
}

function checkSettings(weights: OptimizerSettings, bias: OptimizerSettings): void {
  if (weights.method !== bias.method) throw new Error('a fused update steps W and b with one optimiser method');
  if (bias.noiseStd > 0) throw new Error('a fused update adds no noise to the bias');
}
