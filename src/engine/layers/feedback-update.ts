import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { fillNoise } from '../kernels/fill-noise';
import { matmul } from '../kernels/matmul';
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

/** A regulariser's split: decay and self in B's optimiser step, the activity terms in gB (feedbackUpdate). */
export function regularizerGradient(c: Coefficients): FeedbackGradient {
  const p = 2 * (c.decay ?? 0);
  const w = -(c.self ?? 0);
  return { regularizer: p !== 0 || w !== 0 ? { p, w } : null, readGrad: usesActivity(c) };
}

/**
 * gB = grad_B of R = sum_p c_p P_p(W, B, x), term by term (rules/primitives.ts):
 *   decay, self:  2 c_decay B - c_self W^T     (added by B's optimiser step: regularizerGradient)
 *   amp:          -(c_amp / N) X^T Y            Y = X W^T
 *   sparse:       (2 c_sparse / N) X^T (X B)
 *   null:         (2 c_null / N) (Y B^T)^T Y
 * X is the layer's input batch or fresh white noise of the same shape. The
 * dispatches here store the activity terms in gB: none when the regulariser
 * has no activity terms.
 */
export async function feedbackUpdate(
  ctx: GpuContext,
  layer: DenseLayer,
  batch: BatchBuffers,
  c: Coefficients,
  input: FeedbackInput,
  clock: GPUBuffer,
): Promise<Dispatch[]> {
  const B = layer.B!;
  const gB = layer.gB!;
  const N = batch.rows;
  const { nIn, nOut } = layer;
  const name = `feedback${layer.index}`;
  const r = ctx.buffers;
  if (!usesActivity(c)) return [];
  const out: Promise<Dispatch>[] = [];

  let X = layerInput(batch, layer.index);
  if (input.kind === 'noise') {
    X = r.storage(`${name}.noise_input`, N * nIn);
    out.push(fillNoise(ctx, { out: X, clock, n: N * nIn, std: input.noiseStd, seed: input.seed, stream: NOISE_STREAM.input + layer.index, label: `${name}.noise` }));
  }
  // The first product into gB overwrites last step's; a second adds to it.
  let written = false;
  const into = () => {
    const first = !written;
    written = true;
    return first ? {} : { epilogue: { kind: 'accumulate', beta: 1 } as const };
  };
  const amp = -(c.amp ?? 0) / N;
  let Y: GPUBuffer | null = null;
  if (c.amp || c.null) {
    Y = r.storage(`${name}.Y`, N * nOut);
    out.push(matmul(ctx, { M: N, N: nOut, K: nIn, A: X, B: layer.W, C: Y, transB: true, label: `${name}.Y` }));
  }
  // Terms that share an operand share a product: amp joins sparse's right
  // operand (X^T [a Y + s XB]) or, without sparse, null's left one ([a X + n Y B^T]^T Y),
  // folded in by the epilogue of the matmul before.
  const ampWithSparse = Boolean(c.amp && c.sparse);
  const ampWithNull = Boolean(c.amp && c.null && !c.sparse);
  if (c.amp && !ampWithSparse && !ampWithNull) {
    out.push(matmul(ctx, { M: nIn, N: nOut, K: N, A: X, B: Y!, C: gB, transA: true, alpha: amp, ...into(), label: `${name}.amp` }));
  }
  if (c.sparse) {
    // S = (2 c_sparse / N) X B (+ amp Y)
    const S = r.storage(`${name}.XB`, N * nOut);
    const plusAmp = ampWithSparse ? { epilogue: { kind: 'axpby', beta: amp, addend: Y! } as const } : {};
    out.push(
      matmul(ctx, { M: N, N: nOut, K: nIn, A: X, B, C: S, alpha: (2 * c.sparse) / N, ...plusAmp, label: `${name}.XB` }),
      matmul(ctx, { M: nIn, N: nOut, K: N, A: X, B: S, C: gB, transA: true, ...into(), label: `${name}.sparse` }),
    );
  }
  if (c.null) {
    // R = (2 c_null / N) Y B^T (+ amp X)
    const R = r.storage(`${name}.YBt`, N * nIn);
    const plusAmp = ampWithNull ? { epilogue: { kind: 'axpby', beta: amp, addend: X } as const } : {};
    out.push(
      matmul(ctx, { M: N, N: nIn, K: nOut, A: Y!, B, C: R, transB: true, alpha: (2 * c.null) / N, ...plusAmp, label: `${name}.YBt` }),
      matmul(ctx, { M: nIn, N: nOut, K: N, A: R, B: Y!, C: gB, transA: true, ...into(), label: `${name}.null` }),
    );
  }
  return Promise.all(out);
}
