import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { resolveVariant } from './matmul';
import { type MatmulShape, type MatmulVariant, VARIANT_KERNELS } from './matmul-variants';
import { OPTIMIZERS, type OptimizerSettings, optimizerSettingsFields } from './optimizer';

/** Storage buffers one fused update binds (matmul_update.wgsl): the devices that allow fewer run the unfused path. */
export const WEIGHT_UPDATE_STORAGE_BINDINGS = 10;

/** ...and with B's own step beside W's (matmul_update_twin.wgsl): B's moments make 12. */
export const TWIN_STEP_STORAGE_BINDINGS = 12;

/** ...and with B's step from its own product (matmul_operands_paired.wgsl): its three operands make 15. */
export const PAIRED_UPDATE_STORAGE_BINDINGS = 15;

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
  /** A trained B that takes its own step in W's dispatch (ProductUpdateArgs.twinStep). */
  twinStep?: TwinStep;
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
  /** Rewrites the settings (rates, coefficients, schedule), B's with a twin step; takes effect from the next submit. */
  update(weights: OptimizerSettings, bias: OptimizerSettings, twin?: OptimizerSettings): void;
}

/**
 * A trained B (the parameter's transposed shape) that takes its own optimiser
 * step in the parameter's update, from weight_decay B plus either self W^T,
 * with W read before its step (a gradient that needs no batch: symmetric
 * alignment's decay and self terms, or update noise alone), or a product of
 * its own over the batch (`product`, with self 0). Its settings carry the
 * decay term as coupled L2 and its update noise.
 */
export interface TwinStep {
  B: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  settings: OptimizerSettings;
  self: number;
  product?: TwinProduct;
}

/**
 * B's gradient term alpha ((left + beta addend)^T right)^T, in the parameter's
 * orientation: left (and addend) rows x M and right rows x N, as the
 * parameter's own operands. The dispatch computes it beside the parameter's
 * product (workgroups z = 1), where the device binds 15 storage buffers
 * (canFusePairedUpdate).
 */
export interface TwinProduct {
  left: GPUBuffer;
  right: GPUBuffer;
  alpha: number;
  addend?: { buffer: GPUBuffer; beta: number };
}

/** Whether this device can bind a fused update, or needs the separate gradient and optimiser dispatches. */
export function canFuseUpdates(ctx: GpuContext): boolean {
  return ctx.limits.maxStorageBuffersPerShaderStage >= WEIGHT_UPDATE_STORAGE_BINDINGS;
}

/** Whether this device can bind a fused update with B's own step (a TwinStep). */
export function canFuseTwinStep(ctx: GpuContext): boolean {
  return ctx.limits.maxStorageBuffersPerShaderStage >= TWIN_STEP_STORAGE_BINDINGS;
}

