// On-demand views of a session's network (inspect/), as plain data that
// crosses a worker boundary. Each runs beside training, never in its queue.
import { ConfigError } from '../errors';
import {
  type AnyInspectTarget,
  checkInspectable,
  confusionMatrix,
  firstLayerWeights,
  type GridPrediction,
  isSpikingTarget,
  type LayerWeights,
  predictGrid,
  samplePredictions,
  type SamplePrediction,
  toNetworkInput,
} from '../inspect';

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

const VIEW_NAMES: Record<InspectKind, string> = { confusion: 'confusion matrix', samples: 'sample predictions', weights: 'first-layer weights', grid: 'decision boundary' };

/**
 * Runs `request` on a rate trainer or a spiking one (inspect/spikingTarget);
 * the spike-only STDP rules answer the weights only, and say why not the rest.
 */
export async function runInspection(request: InspectRequest, step: number, target: AnyInspectTarget): Promise<InspectResult> {
  const kind = request?.kind;
  if (!Object.hasOwn(VIEW_NAMES, kind ?? '')) {
    throw new ConfigError('inspect', `unknown view "${String(kind)}". Ask for confusion, samples, weights or grid.`);
  }
  if (kind !== 'weights' && isSpikingTarget(target)) checkInspectable(target.config, VIEW_NAMES[kind]);
  switch (request.kind) {
    case 'weights':
      return { kind: 'weights', step, weights: await firstLayerWeights(target) };
    case 'confusion':
      return { kind: 'confusion', step, classes: target.network.classes, counts: await confusionMatrix(target) };
    case 'samples':
      return { kind: 'samples', step, samples: await samplePredictions(target, request.indices) };
    case 'grid':
      return { kind: 'grid', step, prediction: await predictGrid(target, toNetworkInput(target, request.pixels)) };
  }
}
