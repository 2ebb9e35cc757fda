/**
 * Where each quantity lives in the GPU metrics buffer (f32 slots).
 * Sums accumulate on the GPU; the host turns them into means and angles.
 */
export const TRAIN_SLOT = 0; // loss sum, correct, examples since the last snapshot
export const TEST_SLOT = 3; // the same over the last evaluation
const LAYER_BASE = 6;
const PER_LAYER = 9;

export type LayerProbe = 'weight' | 'gradient' | 'bp';
const PROBE_OFFSET: Record<LayerProbe, number> = { weight: 0, gradient: 3, bp: 6 };

/** First of three slots (x.y, x.x, y.y) of a probe of layer l (1-based). */
export function layerSlot(l: number, probe: LayerProbe): number {
  return LAYER_BASE + (l - 1) * PER_LAYER + PROBE_OFFSET[probe];
}

export function metricsFloats(layers: number): number {
  return LAYER_BASE + layers * PER_LAYER;
}
