import { confusionMatrix as countConfusions } from '../kernels/confusion-matrix';
import { encodeChunks, forwardChunks, gatherFrom } from './forward-chunks';
import { Readback } from './readback';
import { withScratch } from './scratch';
import { type AnyInspectTarget, chunkRowsFor, type InspectOptions } from './target';

/**
 * The confusion matrix of the whole test set under the current weights:
 * classes x classes counts, row = true class, column = predicted class
 * (argmax of the outputs, the lowest index on ties, as the trainer's
 * accuracy counts it), so its trace over its sum is the test accuracy.
 * Runs the trainer's forward pass in its own command encoder and buffers,
 * after whatever training is already submitted; reads back asynchronously.
 * A spiking network predicts by its readout over T steps (spiking-forward.ts,
 * which says how its Poisson input is seeded).
 */
export async function confusionMatrix(target: AnyInspectTarget, options: InspectOptions = {}): Promise<Uint32Array> {
  const ctx = target.context;
  const { data, network } = target;
  const classes = network.classes;
  const count = data.test.count;
  return withScratch(
    ctx,
    async (scratch) => {
      const order = scratch.buffers.createWithData('inspect.confusion.order', Uint32Array.from({ length: count }, (_, i) => i));
      const counts = scratch.buffers.storage('inspect.confusion.counts', classes * classes);
      const chunks = await forwardChunks(scratch, target, count, chunkRowsFor(options, count, target), 'inspect.confusion', {
        input: gatherFrom(scratch, target, data.test, order, 'inspect.confusion'),
        output: async (io, offset) => [
          await countConfusions(scratch, { scores: io.scores, labels: io.labels, counts, rows: io.rows, classes, label: `inspect.confusion@${offset}.count` }),
        ],
      });
      return { chunks, readback: new Readback(scratch, [{ buffer: counts, bytes: classes * classes * 4 }], 'inspect.confusion') };
    },
    async ({ chunks, readback }) => {
      const encoder = ctx.device.createCommandEncoder({ label: 'inspect.confusion' });
      encodeChunks(encoder, chunks);
      const [bytes] = await readback.submit(encoder);
      return new Uint32Array(bytes);
    },
  );
}
