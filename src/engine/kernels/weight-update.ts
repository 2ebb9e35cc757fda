import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, makeDispatch, packUniforms } from '../device/dispatch';
import { resolveVariant } from './matmul';
import { type MatmulShape, type MatmulVariant, VARIANT_KERNELS } from './matmul-variants';
import { type MomentSlots, OPTIMIZERS, type OptimizerSettings, optimizerSettingsFields } from './optimizer';
import { matmulModule } from './sources';

/**
 * Storage buffers one fused update binds (matmul_update.wgsl): the product's
 * operands, the clock, W, the moments of W and b (one buffer), the twin and
 * the bias; within WebGPU's default 8. Devices that allow fewer run the unfused path.
 */
export const WEIGHT_UPDATE_STORAGE_BINDINGS = 7;

/** ...and with B's own step beside W's (matmul_update_twin.wgsl): B's moments make 8. */
export const TWIN_STEP_STORAGE_BINDINGS = 8;

/**
 * ...and with B's step from its own product (matmul_operands_paired.wgsl): A2,
 * and B2 unless it is the param's right operand, or A3 for an addend; at most
 * 10, the most Chrome offers on some devices.
 */
export const PAIRED_UPDATE_STORAGE_BINDINGS = 10;

export interface WeightUpdateArgs {
  /** The layer's delta, rows x nOut (means over the batch). */
  delta: GPUBuffer;
  /** The layer's input, rows x nIn. */
  input: GPUBuffer;
  rows: number;
  nOut: number;
  nIn: number;
  W: GPUBuffer;
  b: GPUBuffer;
  /** W's and b's moments, in one buffer: the kernel binds it once. */
  momentsW: MomentSlots;
  momentsb: MomentSlots;
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
  moments: MomentSlots;
  settings: OptimizerSettings;
  self: number;
  product?: TwinProduct;
}

/**
 * B's gradient term alpha ((left + beta addend)^T right)^T, in the parameter's
 * orientation: left (and addend) rows x M and right rows x N, as the
 * parameter's own operands. The dispatch computes it beside the parameter's
 * product (workgroups z = 1), where the device binds 10 storage buffers
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
    left: a.delta, right: a.input, rows: a.rows, M: a.nOut, N: a.nIn, param: a.W, moments: a.momentsW,
    bias: { b: a.b, moments: a.momentsb, settings: a.bias }, tied: a.tied, twinStep: a.twinStep, clock: a.clock, settings: a.weights,
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
  moments: MomentSlots;
  /** A bias (length M) stepped from left's column sums in the same pass; its moments in the param's moments buffer. */
  bias?: { b: GPUBuffer; moments: MomentSlots; settings: OptimizerSettings };
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
  if (a.bias && a.bias.moments.buffer !== a.moments.buffer) throw new Error("a fused update reads the bias's moments from the param's moments buffer");
  const role = paired ? 'update-paired' : twin ? 'update-twin' : 'update';
  const second = { sharedB: paired?.right === a.right, addend: paired?.addend !== undefined };
  const kernel = await ctx.pipelines.get({
    name: `${v.name}_${role.replace('-', '_')}${second.sharedB ? '_shared_b' : ''}${second.addend ? '_addend' : ''}`,
    source: matmulModule(v.code, role, second),
    // 0 params, 1 A, 2 B, 3 clock, 4 W, 5 moments, 6 settings, 7 twin, 8 bias; 9 the twin's moments;
    // 14 A2, 15 B2, 16 A3 (matmul_operands_paired.wgsl and the snippets after it).
    bindings: [
      'uniform', 'read', 'read', 'read', 'write', 'write', 'uniform', 'write', 'write',
      ...(twin ? (['write'] as const) : []),
      ...(paired ? ([null, null, null, null, 'read', second.sharedB ? null : 'read', second.addend ? 'read' : null] as const) : []),
    ],
    constants: {
      TRANS_A: 1,
      TRANS_B: 0,
      METHOD: OPTIMIZERS.indexOf(a.settings.method),
      TIED: a.tied ? 1 : 0,
      NOISE: a.settings.noiseStd > 0 ? 1 : 0,
      BIAS_GRAD: a.bias ? 1 : 0,
      ...(twin ? { TWIN_NOISE: twin.settings.noiseStd > 0 ? 1 : 0 } : {}),
      ...v.fits(shape),
    },
  });
  const params: Array<['u32' | 'f32', number]> = [
    ['u32', shape.M], ['u32', shape.N], ['u32', shape.K], ['f32', a.alpha ?? 1], ['f32', twin?.self ?? 0], ['f32', paired?.alpha ?? 0], ['f32', paired?.addend?.beta ?? 0],
    ['u32', a.moments.m], ['u32', a.moments.v], ['u32', a.bias?.moments.m ?? 0], ['u32', a.bias?.moments.v ?? 0], ['u32', twin?.moments.m ?? 0], ['u32', twin?.moments.v ?? 0],
  ];
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
  const buffers = [
    product, a.left, a.right, a.clock, a.param, a.moments.buffer, settings, tied, a.bias?.b ?? dummy('bias'),
    ...(twin ? [twin.moments.buffer] : []),
    ...(paired ? [null, null, null, null, paired.left, second.sharedB ? null : paired.right, paired.addend?.buffer ?? null] : []),
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
