// What a run session is asked to train: a dataset (by name, or handed in),
// a rate or spiking network with its settings, and how the loop runs.
import type { Dataset } from '../data/loader';
import { ConfigError } from '../errors';
import { type RecordOptions, validateRecordOptions } from '../spiking/recording';
import { resolveSpikingConfig, type SpikingConfig, type SpikingConfigInput } from '../spiking/config';
import { type ConfigInput, resolveConfig, type TrainConfig } from '../training/config';

export type DatasetChoice =
  /** One of the shipped datasets, read through the session's byte source. */
  | { kind: 'named'; name: string; trainSubset?: number; testSubset?: number }
  /** A dataset made elsewhere: a teaching set, the user's own file. */
  | { kind: 'given'; dataset: Dataset };

export type NetworkChoice = { kind: 'rate'; config: ConfigInput } | { kind: 'spiking'; config: SpikingConfigInput };

/** A network choice with every setting filled in and checked. */
export type ResolvedNetwork = { kind: 'rate'; config: TrainConfig } | { kind: 'spiking'; config: SpikingConfig };

export interface SessionSpec {
  dataset: DatasetChoice;
  network: NetworkChoice;
  /** Epochs after which the run stops by itself; absent, it trains until paused. */
  epochs?: number;
  /** Steps between metric records; default about 250 records per planned run, or 25 per epoch. */
  metricsEvery?: number;
  /** Steps per command buffer: small, so one submit never holds the GPU long. */
  stepsPerSubmit?: number;
  /** Steps between yields to the host, where commands get their turn. */
  stepsPerChunk?: number;
  /** Seconds between the snapshots kept in memory. */
  snapshotEverySec?: number;
  /**
   * Spiking runs: record rasters and membrane traces for display, sent as
   * `recording` events. The spike-only STDP rules keep none and skip it;
   * rate runs ignore it.
   */
  record?: RecordOptions;
}

export interface ResolvedSpec {
  dataset: DatasetChoice;
  network: ResolvedNetwork;
  epochs: number | null;
  metricsEvery: number | null;
  stepsPerSubmit: number;
  stepsPerChunk: number;
  snapshotEverySec: number;
  record: RecordOptions | null;
}

const DEFAULTS = { stepsPerSubmit: 2, stepsPerChunk: 16, snapshotEverySec: 10 } as const;

export function resolveNetwork(n: NetworkChoice): ResolvedNetwork {
  if (n.kind === 'rate') return { kind: 'rate', config: resolveConfig(n.config) };
  if (n.kind === 'spiking') return { kind: 'spiking', config: resolveSpikingConfig(n.config) };
  throw new ConfigError('network.kind', `unknown value "${(n as { kind: unknown }).kind}". Choose rate or spiking.`);
}

/** Fills in defaults and refuses settings that cannot work, naming the field. */
export function resolveSessionSpec(spec: SessionSpec): ResolvedSpec {
  const d = spec.dataset;
  if (d?.kind !== 'named' && d?.kind !== 'given') throw new ConfigError('dataset.kind', 'choose named (a shipped dataset) or given (a Dataset handed in).');
  const whole = (field: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new ConfigError(field, `must be a whole number of at least 1 (got ${v}).`);
  };
  whole('epochs', spec.epochs);
  whole('metricsEvery', spec.metricsEvery);
  whole('stepsPerSubmit', spec.stepsPerSubmit);
  whole('stepsPerChunk', spec.stepsPerChunk);
  const every = spec.snapshotEverySec ?? DEFAULTS.snapshotEverySec;
  if (!(every > 0) || !Number.isFinite(every)) throw new ConfigError('snapshotEverySec', `must be a positive number of seconds (got ${every}).`);
  const network = resolveNetwork(spec.network);
  if (spec.record && network.kind === 'spiking') validateRecordOptions(spec.record, network.config.batchSize);
  return {
    dataset: d,
    network,
    epochs: spec.epochs ?? null,
    metricsEvery: spec.metricsEvery ?? null,
    stepsPerSubmit: spec.stepsPerSubmit ?? DEFAULTS.stepsPerSubmit,
    stepsPerChunk: spec.stepsPerChunk ?? DEFAULTS.stepsPerChunk,
    snapshotEverySec: every,
    record: spec.record && network.kind === 'spiking' ? structuredClone(spec.record) : null,
  };
}

/** Records every `metricsEvery` steps: about 250 over a planned run, 25 per epoch for an open one. */
export function defaultMetricsEvery(stepsPerEpoch: number, totalSteps: number | null): number {
  return Math.max(1, Math.round(totalSteps === null ? stepsPerEpoch / 25 : totalSteps / 250));
}