/** Whether this device can bind a fused update whose B steps from a product of its own (TwinStep.product). */
export function canFusePairedUpdate(ctx: GpuContext): boolean {
  return ctx.limits.maxStorageBuffersPerShaderStage >= PAIRED_UPDATE_STORAGE_BINDINGS;
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
    bias: { b: a.b, mb: a.mb, vb: a.vb, settings: a.bias }, tied: a.tied, twinStep: a.twinStep, clock: a.clock, settings: a.weights,
    seed: a.seed, stream: a.stream, variant: a.variant, label: a.label ?? 'weight_update',
  });
  return {
    dispatch: step.dispatch,
    update(weights, bias, twin) {
      checkSettings(weights, bias);
      step.update(weights, bias, twin);
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
  /** A trained B with its own step beside the param's (not with `tied`); needs canFuseTwinStep. */
  twinStep?: TwinStep;
  clock: GPUBuffer;
  settings: OptimizerSettings;
  seed: number;
  stream: number;
  variant?: MatmulVariant | 'auto';
  label: string;
}

export interface ProductUpdateStep {
  dispatch: Dispatch;
  /**
   * New settings (the bias's ignored without a bias, the twin's without a twin
   * step); the method and noise on/off are fixed.
   */
  update(settings: OptimizerSettings, bias?: OptimizerSettings, twin?: OptimizerSettings): void;
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
  const twin = a.twinStep;
  const paired = twin?.product;
  if (twin) checkTwinStep(ctx, a);
  const kind = paired ? 'paired' : twin ? 'twin' : 'plain';
  const kernel = await ctx.pipelines.get({
    name: { plain: `${v.name}_update`, twin: `${v.name}_update_twin`, paired: `${v.name}_update_paired` }[kind],
    source: { plain: v.updateSource, twin: v.updateTwinSource, paired: v.updatePairedSource }[kind],
    bindings: [
      'uniform', 'read', 'read', 'read', 'write', 'write', 'uniform', 'write', 'write', 'write', 'write', 'write',
      ...(twin ? (['write', 'write'] as const) : []),
      ...(paired ? (['read', 'read', 'read'] as const) : []),
    ],
    constants: {
      TRANS_A: 1,
      TRANS_B: 0,
      METHOD: OPTIMIZERS.indexOf(a.settings.method),
      TIED: a.tied ? 1 : 0,
      NOISE: a.settings.noiseStd > 0 ? 1 : 0,
      BIAS_GRAD: a.bias ? 1 : 0,
      ...(twin ? { TWIN_NOISE: twin.settings.noiseStd > 0 ? 1 : 0 } : {}),
      ...(paired?.addend ? { TWIN_ADDEND: 1 } : {}),
      ...(paired && paired.right === a.right ? { SHARED_B: 1 } : {}),
      ...v.fits(shape),
    },
  });
  const params: Array<['u32' | 'f32', number]> = [['u32', shape.M], ['u32', shape.N], ['u32', shape.K], ['f32', a.alpha ?? 1], ['f32', twin?.self ?? 0], ['f32', paired?.alpha ?? 0], ['f32', paired?.addend?.beta ?? 0]];
  const product = ctx.uniform(`${a.label}.params`, packUniforms(params));
  // B's step draws its noise as B's separate step would: B's element index in the param's stream.
  const settingsOf = (s: OptimizerSettings, bias = a.bias?.settings ?? s, twinSettings = twin?.settings ?? s) =>
    packUniforms([
      ...optimizerSettingsFields(s, a.seed, a.stream),
      ...optimizerSettingsFields(bias, a.seed, 0),
      ...optimizerSettingsFields(twinSettings, a.seed, a.stream),
    ]);
  const settings = ctx.uniform(`${a.label}.settings`, settingsOf(a.settings));
  const dummy = (what: string) => ctx.dummy(`weight_update.${what}`);
  const tied = a.tied ?? twin?.B ?? dummy('tied');
  const bias = a.bias ? [a.bias.b, a.bias.mb, a.bias.vb] : [dummy('bias'), dummy('bias_m'), dummy('bias_v')];
  const buffers = [
    product, a.left, a.right, a.clock, a.param, a.m, settings, a.v, tied, ...bias,
    ...(twin ? [twin.m, twin.v] : []),
    ...(paired ? [paired.left, paired.right, paired.addend?.buffer ?? dummy('addend')] : []),
  ];
  // A paired dispatch runs the variant's grid twice over: z = 0 steps the param, z = 1 B.
  const [x, y] = v.grid(shape);
  const dispatch = makeDispatch(ctx.device, kernel, buffers, [x, y, paired ? 2 : 1], a.label);
  const fixed = [a.settings, ...(twin ? [twin.settings] : [])];
  return {
    dispatch,
    update(next, nextBias, nextTwin) {
      const now = [next, ...(twin ? [nextTwin ?? twin.settings] : [])];
      if (now.some((s, i) => s.method !== fixed[i].method || (s.noiseStd > 0) !== (fixed[i].noiseStd > 0))) {
        throw new Error('optimizer method and noise on/off are fixed when the network is built');
      }
      ctx.device.queue.writeBuffer(settings, 0, settingsOf(next, nextBias ?? next, nextTwin ?? twin?.settings ?? next));
    },
  };
}

/** A twin step shares the param's method (one METHOD) and leaves the param itself noise-free. */
function checkTwinStep(ctx: GpuContext, a: ProductUpdateArgs): void {
  const has = ctx.limits.maxStorageBuffersPerShaderStage;
  if (!canFuseTwinStep(ctx)) throw new Error(`a twin step binds ${TWIN_STEP_STORAGE_BINDINGS} storage buffers and this device allows ${has}`);
  if (a.twinStep!.product) {
    if (!canFusePairedUpdate(ctx)) throw new Error(`a twin step with its own product binds ${PAIRED_UPDATE_STORAGE_BINDINGS} storage buffers and this device allows ${has}`);
    // The z = 1 half would read W while the z = 0 half writes it.
    if (a.twinStep!.self !== 0) throw new Error('a twin step with its own product cannot also read W^T (self)');
  }
  if (a.tied) throw new Error('a tied twin takes the same step as its param, not one of its own');
  if (a.twinStep!.settings.method !== a.settings.method) throw new Error('a twin step uses its param\'s optimiser method');
  if (a.settings.noiseStd > 0) throw new Error('with a twin step, update noise goes to the twin (its own settings), not the param');
}

function checkSettings(weights: OptimizerSettings, bias: OptimizerSettings): void {
  if (weights.method !== bias.method) throw new Error('a fused update steps W and b with one optimiser method');
  if (bias.noiseStd > 0) throw new Error('a fused update adds no noise to the bias');
}
