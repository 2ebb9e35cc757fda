// The trainer's forward pass (layers/forward-pass.ts) over any number of
// rows, in chunks that reuse one batch of buffers, as its evaluation does.
import type { GpuSplit } from '../data/gpu-dataset';
import { type Dispatch, encodeDispatches } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { gatherBatch } from '../kernels/gather-batch';
import { forwardPass } from '../layers/forward-pass';
import type { BatchBuffers, RateNetwork } from '../layers/network';
import { inputScale } from './input-scale';
import type { InspectTarget } from './target';

export interface ForwardChunk {
  /** First row of the chunk among all rows. */
  offset: number;
  /** The shared batch buffers, with this chunk's row count. */
  batch: BatchBuffers;
  dispatches: Dispatch[];
}

export interface ChunkDispatches {
  /** What fills batch.X (and labels) before the forward pass, e.g. a gather; nothing when a copy does. */
  input?: (batch: BatchBuffers, offset: number) => Promise<Dispatch[]>;
  /** What reads the chunk's outputs after the forward pass. */
  output?: (batch: BatchBuffers, offset: number) => Promise<Dispatch[]>;
}

/** Allocates one batch of `chunkRows` (in `scratch`) and builds each chunk's dispatches over `count` rows. */
export async function forwardChunks(
  scratch: GpuContext,
  network: RateNetwork,
  count: number,
  chunkRows: number,
  label: string,
  extra: ChunkDispatches = {},
): Promise<ForwardChunk[]> {
  const shared = network.allocateBatch(scratch, chunkRows, label, false);
  const chunks: ForwardChunk[] = [];
  for (let offset = 0; offset < count; offset += chunkRows) {
    const batch = { ...shared, rows: Math.min(chunkRows, count - offset) };
    const at = `${label}@${offset}`;
    chunks.push({
      offset,
      batch,
      dispatches: [
        ...((await extra.input?.(batch, offset)) ?? []),
        ...(await forwardPass(scratch, network, batch, at)),
        ...((await extra.output?.(batch, offset)) ?? []),
      ],
    });
  }
  return chunks;
}

/** A gather of rows offset.. of `index` from a split into the batch, with the trainer's pixel transform. */
export function gatherFrom(
  scratch: GpuContext,
  target: InspectTarget,
  split: GpuSplit,
  index: GPUBuffer,
  label: string,
): (batch: BatchBuffers, offset: number) => Promise<Dispatch[]> {
  return async (batch, offset) => [
    await gatherBatch(scratch, {
      images: split.images, labels: split.labels, index, clock: scratch.dummy('inspect.clock'), X: batch.X, Y: batch.labels,
      rows: batch.rows, pixels: target.data.pixels, useClock: false, offset, ...inputScale(target), label: `${label}@${offset}.gather`,
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
