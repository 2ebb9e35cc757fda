import { Readback } from './readback';
import { withScratch } from './scratch';
import type { InspectTarget } from './target';

export interface LayerWeights {
  /** units x inputs, row-major: row u is unit u's receptive field over the input pixels. */
  weights: Float32Array;
  units: number;
  inputs: number;
}

/**
 * W of layer 1 as it is now, read back asynchronously. Needs only the device
 * and the network, so a spiking trainer's `network` works too:
 * `firstLayerWeights({ context: ctx, network: snn.network })`.
 */
export async function firstLayerWeights(target: Pick<InspectTarget, 'context' | 'network'>): Promise<LayerWeights> {
  const ctx = target.context;
  const layer = target.network.layers[0];
  const floats = layer.nOut * layer.nIn;
  return withScratch(
    ctx,
    async (scratch) => new Readback(scratch, [{ buffer: layer.W, bytes: floats * 4 }], 'inspect.weights1'),
    async (readback) => {
      const [bytes] = await readback.submit(ctx.device.createCommandEncoder({ label: 'inspect.weights1' }));
      return { weights: new Float32Array(bytes), units: layer.nOut, inputs: layer.nIn };
    },
  );
}
