// `plasticity train` flags -> a validated TrainConfig plus how to run it.
// Flag-level checks (numbers, lists, choices) happen here so messages name the
// flag; cross-field rules stay in the engine's resolveConfig (ConfigError is
// mapped back to a flag in failures.ts).
import { DATASETS, type DatasetName } from '../engine/data/loader';
import { ACTIVATIONS } from '../engine/kernels/activation';
import { LOSSES } from '../engine/kernels/output-loss';
import { RULES } from '../engine/rules/registry';
import type { Coefficients } from '../engine/rules/rule';
import { DEFAULT_CONFIG, INITS, INPUT_SCALINGS, LR_SCHEDULES, resolveConfig, type TrainConfig } from '../engine/training/config';
import {
  choiceFlag,
  UsageError,
  type FlagKinds,
  numberFlag,
  numberMapFlag,
  type ParsedArgs,
  sizeListFlag,
  stringFlag,
} from './args';
import { optimizerFlags } from './optimizer-flags';
import { defaultDataDir } from './package-root';
import { propagationFlag, SPIKING_FLAGS, spikingConfig, wantsSpiking } from './spiking-options';
import type { SpikingConfig } from '../engine/spiking/config';

export const TRAIN_FLAGS: FlagKinds = {
  dataset: 'value',
  rule: 'value',
  hidden: 'value',
  epochs: 'value',
  seed: 'value',
  batch: 'value',
  lr: 'value',
  'lr-schedule': 'value',
  warmup: 'value',
  optimizer: 'value',
  momentum: 'value',
  'weight-decay': 'value',
  activation: 'value',
  loss: 'value',
  init: 'value',
  input: 'value',
  'feedback-lr': 'value',
  'feedback-input': 'value',
  'feedback-noise-std': 'value',
  'update-noise': 'value',
  'tied-decay': 'value',
  coef: 'value',
  'train-subset': 'value',
  'test-subset': 'value',
  'metrics-every': 'value',
  'bp-angles': 'switch',
  'data-dir': 'value',
  json: 'switch',
  help: 'switch',
  ...SPIKING_FLAGS,
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];
export const RULE_IDS = RULES.map((r) => r.id);

export const TRAIN_DEFAULTS = { dataset: 'mnist' as DatasetName, epochs: 5, metricsEvery: 50 };

export interface TrainOptions {
  dataset: DatasetName;
  epochs: number;
  config: TrainConfig;
  trainSubset: number | undefined;
  testSubset: number | undefined;
  metricsEvery: number;
  bpAngles: boolean;
  dataDir: string;
  json: boolean;
  /** Set for a spiking run (--neuron or a surrogate-* rule); `config` then holds the rate defaults, unused. */
  spiking: SpikingConfig | null;
  propagation: 'auto' | 'dense' | 'event';
}

export function trainOptions(args: ParsedArgs): TrainOptions {
  if (wantsSpiking(args)) {
    const run = runOptions(args);
    return { ...run, config: resolveConfig({}), spiking: spikingConfig(args, run.epochs), propagation: propagationFlag(args) };
  }
  for (const flag of Object.keys(SPIKING_FLAGS)) {
    if (args.values.has(flag)) throw new UsageError(`--${flag}`, `applies to spiking networks; add --neuron lif (or pick a surrogate-* rule).`);
  }
  const optimizer = optimizerFlags(args);

  const partial: Partial<TrainConfig> = {};
  const set = <K extends keyof TrainConfig>(key: K, v: TrainConfig[K] | undefined) => {
    if (v !== undefined) partial[key] = v;
  };
  set('rule', choiceFlag(args, 'rule', RULE_IDS, " Run 'plasticity rules' to see what each does."));
  set('hidden', sizeListFlag(args, 'hidden'));
  set('seed', numberFlag(args, 'seed', { integer: true, min: 0 }));
  set('batchSize', numberFlag(args, 'batch', { integer: true, min: 1 }));
  set('activation', choiceFlag(args, 'activation', ACTIVATIONS));
  set('loss', choiceFlag(args, 'loss', LOSSES));
  set('init', choiceFlag(args, 'init', INITS));
  set('inputScaling', choiceFlag(args, 'input', INPUT_SCALINGS));
  set('lrSchedule', choiceFlag(args, 'lr-schedule', LR_SCHEDULES));
  set('warmupEpochs', numberFlag(args, 'warmup', { min: 0 }));
  set('feedbackLr', numberFlag(args, 'feedback-lr', { min: 0 }));
  set('feedbackInput', choiceFlag(args, 'feedback-input', ['activity', 'noise'] as const));
  set('feedbackNoiseStd', numberFlag(args, 'feedback-noise-std', { min: 0 }));
  set('feedbackUpdateNoise', numberFlag(args, 'update-noise', { min: 0 }));
  set('tiedDecay', numberFlag(args, 'tied-decay', { min: 0 }));
  // Coefficient names and values are checked by the engine (ConfigError -> "--coef NAME").
  set('coefficients', numberMapFlag(args, 'coef') as Coefficients | undefined);

  const run = runOptions(args);
  // Last, so that a malformed flag is reported before a combination the engine refuses.
  // The full optimiser object: resolveConfig's parameter type does not accept a partial one.
  // A cosine schedule spans the run's own epochs.
  return {
    ...run,
    spiking: null,
    propagation: 'auto',
    config: resolveConfig({ ...partial, scheduleEpochs: run.epochs, optimizer: { ...DEFAULT_CONFIG.optimizer, ...optimizer } }),
  };
}

/** How to run, whatever the network. */
function runOptions(args: ParsedArgs) {
  return {
    dataset: choiceFlag(args, 'dataset', DATASET_NAMES) ?? TRAIN_DEFAULTS.dataset,
    epochs: numberFlag(args, 'epochs', { integer: true, min: 1 }) ?? TRAIN_DEFAULTS.epochs,
    trainSubset: numberFlag(args, 'train-subset', { integer: true, min: 1 }),
    testSubset: numberFlag(args, 'test-subset', { integer: true, min: 1 }),
    metricsEvery: numberFlag(args, 'metrics-every', { integer: true, min: 1 }) ?? TRAIN_DEFAULTS.metricsEvery,
    bpAngles: args.switches.has('bp-angles'),
    dataDir: stringFlag(args, 'data-dir') ?? defaultDataDir(),
    json: args.switches.has('json'),
  };
}
