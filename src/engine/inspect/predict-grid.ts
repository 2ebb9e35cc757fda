import { encodeChunks, forwardChunks } from './forward-chunks';
import { Readback } from './readback';
import { withScratch } from './scratch';
import { argmaxRows, softmaxRows } from './softmax';
import { type AnyInspectTarget, chunkRowsFor, type InspectOptions } from './target';

export interface GridPrediction {
  count: number;
  classes: number;
  /** count x classes: softmax of the output layer per point. */
  probabilities: Float32Array;
  /** Argmax per point, the lowest index on ties. */
  predicted: Uint32Array;
}

/**
 * Class probabilities for arbitrary inputs, e.g. a 64 x 64 grid over a
 * teaching set's square for a decision boundary. `points` is count x inputs,
 * row-major, already in the network's input scale: what the gather would
 * feed, pixels in [0, 1] or standardised (toNetworkInput converts).
 * Uploaded, run through the trainer's forward pass, read back asynchronously.
 * A spiking network's probabilities are the softmax of its readout scores.
 */
export async function predictGrid(target: AnyInspectTarget, points: Float32Array, options: InspectOptions = {}): Promise<GridPrediction> {
  const ctx = target.context;
  const { network } = target;
  const inputs = network.inputSize;
  const classes = network.classes;
  if (points.length % inputs !== 0) throw new RangeError(`predictGrid: ${points.length} values are not whole points of ${inputs} inputs.`);
  const count = points.length / inputs;
  if (count === 0) return { count, classes, probabilities: new Float32Array(0), predicted: new Uint32Array(0) };
  return withScratch(
    ctx,
    async (scratch) => {
      const source = scratch.buffers.createWithData('inspect.grid.points', points);
      const outputs = scratch.buffers.storage('inspect.grid.outputs', count * classes);
      const chunks = await forwardChunks(scratch, target, count, chunkRowsFor(options, count, target), 'inspect.grid');
      return { chunks, source, outputs, readback: new Readback(scratch, [{ buffer: outputs, bytes: count * classes * 4 }], 'inspect.grid') };
    },
    async ({ chunks, source, outputs, readback }) => {
      const encoder = ctx.device.createCommandEncoder({ label: 'inspect.grid' });
      encodeChunks(encoder, chunks, {
        before: (e, { io, offset }) => e.copyBufferToBuffer(source, offset * inputs * 4, io.X, 0, io.rows * inputs * 4),
        after: (e, { io, offset }) => e.copyBufferToBuffer(io.scores, 0, outputs, offset * classes * 4, io.rows * classes * 4),
      });
      const [bytes] = await readback.submit(encoder);
      const out = new Float32Array(bytes);
      return { count, classes, probabilities: softmaxRows(out, count, classes), predicted: argmaxRows(out, count, classes) };
    },
  );
}
