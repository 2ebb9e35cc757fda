import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { fillNoise } from '../kernels/fill-noise';
import { matmul, type MatmulArgs, type SecondProduct } from '../kernels/matmul';
import { type Coefficients, usesActivity } from '../rules/rule';
import { type BatchBuffers, type DenseLayer, layerInput } from './network';

export interface FeedbackInput {
  kind: 'activity' | 'noise';
  noiseStd: number;
  seed: number;
}

/** Random streams per step: layers use 0..15 for input noise, 16..31 for update noise. */
export const NOISE_STREAM = { input: 0, update: 16 } as const;

/**
 * How B's optimiser step gets its gradient: the batch-free terms it adds
 * itself (reg_p B + reg_w W^T), and whether gB holds terms stored by the step.
 */
export interface FeedbackGradient {
  regularizer: { p: number; w: number } | null;
  readGrad: boolean;
}

/** A gradient computed elsewhere and stored in gB whole (e-prop's adaptive feedback). */
export const STORED_FEEDBACK_GRADIENT: FeedbackGradient = { regularizer: null, readGrad: true };

/** A regulariser's split: decay and self in B's optimiser step, the activity terms in gB (feedbackTerms). */
export function regularizerGradient(c: Coefficients): FeedbackGradient {
  const p = 2 * (c.decay ?? 0);
  const w = -(c.self ?? 0);
  return { regularizer: p !== 0 || w !== 0 ? { p, w } : null, readGrad: usesActivity(c) };
}

/**
 * One batch product of gB: alpha * left^T (right + beta addend), left N x nIn,
 * right N x nOut; an addend only where feedbackTerms' forwardPair asked for one.
 */
export interface FeedbackProduct {
  left: GPUBuffer;
  right: GPUBuffer;
  alpha: number;
  rightAddend?: { buffer: GPUBuffer; beta: number };
}

/**
 * A layer's activity terms: the dispatches that prepare them, then the products
 * that sum to them; and the products that other dispatches compute in their
 * second half (feedbackTerms' pairing): null's Y B^T in the backward delta
 * through this layer's B, sparse's X B in the layer's forward product.
 */
export interface FeedbackTerms {
  before: Dispatch[];
  products: FeedbackProduct[];
  backwardSecond: SecondProduct | null;
  forwardSecond: SecondProduct | null;
}

/** Which of a layer's activity products may ride in a neighbouring dispatch's second half. */
export interface FeedbackPairing {
  /** null's Y B^T in the backward delta through B (layers above the first). */
  backward: boolean;
  /**
   * sparse's X B in the forward product X W^T (activity input), with amp Y
   * left to the product's addend: the consumer must add it as it loads.
   */
  forward: boolean;
}

/**
 * Whether B's whole step fits one fused product-and-optimiser dispatch
 * (productUpdate): its activity terms are one product, and no term needs W
 * (self). The decay term rides along as the step's coupled L2.
 */
export function fusesFeedbackStep(c: Coefficients): boolean {
  return usesActivity(c) && !c.self && !(c.sparse && c.null);
}

/**
 * Where the forward pass should also store a layer's Y = X W^T (the forward
 * product before its bias, matmul's `product`): when X is the layer's input
 * batch and amp or null reads Y. Null when the terms need no Y or compute it
 * from noise themselves.
 */
export function forwardProductBuffer(ctx: GpuContext, layer: DenseLayer, batch: BatchBuffers, c: Coefficients, input: FeedbackInput): GPUBuffer | null {
  if (!usesActivity(c) || input.kind !== 'activity' || !(c.amp || c.null)) return null;
  return ctx.buffers.storage(`feedback${layer.index}.Y`, batch.rows * layer.nOut);
}

/**
 * The activity terms of grad_B of R = sum_p c_p P_p(W, B, x) (rules/primitives.ts):
 *   amp:          -(c_amp / N) X^T Y
 *   sparse:       (2 c_sparse / N) X^T (X B)
 *   null:         (2 c_null / N) (Y B^T)^T Y
 * (decay and self need no batch: B's optimiser step adds them, regularizerGradient).
 * X is the layer's input batch or fresh white noise of the same shape, and
 * Y = X W^T (no bias: docs/rules.md), `forwardY` when the forward pass stored
 * it (forwardProductBuffer). Terms that share an operand share a product.
 * With `pairing.backward`, null's Y B^T (N x nIn over nOut, B transposed: the
 * shape of the backward delta through B) is returned as that dispatch's
 * second product rather than a dispatch of its own (backward-pass.ts); with
 * `pairing.forward`, sparse's X B (the forward product's shape, B not
 * transposed) likewise for the forward product (forward-pass.ts), amp's Y
 * becoming the product's addend since the same dispatch computes it.
 */
