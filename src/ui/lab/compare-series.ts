// What a compare chart draws: per rule, one metric against the step, in the rule's colour
// and dash pattern. Pure: no DOM, so it is tested in Node.
import type { SpikingMetricsRecord } from '../../engine/spiking/trainer';
import type { MetricsRecord } from '../../engine/training/trainer';

/** A record of either kind of network; the fields a compare chart and an export read are shared. */
export type AnyMetricsRecord = MetricsRecord | SpikingMetricsRecord;

/**
 * Okabe and Ito's colour-blind-safe palette without its yellow (too faint on a light page)
 * and black (lost on a dark one): six colours for the six rules a comparison may hold.
 */
export const RULE_COLORS: readonly string[] = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9'];

/** Dash patterns in the same order, so that rules differ by more than colour. */
export const RULE_DASHES: readonly (readonly number[])[] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

/** The colour of the rule at `index` of a comparison. */
export function ruleColor(index: number): string {
  const n = RULE_COLORS.length;
  return RULE_COLORS[((index % n) + n) % n]!;
}

export function ruleDash(index: number): readonly number[] {
  const n = RULE_DASHES.length;
  return RULE_DASHES[((index % n) + n) % n]!;
}

export const COMPARE_METRICS = ['test-accuracy', 'train-loss'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** Each metric's axis title and how its values read. */
export const METRIC_AXES: Record<CompareMetric, { readonly title: string; readonly axis: string; readonly percent: boolean }> = {
  'test-accuracy': { title: 'Test accuracy', axis: 'Test accuracy (%)', percent: true },
  'train-loss': { title: 'Train loss', axis: 'Train loss', percent: false },
};

export interface Point {
  x: number;
  y: number;
}

/** `metric` of each record against its step; records without it (no test yet, the step-0 train values) are left out. */
export function metricPoints(records: readonly AnyMetricsRecord[], metric: CompareMetric): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    if (metric === 'test-accuracy') {
      if (r.testAcc !== null && Number.isFinite(r.testAcc)) out.push({ x: r.step, y: 100 * r.testAcc });
    } else if (Number.isFinite(r.trainLoss)) {
      out.push({ x: r.step, y: r.trainLoss });
    }
  }
  return out;
}

/** The last value of `metric` as a person reads it ('91.2%', '0.312'), or null before there is one. */
export function latestValue(records: readonly AnyMetricsRecord[], metric: CompareMetric): string | null {
  const p = metricPoints(records, metric).at(-1);
  if (!p) return null;
  return METRIC_AXES[metric].percent ? `${p.y.toFixed(1)}%` : p.y.toFixed(3);
}
