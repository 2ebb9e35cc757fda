// An experiment as the engine session's spec, and what the page can show of it.
// Pure: no DOM, so it is tested in Node.
import { DATASETS } from '../../engine/data/loader';
import type { Dataset } from '../../engine/data/loader';
import { fromByte, makeTeachingSet, type TeachingSetId } from '../../engine/data/teaching-sets';
import type { SessionSpec } from '../../engine/session/session-spec';
import { isStdpRule, type SpikingRule } from '../../engine/spiking/config';
import type { RecordOptions } from '../../engine/spiking/recording';
import { type Experiment, toSpikingConfig, toTrainConfig, type View, VIEWS } from '../experiment/experiment';
import { TEACHING_SET_DEFAULTS } from '../lab/experiment-spec';
import type { LabelledPoint } from '../views/decision-boundary';
import { isTeachingDataset } from './setting-edit';

/** A 2-D set's size when the experiment gives none, and its jitter: one definition (lab/experiment-spec.ts), so every page draws the same points from a link. */
export const TEACHING_DEFAULT_COUNTS = { train: TEACHING_SET_DEFAULTS.trainCount, test: TEACHING_SET_DEFAULTS.testCount } as const;
export const TEACHING_NOISE = TEACHING_SET_DEFAULTS.noise;

/**
 * What a spiking run records for the raster: the first example of every second
 * batch (a new example each time, since batches are shuffled) and four neurons'
 * membranes per layer. A few hundred bytes per recording.
 */
export const RASTER_RECORDING: RecordOptions = { samples: [0], neurons: [0, 1, 2, 3], every: 2, slots: 4 };

/** The user's own file, parsed on this page; it never travels in a link. */
export interface OwnData {
  dataset: Dataset;
  /** The file names, for display. */
  files: string[];
}

/** The input's shape as the views need it. */
export interface InputShape {
  rows: number;
  cols: number;
  classes: number;
  classNames: readonly string[];
}

/** The dataset a run trains on: `own` when given, else the experiment's. */
export function inputShapeOf(e: Experiment, own: OwnData | null): InputShape {
  if (own) return { rows: own.dataset.rows, cols: own.dataset.cols, classes: own.dataset.classes, classNames: own.dataset.classNames };
  if (e.dataset === 'mnist' || e.dataset === 'fashion-mnist') {
    const names = DATASETS[e.dataset].classNames;
    return { rows: 28, cols: 28, classes: names.length, classNames: names };
  }
  const set = teachingSetOf(e);
  return { rows: 1, cols: 2, classes: set.classes, classNames: set.classNames };
}

/** The 2-D set an experiment names, made from its seed (the same points on every page that opens the link). */
export function teachingSetOf(e: Experiment): Dataset {
  return makeTeachingSet(e.dataset as TeachingSetId, {
    trainCount: e.trainSubset ?? TEACHING_DEFAULT_COUNTS.train,
    testCount: e.testSubset ?? TEACHING_DEFAULT_COUNTS.test,
    noise: TEACHING_NOISE,
    seed: e.seed,
  });
}

/** The session spec of `e`; throws the experiment's ConfigError when it cannot run (validate first). */
export function sessionSpecOf(e: Experiment, own: OwnData | null): SessionSpec {
  const dataset: SessionSpec['dataset'] = own
    ? { kind: 'given', dataset: own.dataset }
    : isTeachingDataset(e.dataset)
      ? { kind: 'given', dataset: teachingSetOf(e) }
      : { kind: 'named', name: e.dataset, ...subsets(e) };
  if (e.network === 'rate') return { dataset, network: { kind: 'rate', config: toTrainConfig(e) }, epochs: e.epochs };
  const config = toSpikingConfig(e);
  return {
    dataset,
    network: { kind: 'spiking', config },
    epochs: e.epochs,
    ...(recordsRaster(e) ? { record: { ...RASTER_RECORDING, samples: [...RASTER_RECORDING.samples], neurons: [...RASTER_RECORDING.neurons] } } : {}),
  };
}

function subsets(e: Experiment): { trainSubset?: number; testSubset?: number } {
  return { ...(e.trainSubset !== undefined ? { trainSubset: e.trainSubset } : {}), ...(e.testSubset !== undefined ? { testSubset: e.testSubset } : {}) };
}

/** Whether a run of `e` records spikes: spiking, and not a spike-only STDP rule (they keep no per-step arrays). */
export function recordsRaster(e: Experiment): boolean {
  return e.network === 'spiking' && !isStdpRule(e.rule as SpikingRule);
}

/** Whether the rule learns at its own rate, not the optimiser's (the STDP rules). */
export function ownLearningRate(e: Experiment): boolean {
  return e.network === 'spiking' && isStdpRule(e.rule as SpikingRule);
}

/**
 * Whether inspections can run the network's prediction: a rate network's
 * forward pass, a spiking one's readout over T steps; not the spike-only STDP
 * rules, which predict in windows of their own.
 */
export function predictsInInspections(e: Experiment): boolean {
  return e.network === 'rate' || !isStdpRule(e.rule as SpikingRule);
}

/** The views a run of `e` on data of `shape` can fill; the others are offered disabled. */
export function availableViews(e: Experiment, shape: InputShape): View[] {
  const image = shape.rows >= 2 && shape.cols >= 2;
  const plane = shape.rows * shape.cols === 2;
  const predicts = predictsInInspections(e);
  const can: Record<View, boolean> = {
    loss: true,
    accuracy: true,
    angles: true,
    raster: recordsRaster(e),
    'receptive-fields': image,
    confusion: predicts,
    samples: predicts && image,
    boundary: predicts && plane,
  };
  return VIEWS.filter((v) => can[v]);
}

/** A 2-D set's first `max` training points in [-1, 1]² (the byte b is b / 127.5 - 1, as teaching-sets.ts stores it), for the boundary view. */
export function trainingPoints(d: Dataset, max: number): LabelledPoint[] {
  if (d.rows * d.cols !== 2) return [];
  const n = Math.min(d.train.count, max);
  return Array.from({ length: n }, (_, i) => ({ x: fromByte(d.train.images[2 * i]!), y: fromByte(d.train.images[2 * i + 1]!), label: d.train.labels[i]! }));
}

const SPIKE_ONLY = 'This spike-only rule predicts in windows of its own, which the views do not run.';

/** Why a view is not offered, for its toggle's tooltip. */
export function unavailableReason(v: View, e: Experiment, shape: InputShape): string {
  switch (v) {
    case 'raster':
      return e.network === 'rate' ? 'Rate networks do not spike.' : 'This spike-only rule records no raster.';
    case 'receptive-fields':
      return 'The input is not an image.';
    case 'samples':
      return predictsInInspections(e) ? 'The input is not an image.' : SPIKE_ONLY;
    case 'confusion':
      return SPIKE_ONLY;
    case 'boundary':
      return predictsInInspections(e) ? (shape.rows * shape.cols === 2 ? '' : 'Only 2-D data has a plane to colour.') : SPIKE_ONLY;
    default:
      return '';
  }
}

/**
 * What must match for a run to be the one `e` describes: everything but the
 * settings a session takes live (learning rate, coefficients, rule) and the page's own (views, lesson).
 */
export function runKey(e: Experiment, ownVersion: number): string {
  const { optimizer, coefficients: _c, rule: _r, views: _v, lesson: _l, compare: _m, ...rest } = e;
  const { lr: _lr, ...optimizerRest } = optimizer;
  return JSON.stringify({ ...rest, optimizer: optimizerRest, ownVersion });
}
