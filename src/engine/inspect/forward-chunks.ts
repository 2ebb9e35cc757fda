// A trainer's forward pass over any number of rows, in chunks that reuse one
// batch of buffers, as its evaluation does: the rate network's
// (layers/forward-pass.ts) or the spiking network's over T steps
// (spiking-forward.ts). Either way a chunk has inputs, labels and scores.
import type { GpuSplit } from '../data/gpu-dataset';
import { type Dispatch, encodeDispatches } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { gatherBatch } from '../kernels/gather-batch';
import { forwardPass } from '../layers/forward-pass';
import type { RateNetwork } from '../layers/network';
import { inputScale } from './input-scale';
import { spikingForward } from './spiking-forward';
import { type AnyInspectTarget, isSpikingTarget } from './target';

/** One chunk's buffers, shared by every chunk, with this chunk's row count. */
export interface ChunkIo {
  rows: number;
  /** rows x inputs in the network's input scale: what the gather writes. */
  X: GPUBuffer;
  labels: GPUBuffer;
  /** rows x classes: what the prediction is the argmax of (the rate network's logits, the spiking readout). */
  scores: GPUBuffer;
}

export interface ForwardChunk {
  /** First row of the chunk among all rows. */
  offset: number;
  io: ChunkIo;
  dispatches: Dispatch[];
}

/** A network's forward pass over one batch of buffers, for any row count up to the batch's. */
export interface ChunkForward {
  io(rows: number): ChunkIo;
  pass(rows: number, label: string): Promise<Dispatch[]>;
}

export interface ChunkDispatches {
  /** What fills X (and labels) before the forward pass, e.g. a gather; nothing when a copy does. */
  input?: (io: ChunkIo, offset: number) => Promise<Dispatch[]>;
  /** What reads the chunk's scores after the forward pass. */
  output?: (io: ChunkIo, offset: number) => Promise<Dispatch[]>;
}

function rateForward(scratch: GpuContext, network: RateNetwork, chunkRows: number, label: string): ChunkForward {
  const shared = network.allocateBatch(scratch, chunkRows, label, false);
  const last = network.layers.length - 1;
  return {
    io: (rows) => ({ rows, X: shared.X, labels: shared.labels, scores: shared.pre[last] }),
    pass: (rows, at) => forwardPass(scratch, network, { ...shared, rows }, at),
  };
}

/** Allocates one batch of `chunkRows` (in `scratch`) and builds each chunk's dispatches over `count` rows. */
export async function forwardChunks(
  scratch: GpuContext,
  target: AnyInspectTarget,
  count: number,
  chunkRows: number,
  label: string,
  extra: ChunkDispatches = {},
): Promise<ForwardChunk[]> {
  const forward = isSpikingTarget(target) ? spikingForward(scratch, target, chunkRows, label) : rateForward(scratch, target.network, chunkRows, label);
  const chunks: ForwardChunk[] = [];
  for (let offset = 0; offset < count; offset += chunkRows) {
    const rows = Math.min(chunkRows, count - offset);
    const io = forward.io(rows);
    const at = `${label}@${offset}`;
    chunks.push({
      offset,
      io,
      dispatches: [...((await extra.input?.(io, offset)) ?? []), ...(await forward.pass(rows, at)), ...((await extra.output?.(io, offset)) ?? [])],
    });
  }
  return chunks;
}

/** A gather of rows offset.. of `index` from a split into the chunk, with the trainer's pixel transform. */
export function gatherFrom(
  scratch: GpuContext,
  target: AnyInspectTarget,
  split: GpuSplit,
  index: GPUBuffer,
  label: string,
): (io: ChunkIo, offset: number) => Promise<Dispatch[]> {
  return async (io, offset) => [
    await gatherBatch(scratch, {
      images: split.images, labels: split.labels, index, clock: scratch.dummy('inspect.clock'), X: io.X, Y: io.labels,
      rows: io.rows, pixels: target.data.pixels, useClock: false, offset, ...inputScale(target), label: `${label}@${offset}.gather`,
    }),
  ];
}

/** Copies around one chunk's compute pass (copies cannot sit inside a pass). */
export interface ChunkCopies {
  before?: (encoder: GPUCommandEncoder, chunk: ForwardChunk) => void;
  after?: (encoder: GPUCommandEncoder, chunk: ForwardChunk) => void;
}

/** Records every chunk, one compute pass each, into `encoder`. */
export function encodeChunks(encoder: GPUCommandEncoder, chunks: readonly ForwardChunk[], copies: ChunkCopies = {}): void {
  for (const chunk of chunks) {
    copies.before?.(encoder, chunk);
    const pass = encoder.beginComputePass();
    encodeDispatches(pass, chunk.dispatches);
    pass.end();
    copies.after?.(encoder, chunk);
  }
}
