/**
 * "Why isn't it learning": warnings from each layer's health sums
 * (layer_health.wgsl), with a message that says what to change.
 */
export type LayerWarningKind = 'silent' | 'saturated' | 'exploding' | 'nan';

export interface LayerWarning {
  /** 1-based, as in the metrics' layers. */
  layer: number;
  kind: LayerWarningKind;
  message: string;
}

/** Below this fraction of neurons x steps spiking, a layer passes almost nothing up. */
export const SILENT_RATE = 0.001;
/** Above it, a layer's spikes barely depend on its input. */
export const SATURATED_RATE = 0.9;
/**
 * A membrane this many thresholds from rest has exploded. A healthy LIF membrane
 * stays within tens of thresholds (a constant drive I settles at I / (1 - beta),
 * 20 I at beta 0.95); a thousand means weights or inputs out of scale, and there
 * the surrogate gradient, a bump around the threshold, is all but zero.
 */
export const EXPLODING_FACTOR = 1e3;

/**
 * Warnings per layer (index 0 is layer 1) from its firing rate, largest finite
 * |U|, count of non-finite U and threshold. A layer with non-finite membranes
 * gets only the NaN warning: its rate and peak mean nothing then.
 */
export function layerWarnings(
  rate: readonly number[],
  maxAbsU: readonly number[],
  nonFinite: readonly number[],
  threshold: number | readonly number[],
): LayerWarning[] {
  const out: LayerWarning[] = [];
  rate.forEach((r, i) => {
    const layer = i + 1;
    const theta = typeof threshold === 'number' ? threshold : threshold[i];
    const input = layer === 1 ? 'the encoder gain' : "the layer below's activity";
    if (nonFinite[i] > 0) {
      out.push({
        layer,
        kind: 'nan',
        message: `layer ${layer} has ${nonFinite[i]} NaN or infinite membrane values: training has diverged; lower the learning rate and start again`,
      });
      return;
    }
    if (r < SILENT_RATE) {
      out.push({
        layer,
        kind: 'silent',
        message: `layer ${layer} is silent (${percent(r)} of neurons x steps spike): lower the threshold, raise ${input} or the init scale; layers above a silent one get no input and no weight gradient`,
      });
    } else if (r > SATURATED_RATE) {
      out.push({
        layer,
        kind: 'saturated',
        message: `layer ${layer} is saturated (${percent(r)} of neurons x steps spike): raise the threshold, lower ${input} or the learning rate; a neuron that always fires says nothing about its input`,
      });
    }
    if (maxAbsU[i] > EXPLODING_FACTOR * theta) {
      out.push({
        layer,
        kind: 'exploding',
        message: `layer ${layer}'s membrane reaches ${maxAbsU[i].toPrecision(3)}, over ${EXPLODING_FACTOR} x its threshold (${theta}): weights or inputs are out of scale; lower the learning rate, add weight decay, scale the input down or raise the threshold; so far from the threshold the surrogate gradient is almost 0`,
      });
    }
  });
  return out;
}

/** 0.03%, 45%: two significant digits, enough to tell silent from quiet. */
function percent(x: number): string {
  return `${Number((100 * x).toPrecision(2))}%`;
}
