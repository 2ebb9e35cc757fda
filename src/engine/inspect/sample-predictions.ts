import { encodeChunks, forwardChunks, gatherFrom } from './forward-chunks';
import { Readback } from './readback';
import { withScratch } from './scratch';
import { argmaxRows, softmaxRows } from './softmax';
import { type AnyInspectTarget, chunkRowsFor, type InspectOptions } from './target';

export interface SamplePrediction {
  /** Position in the test set. */
  index: number;
  label: number;
  /** Argmax of the outputs, the lowest index on ties. */
  predicted: number;
  /** Softmax of the output layer (a spiking network's readout scores), one per class (also under the MSE loss, where outputs are not trained as logits). */
  probabilities: Float32Array;
  /** The stored pixels, 0 to 255, as the CPU-side Dataset holds them. */
  pixels: Uint8Array;
  /** What the network saw: the pixels in its input scale (see input-scale.ts). */
  input: Float32Array;
}

/**
 * Predictions for chosen test examples (repeats and any order allowed): the
 * same gather and forward pass as the trainer's evaluation, in buffers of
 * its own; pixels come back from the GPU copy of the test set.
 */
export async function samplePredictions(target: AnyInspectTarget, indices: readonly number[], options: InspectOptions = {}): Promise<SamplePrediction[]> {
  const ctx = target.context;
  const { data, network } = target;
  const testCount = data.test.count;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= testCount) throw new RangeError(`samplePredictions: index ${i} is outside the test set (0 to ${testCount - 1}).`);
  }
  const n = indices.length;
  if (n === 0) return [];
  const pixels = data.pixels;
  const classes = network.classes;
  // Images are packed 4 bytes per u32: read the words that cover each image.
  const words = indices.map((i) => {
    const first = Math.floor((i * pixels) / 4);
    return { first, count: Math.ceil(((i + 1) * pixels) / 4) - first };
  });
  return withScratch(
    ctx,
    async (scratch) => {
      const index = scratch.buffers.createWithData('inspect.samples.index', Uint32Array.from(indices));
      const outputs = scratch.buffers.storage('inspect.samples.outputs', n * classes);
      const inputs = scratch.buffers.storage('inspect.samples.inputs', n * pixels);
      const labels = scratch.buffers.storage('inspect.samples.labels', n);
      const chunks = await forwardChunks(scratch, target, n, chunkRowsFor(options, n, target), 'inspect.samples', {
        input: gatherFrom(scratch, target, data.test, index, 'inspect.samples'),
      });
      const readback = new Readback(
        scratch,
        [
          { buffer: outputs, bytes: n * classes * 4 },
          { buffer: inputs, bytes: n * pixels * 4 },
          { buffer: labels, bytes: n * 4 },
          ...words.map((w) => ({ buffer: data.test.images, offset: w.first * 4, bytes: w.count * 4 })),
        ],
        'inspect.samples',
      );
      return { chunks, outputs, inputs, labels, readback };
    },
    async ({ chunks, outputs, inputs, labels, readback }) => {
      const encoder = ctx.device.createCommandEncoder({ label: 'inspect.samples' });
      encodeChunks(encoder, chunks, {
        after: (e, { io, offset }) => {
          e.copyBufferToBuffer(io.scores, 0, outputs, offset * classes * 4, io.rows * classes * 4);
          e.copyBufferToBuffer(io.X, 0, inputs, offset * pixels * 4, io.rows * pixels * 4);
          e.copyBufferToBuffer(io.labels, 0, labels, offset * 4, io.rows * 4);
        },
      });
      const [outBytes, inBytes, labelBytes, ...imageBytes] = await readback.submit(encoder);
      const out = new Float32Array(outBytes);
      const probabilities = softmaxRows(out, n, classes);
      const predicted = argmaxRows(out, n, classes);
      const y = new Uint32Array(labelBytes);
      const x = new Float32Array(inBytes);
      return indices.map((index, r): SamplePrediction => {
        const skip = index * pixels - words[r].first * 4;
        return {
          index,
          label: y[r],
          predicted: predicted[r],
          probabilities: probabilities.slice(r * classes, (r + 1) * classes),
          pixels: new Uint8Array(imageBytes[r], skip, pixels).slice(),
          input: x.slice(r * pixels, (r + 1) * pixels),
        };
      });
    },
  );
}
