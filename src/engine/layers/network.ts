import type { GpuContext } from '../device/gpu-context';
import type { Activation } from '../kernels/activation';
import { type MomentSlots, momentSlots } from '../kernels/optimizer';
import type { Feedback } from '../rules/rule';
import type { LayerInit } from './init';

/** One dense layer's parameters, gradients and optimiser state on the GPU. */
export interface DenseLayer {
  /** 1-based position; layer l maps h_{l-1} (nIn) to a_l (nOut). */
  index: number;
  nIn: number;
  nOut: number;
  /** Nonlinearity of this layer's output (identity for the output layer). */
  act: Activation;
  W: GPUBuffer;
  b: GPUBuffer;
  /** Backward weights, nIn x feedbackCols; null under weight transport. */
  B: GPUBuffer | null;
  feedbackCols: number;
  kappa: number;
  gW: GPUBuffer;
  gb: GPUBuffer;
  gB: GPUBuffer | null;
  /** W's and b's optimiser moments in one buffer: m_W, v_W, m_b, v_b (layerMoments). */
  moments: GPUBuffer;
  /** B's, where the rule trains B: m_B, v_B. */
  momentsB: GPUBuffer | null;
}

/** Where W's and b's moments lie in a layer's `moments` buffer. */
export function layerMoments(l: Pick<DenseLayer, 'nIn' | 'nOut' | 'moments'>): { W: MomentSlots; b: MomentSlots } {
  const w = l.nOut * l.nIn;
  return { W: momentSlots(l.moments, w), b: momentSlots(l.moments, l.nOut, 2 * w) };
}

/** Where B's moments lie in `momentsB` (null where B is not trained). */
export function feedbackMoments(l: Pick<DenseLayer, 'nIn' | 'feedbackCols' | 'momentsB'>): MomentSlots | null {
  return l.momentsB && momentSlots(l.momentsB, l.nIn * l.feedbackCols);
}

/** Floats of a layer's `moments` buffer. */
export const layerMomentFloats = (nIn: number, nOut: number) => 2 * (nOut * nIn + nOut);

/** Per-batch-size buffers: inputs, labels and each layer's pre-activations, activations and deltas. */
export interface BatchBuffers {
  rows: number;
  X: GPUBuffer;
  labels: GPUBuffer;
  pre: GPUBuffer[];
  post: GPUBuffer[];
  delta: GPUBuffer[];
}

export class RateNetwork {
  private constructor(
    readonly sizes: readonly number[],
    readonly layers: DenseLayer[],
  ) {}

  get inputSize(): number {
    return this.sizes[0];
  }

  get classes(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** Uploads initial parameters; `needsFeedbackGrad` allocates B's gradient and moments. */
  static create(
    ctx: GpuContext,
    init: LayerInit[],
    act: Activation,
    feedback: Feedback,
    needsFeedbackGrad: boolean,
  ): RateNetwork {
    const sizes = [init[0].nIn, ...init.map((l) => l.nOut)];
    const classes = sizes[sizes.length - 1];
    const r = ctx.buffers;
    const layers = init.map((p, i): DenseLayer => {
      const name = `layer${i + 1}`;
      const feedbackCols = feedback === 'direct' ? classes : p.nOut;
      const hasB = p.B !== null;
      const nB = p.nIn * feedbackCols;
      return {
        index: i + 1,
        nIn: p.nIn,
        nOut: p.nOut,
        act: i === init.length - 1 ? 'identity' : act,
        W: r.createWithData(`${name}.W`, p.W),
        b: r.createWithData(`${name}.b`, p.b),
        B: hasB ? r.createWithData(`${name}.B`, p.B!) : null,
        feedbackCols,
        kappa: p.kappa,
        gW: r.storage(`${name}.gW`, p.nOut * p.nIn),
        gb: r.storage(`${name}.gb`, p.nOut),
        gB: hasB && needsFeedbackGrad ? r.storage(`${name}.gB`, nB) : null,
        moments: r.storage(`${name}.moments`, layerMomentFloats(p.nIn, p.nOut)),
        momentsB: hasB && needsFeedbackGrad ? r.storage(`${name}.momentsB`, 2 * nB) : null,
      };
    });
    return new RateNetwork(sizes, layers);
  }

  allocateBatch(ctx: GpuContext, rows: number, label: string, withDeltas: boolean): BatchBuffers {
    const r = ctx.buffers;
    return {
      rows,
      X: r.storage(`${label}.X`, rows * this.inputSize),
      labels: r.storage(`${label}.labels`, rows),
      pre: this.layers.map((l) => r.storage(`${label}.a${l.index}`, rows * l.nOut)),
      post: this.layers.map((l) => r.storage(`${label}.h${l.index}`, rows * l.nOut)),
      delta: withDeltas ? this.layers.map((l) => r.storage(`${label}.delta${l.index}`, rows * l.nOut)) : [],
    };
  }

  /** Bytes the parameters and a batch of `rows` will take, for refusing oversize networks up front. */
  static estimateBytes(sizes: readonly number[], rows: number, evalRows: number): { largestBuffer: number; total: number } {
    let largest = 0;
    let total = 0;
    for (let l = 1; l < sizes.length; l++) {
      const w = sizes[l - 1] * sizes[l] * 4;
      largest = Math.max(largest, layerMomentFloats(sizes[l - 1], sizes[l]) * 4, Math.max(rows, evalRows) * sizes[l] * 4);
      total += w * 7 + (rows * 3 + evalRows * 2) * sizes[l] * 4;
    }
    largest = Math.max(largest, Math.max(rows, evalRows) * sizes[0] * 4);
    return { largestBuffer: largest, total };
  }
}

/** Input of layer l (1-based): the batch itself for the first layer. */
export function layerInput(batch: BatchBuffers, l: number): GPUBuffer {
  return l === 1 ? batch.X : batch.post[l - 2];
}
