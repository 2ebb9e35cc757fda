// On-demand views of a session's network (inspect/), as plain data that
// crosses a worker boundary. Each runs beside training, never in its queue.
import { ConfigError } from '../errors';
import { confusionMatrix, firstLayerWeights, type GridPrediction, type InspectTarget, type LayerWeights, predictGrid, samplePredictions, type SamplePrediction, toNetworkInput } from '../inspect';
import type { GpuContext } from '../device/gpu-context';
import type { RateNetwork } from '../layers/network';

export type InspectRequest =
  /** Counts over the whole test set, row = true class. */
  | { kind: 'confusion' }
  /** Predictions for these test examples. */
  | { kind: 'samples'; indices: number[] }
  /** The first layer's weights, [hidden, inputs]. */
  | { kind: 'weights' }
  /**
   * Class probabilities at arbitrary inputs, count x inputs values as stored
   * pixels scaled to [0, 1] (a teaching set's coordinate c is (c + 1) / 2);
   * the session applies the network's own input scale.
   */
  | { kind: 'grid'; pixels: Float32Array };

export type InspectKind = InspectRequest['kind'];

/** What an inspection found, with the step the network stood at when it was asked. */
export type InspectResult =
  | { kind: 'confusion'; step: number; classes: number; counts: Uint32Array }
  | { kind: 'samples'; step: number; samples: SamplePrediction[] }
  | { kind: 'weights'; step: number; weights: LayerWeights }
  | { kind: 'grid'; step: number; prediction: GridPrediction };

/** Runs `request` on a rate trainer (every kind) or a spiking one (`rateTarget` null: the weights only). */
export async function runInspection(
  request: InspectRequest,
  step: number,
  device: { context: GpuContext; network: RateNetwork },
  rateTarget: InspectTarget | null,
): Promise<InspectResult> {
  if (request?.kind === 'weights') return { kind: 'weights', step, weights: await firstLayerWeights(device) };
  const known = ['confusion', 'samples', 'grid'];
  if (!known.includes((request as { kind?: unknown } | null)?.kind as string)) {
    throw new ConfigError('inspect', `unknown view "${String((request as { kind?: unknown } | null)?.kind)}". Ask for confusion, samples, weights or grid.`);
  }
  if (!rateTarget) {
    throw new ConfigError(
      'inspect',
      `the ${request.kind === 'confusion' ? 'confusion matrix' : request.kind === 'samples' ? 'sample predictions' : 'decision boundary'} reads a rate network's forward pass; a spiking run shows its first-layer weights, spike raster and membrane traces instead.`,
    );
  }
  switch (request.kind) {
    case 'confusion':
      return { kind: 'confusion', step, classes: rateTarget.network.classes, counts: await confusionMatrix(rateTarget) };
    case 'samples':
      return { kind: 'samples', step, samples: await samplePredictions(rateTarget, request.indices) };
    case 'grid':
      return { kind: 'grid', step, prediction: await predictGrid(rateTarget, toNetworkInput(rateTarget, request.pixels)) };
  }
}