export async function feedbackTerms(
  ctx: GpuContext,
  layer: DenseLayer,
  batch: BatchBuffers,
  c: Coefficients,
  input: FeedbackInput,
  clock: GPUBuffer,
  forwardY: GPUBuffer | null = null,
  pairing: FeedbackPairing = { backward: false, forward: false },
): Promise<FeedbackTerms> {
  const B = layer.B!;
  const N = batch.rows;
  const { nIn, nOut } = layer;
  const name = `feedback${layer.index}`;
  const r = ctx.buffers;
  const before: Promise<Dispatch>[] = [];
  const products: FeedbackProduct[] = [];
  let backwardSecond: SecondProduct | null = null;
  let forwardSecond: SecondProduct | null = null;
  if (!usesActivity(c)) return { before: [], products, backwardSecond, forwardSecond };

  let X = layerInput(batch, layer.index);
  if (input.kind === 'noise') {
    X = r.storage(`${name}.noise_input`, N * nIn);
    before.push(fillNoise(ctx, { out: X, clock, n: N * nIn, std: input.noiseStd, seed: input.seed, stream: NOISE_STREAM.input + layer.index, label: `${name}.noise` }));
  }
  // Only amp and null read Y.
  let Y: GPUBuffer | null = forwardY;
  if ((c.amp || c.null) && !Y) {
    Y = r.storage(`${name}.Y`, N * nOut);
    before.push(matmul(ctx, { M: N, N: nOut, K: nIn, A: X, B: layer.W, C: Y, transB: true, label: `${name}.Y` }));
  }
  const amp = -(c.amp ?? 0) / N;
  // amp joins sparse's right operand (X^T [a Y + s XB]) or, without sparse,
  // null's left one ([a X + n Y B^T]^T Y), folded in by the epilogue of the matmul before.
  const ampWithSparse = Boolean(c.amp && c.sparse);
  const ampWithNull = Boolean(c.amp && c.null && !c.sparse);
  if (c.amp && !ampWithSparse && !ampWithNull) products.push({ left: X, right: Y!, alpha: amp });
  if (c.sparse) {
    // S = (2 c_sparse / N) X B (+ amp Y)
    const S = r.storage(`${name}.XB`, N * nOut);
    const alpha = (2 * c.sparse) / N;
    if (pairing.forward && input.kind === 'activity' && !c.null) {
      forwardSecond = { A: X, B, C: S, transB: false, alpha };
      products.push({ left: X, right: S, alpha: 1, ...(ampWithSparse ? { rightAddend: { buffer: Y!, beta: amp } } : {}) });
    } else {
      const plusAmp = ampWithSparse ? { epilogue: { kind: 'axpby', beta: amp, addend: Y! } as const } : {};
      before.push(matmul(ctx, { M: N, N: nOut, K: nIn, A: X, B, C: S, alpha, ...plusAmp, label: `${name}.XB` }));
      products.push({ left: X, right: S, alpha: 1 });
    }
  }
  if (c.null) {
    // R = (2 c_null / N) Y B^T (+ amp X)
    const R = r.storage(`${name}.YBt`, N * nIn);
    const plusAmp = ampWithNull ? { epilogue: { kind: 'axpby', beta: amp, addend: X } as const } : {};
    const YBt = { A: Y!, B, C: R, alpha: (2 * c.null) / N, ...plusAmp } satisfies Partial<MatmulArgs>;
    if (pairing.backward) backwardSecond = YBt;
    else before.push(matmul(ctx, { M: N, N: nIn, K: nOut, transB: true, ...YBt, label: `${name}.YBt` }));
    products.push({ left: R, right: Y!, alpha: 1 });
  }
  return { before: await Promise.all(before), products, backwardSecond, forwardSecond };
}

/**
 * The activity terms stored in gB for B's separate optimiser step: the first
 * product overwrites last step's gB, later ones add to it. None when the
 * regulariser has no activity terms.
 */
export async function storedFeedbackGradient(
  ctx: GpuContext,
  layer: DenseLayer,
  batch: BatchBuffers,
  c: Coefficients,
  input: FeedbackInput,
  clock: GPUBuffer,
  forwardY: GPUBuffer | null = null,
): Promise<Dispatch[]> {
  const { before, products } = await feedbackTerms(ctx, layer, batch, c, input, clock, forwardY);
  const name = `feedback${layer.index}`;
  const stores = products.map(({ left, right, alpha }, i) =>
    matmul(ctx, {
      M: layer.nIn, N: layer.nOut, K: batch.rows, A: left, B: right, C: layer.gB!, transA: true, alpha,
      ...(i > 0 ? { epilogue: { kind: 'accumulate', beta: 1 } as const } : {}),
      label: `${name}.grad${i}`,
    }),
  );
  return [...before, ...(await Promise.all(stores))];
}
