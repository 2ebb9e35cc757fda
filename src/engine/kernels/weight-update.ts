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

function settingsUniform(a: WeightUpdateArgs, weights: OptimizerSettings, bias: OptimizerSettings): ArrayBuffer {
  return packUniforms([...optimizerSettingsFields(weights, a.seed, a.stream), ...optimizerSettingsFields(bias, a.seed, 0)]);
}

function checkSettings(weights: OptimizerSettings, bias: OptimizerSettings): void {
  if (weights.method !== bias.method) throw new Error('a fused update steps W and b with one optimiser method');
  if (bias.noiseStd > 0) throw new Error('a fused update adds no noise to the bias');
}

/**
 * One layer's whole parameter update in one dispatch: the weight-gradient
 * matmul (whichever variant `matmul` would pick for it) with the optimiser as
 * its epilogue, the bias gradient from the same pass over delta, and KP's tied B.
 * It reads delta and the input, so it runs after every delta of the step.
 */
export async function weightUpdate(ctx: GpuContext, a: WeightUpdateArgs): Promise<WeightUpdateStep> {
  checkSettings(a.weights, a.bias);
  const label = a.label ?? 'weight_update';
  const shape = weightGradientShape(a);
  const variant = resolveVariant(ctx, { ...shape, A: a.delta, B: a.input, C: a.W, variant: a.variant });
  const v = VARIANT_KERNELS[variant];
  const kernel = await ctx.pipelines.get({
    name: `${v.name}_update`,
    source: v.updateSource,
    bindings: ['uniform', 'read', 'read', 'read', 'write', 'write', 'uniform', 'write', 'write', 'write', 'write', 'write'],
    constants: {
      TRANS_A: 1,
      TRANS_B: 0,
      METHOD: OPTIMIZERS.indexOf(a.weights.method),
      TIED: a.tied ? 1 : 0,
      NOISE: a.weights.noiseStd > 0 ? 1 : 0,
      ...v.fits(shape),
    },
  });
  const product = ctx.uniform(`${label}.params`, packUniforms([['u32', shape.M], ['u32', shape.N], ['u32', shape.K], ['f32', 1], ['f32', 0]]));
  const settings = ctx.uniform(`${label}.settings`, settingsUniform(a, a.weights, a.bias));
  const tied = a.tied ?? ctx.dummy('weight_update.tied');
  const buffers = [product, a.delta, a.input, a.clock, a.W, a.mW, settings, a.vW, tied, a.b, a.mb, a.vb];
  const dispatch = makeDispatch(ctx.device, kernel, buffers, v.grid(shape), label);
  const { method, noiseStd } = a.weights;
  return {
    dispatch,
    update(weights, bias) {
      checkSettings(weights, bias);
      if (weights.method !== method || (weights.noiseStd > 0) !== (noiseStd > 0)) {
        throw new Error('optimizer method and noise on/off are fixed when the network is built');
      }
      ctx.device.queue.writeBuffer(settings, 0, settingsUniform(a, weights, bias));
    },
  };
}
