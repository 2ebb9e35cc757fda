// What a run session tells its host. Plain data only, so every event crosses
// a worker boundary (structured clone) unchanged.
import type { LoadProgress } from '../data/loader';
import { type ErrorCode, PlasticityError } from '../errors';
import type { LayerWarning } from '../metrics/layer-warnings';
import type { Coefficients } from '../rules/rule';
import type { SpikingRecording } from '../spiking/recording';
import type { SpikingMetricsRecord } from '../spiking/trainer';
import type { MetricsRecord } from '../training/trainer';

export type SessionPhase =
  | 'idle'
  | 'loading'
  | 'preparing'
  /** At step 0 of a fresh run (after start or reset). */
  | 'ready'
  | 'training'
  | 'paused'
  /** The device was lost; a new one is being set up from the last snapshot. */
  | 'recovering'
  /** The planned epochs are done; reset to train again. */
  | 'finished'
  /** Start failed, or the device could not be recovered; start again. */
  | 'failed'
  | 'destroyed';

export type PauseReason = 'user' | 'diverged' | 'finished' | 'device-lost' | 'error';

/** The settings a person can change while a run goes on. */
export interface SessionSettings {
  rule: string;
  /** The optimiser's learning rate; null for rules with their own (EMSTDP, BP-STDP). */
  lr: number | null;
  coefficients: Coefficients;
}

export interface SessionInfo {
  kind: 'rate' | 'spiking';
  adapter: string;
  dataset: string;
  /** Layer sizes, input and output included. */
  sizes: number[];
  classNames: string[];
  trainCount: number;
  testCount: number;
  stepsPerEpoch: number;
  /** Steps after which the run stops by itself; null when it trains until paused. */
  totalSteps: number | null;
  metricsEvery: number;
  settings: SessionSettings;
}

/** An error as data: the engine's code, class name and message (which says what to do). */
export interface SessionErrorInfo {
  code: ErrorCode | 'internal';
  name: string;
  message: string;
  /** The setting at fault, for configuration errors. */
  field?: string;
}

export type SessionEvent =
  | { type: 'phase'; phase: SessionPhase }
  | { type: 'load-progress'; progress: LoadProgress }
  /** A run starts at step 0 (start or reset): earlier metrics belong to another run. */
  | { type: 'ready'; info: SessionInfo }
  /** In step order, but for a start with `play`: its step-0 record comes after step 1's (see addRecord). */
  | { type: 'metrics'; kind: 'rate'; record: MetricsRecord }
  | { type: 'metrics'; kind: 'spiking'; record: SpikingMetricsRecord }
  /** A spiking run's rasters and membrane traces (with SessionSpec.record). */
  | { type: 'recording'; recording: SpikingRecording }
  /** Something to look at that does not stop training (silent or saturated spiking layers...). */
  | { type: 'warning'; step: number; message: string; layers?: LayerWarning[] }
  | { type: 'paused'; step: number; reason: PauseReason }
  | { type: 'resumed'; step: number }
  | { type: 'settings'; settings: SessionSettings }
  /** A snapshot of this step is kept in memory (device loss recovers to it, rewind to the last healthy one). */
  | { type: 'snapshot'; step: number }
  | {
      type: 'diverged';
      step: number;
      loss: number;
      lr: number | null;
      /** A learning rate to try instead; null where the rule has its own. */
      suggestedLr: number | null;
      /** Where rewind() would go back to; null before any healthy snapshot. */
      rewindStep: number | null;
      message: string;
    }
  | { type: 'device-lost'; reason: string; message: string; snapshotStep: number | null }
  /** Training continues from `step` on a new device: metrics after it belong to the lost device. */
  | { type: 'recovered'; step: number; adapter: string; message: string }
  /** The run went back to `step` (rewind): metrics after it are gone. */
  | { type: 'rewound'; step: number }
  | { type: 'error'; error: SessionErrorInfo };

export type SessionListener = (event: SessionEvent) => void;

/** The data of any thrown value; errors from outside the engine get a message a person can act on. */
export function errorInfo(e: unknown): SessionErrorInfo {
  if (e instanceof PlasticityError) {
    const field = (e as { field?: unknown }).field ?? (e as { fileName?: unknown }).fileName;
    return { code: e.code, name: e.name, message: e.message, ...(typeof field === 'string' ? { field } : {}) };
  }
  const detail = e instanceof Error ? e.message : String(e);
  return {
    code: 'internal',
    name: e instanceof Error ? e.name : 'Error',
    message: `Something went wrong inside the engine (${detail}). Reset the run; if it happens again, reload the page and report it.`,
  };
}

/** An engine error that crossed a worker boundary: the same code, name, message and field. */
export class SessionError extends Error {
  readonly code: ErrorCode | 'internal';
  readonly field: string | undefined;

  constructor(info: SessionErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.code = info.code;
    this.field = info.field;
  }
}

/** `records` (in step order) with `r` in its place: appended, unless it is a late step-0 record. */
export function addRecord<R extends { step: number }>(records: readonly R[], r: R): R[] {
  let i = records.length;
  while (i > 0 && records[i - 1].step > r.step) i--;
  return [...records.slice(0, i), r, ...records.slice(i)];
}
