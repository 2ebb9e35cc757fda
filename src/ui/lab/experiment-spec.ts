// An experiment as a run session's spec: its dataset, and its network for one rule.
// Pure: no DOM, so compare runs, model files and tests in Node share it.
import type { DatasetChoice, SessionSpec } from '../../engine/session/session-spec';
import { DATASETS } from '../../engine/data/loader';
import { makeTeachingSet, TEACHING_SETS } from '../../engine/data/teaching-sets';
import { type Experiment, toSpikingConfig, toTrainConfig } from '../experiment/experiment';

/**
 * How the 2-D classroom sets are drawn when an experiment names one. An experiment
 * carries no noise or class count, so every page must draw them alike: these are
 * the lessons' sizes (planeRun in lessons/catalogue.ts) and the page's jitter (app/experiment-spec.ts).
 */
export const TEACHING_SET_DEFAULTS = { trainCount: 800, testCount: 200, noise: 0.05 } as const;

/** Pixels of the published image sets. */
const IMAGE_PIXELS = 28 * 28;

/** The dataset `e` trains on: a shipped set by name (read through the session's source), or a seeded 2-D set made here. */
export function datasetChoiceFor(e: Experiment): DatasetChoice {
  if (e.dataset === 'mnist' || e.dataset === 'fashion-mnist') {
    return {
      kind: 'named',
      name: e.dataset,
      ...(e.trainSubset === undefined ? {} : { trainSubset: e.trainSubset }),
      ...(e.testSubset === undefined ? {} : { testSubset: e.testSubset }),
    };
  }
  const dataset = makeTeachingSet(e.dataset, {
    trainCount: e.trainSubset ?? TEACHING_SET_DEFAULTS.trainCount,
    testCount: e.testSubset ?? TEACHING_SET_DEFAULTS.testCount,
    noise: TEACHING_SET_DEFAULTS.noise,
    // The data follow the seed, as the initial weights do: one seed reproduces the whole run.
    seed: e.seed,
  });
  return { kind: 'given', dataset };
}

/**
 * The session spec that trains `e` with `rule` (by default `e.rule`); throws the experiment's
 * ConfigError (naming its field) where `e` cannot run. Pass one `dataset` to several specs so
 * that they train on the very same examples.
 */
export function sessionSpecFor(e: Experiment, rule: string = e.rule, dataset: DatasetChoice = datasetChoiceFor(e)): SessionSpec {
  const network: SessionSpec['network'] =
    e.network === 'spiking' ? { kind: 'spiking', config: toSpikingConfig(e, rule) } : { kind: 'rate', config: toTrainConfig(e, rule) };
  return { dataset, network, epochs: e.epochs };
}

/** Layer sizes of `e`'s network, input and output included (784-256-256-10). */
export function networkSizesOf(e: Experiment): number[] {
  if (e.dataset === 'mnist' || e.dataset === 'fashion-mnist') return [IMAGE_PIXELS, ...e.hidden, DATASETS[e.dataset].classNames.length];
  // A classroom set's points are (x, y).
  return [2, ...e.hidden, TEACHING_SETS[e.dataset].classes];
}

/**
 * `e` as the single run of one of its compared rules: that rule, no comparison, and the
 * coefficient overrides only where the rule is `e.rule` (the others run with their own,
 * as toTrainConfig gives them).
 */
export function experimentForRule(e: Experiment, rule: string): Experiment {
  return { ...e, rule, compare: [], coefficients: rule === e.rule ? e.coefficients : {} };
}
