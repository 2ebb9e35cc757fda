import { confusionMatrix as countConfusions } from '../kernels/confusion-matrix';
import { encodeChunks, forwardChunks, gatherFrom } from './forward-chunks';
import { Readback } from './readback';
import { withScratch } from './scratch';
import { chunkRowsFor, type InspectOptions, type InspectTarget } from './target';

/**
 * The confusion matrix of the whole test set under the current weights:
 * classes x classes counts, row = true class, column = predicted class
 * (argmax of the outputs, the lowest index on ties, as the trainer's
 * accuracy counts it), so its trace over its sum is the test accuracy.
 * Runs the trainer's forward pass in its own command encoder and buffers,
 * after whatever training is already submitted; reads back asynchronously.
 */
export async function confusionMatrix(target: InspectTarget, options: InspectOptions = {}): Promise<Uint32Array> {
  const ctx = target.context;
  const { data, network } = target;
  const classes = network.classes;
  const count = data.test.count;
  return withScratch(
    ctx,
    async (scratch) => {
      const order = scratch.buffers.createWithData('inspect.confusion.order', Uint32Array.from({ length: count }, (_, i) => i));
      const counts = scratch.buffers.storage('inspect.confusion.counts', classes * classes);
      const last = network.layers.length - 1;
      const chunks = await forwardChunks(scratch, network, count, chunkRowsFor(options, count), 'inspect.confusion', {
        input: gatherFrom(scratch, target, data.test, order, 'inspect.confusion'),
        output: async (batch, offset) => [
          await countConfusions(scratch, { scores: batch.pre[last], labels: batch.labels, counts, rows: batch.rows, classes, label: `inspect.confusion@${offset}.count` }),
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
