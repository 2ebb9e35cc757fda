// What the page says about a run: the status line, the latest numbers, and the
// notices for the session's events and errors. Pure: no DOM, tested in Node.
import type { LoadProgress } from '../../engine/data/loader';
import { formatBytes } from '../../engine/errors';
import type { PauseReason, SessionErrorInfo, SessionEvent, SessionInfo, SessionPhase } from '../../engine/session/session-events';
import type { SpikingMetricsRecord } from '../../engine/spiking/trainer';
import type { MetricsRecord } from '../../engine/training/trainer';
import type { LayerRow } from '../layer-angles';
import type { RunStatus, RunSummary } from './run-controls';
import type { Notice } from './run-notices';
import type { Setting } from './setting-edit';

export type AnyRecord = MetricsRecord | SpikingMetricsRecord;

/** The status line for a phase the session entered; null keeps the line as it is (an event that follows says more). */
export function phaseStatus(phase: SessionPhase, datasetName: string, adapter: string | null): RunStatus | null {
  switch (phase) {
    case 'loading':
      return { kind: 'busy', text: `Loading ${datasetName}…` };
    case 'preparing':
      return { kind: 'busy', text: 'Preparing the GPU: uploading the data and compiling the shaders…' };
    case 'training':
      return { kind: 'busy', text: `Training on ${adapter ?? 'the GPU'}…` };
    case 'recovering':
      return { kind: 'warn', text: 'The GPU device was lost: recovering from the last snapshot…' };
    case 'failed':
      return { kind: 'error', text: 'The run stopped: see the message above.' };
    default:
      return null;
  }
}

export function loadingStatus(datasetName: string, p: LoadProgress): RunStatus {
  const amount = p.totalBytes ? `${formatBytes(p.loadedBytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.loadedBytes);
  return { kind: 'busy', text: `Loading ${datasetName}: ${amount}…` };
}

export function readyStatus(info: SessionInfo): RunStatus {
  return { kind: 'info', text: `Ready on ${info.adapter}: ${info.trainCount.toLocaleString()} training and ${info.testCount.toLocaleString()} test examples. Press Play or Step.` };
}

export function trainingStatus(r: AnyRecord, info: SessionInfo): RunStatus {
  const epochs = info.totalSteps === null ? null : Math.round(info.totalSteps / info.stepsPerEpoch);
  const epoch = Math.floor(r.step / info.stepsPerEpoch) + 1;
  const of = epochs === null ? '' : ` of ${epochs}`;
  return { kind: 'busy', text: `Training on ${info.adapter}: epoch ${epochs === null ? epoch : Math.min(epoch, epochs)}${of}, step ${r.step.toLocaleString()}.` };
}

/** The status line once paused; null where another notice says why (a divergence). */
export function pausedStatus(step: number, reason: PauseReason, records: readonly AnyRecord[], epochs: number): RunStatus | null {
  const test = lastTest(records)?.testAcc;
  const acc = test != null ? `test accuracy ${percent(test)}` : 'no test accuracy yet';
  switch (reason) {
    case 'finished': {
      const last = records.at(-1);
      const time = last ? ` in ${last.elapsedSec.toFixed(1)} s` : '';
      return { kind: 'ok', text: `Finished ${epochs} epoch${epochs === 1 ? '' : 's'}${time}: ${acc}. Reset to train again.` };
    }
    case 'diverged':
      return null;
    case 'device-lost':
      return { kind: 'info', text: `Recovered at step ${step.toLocaleString()}.` };
    case 'error':
      return { kind: 'error', text: `Stopped at step ${step.toLocaleString()}: see the message above.` };
    default:
      return { kind: 'info', text: `Paused at step ${step.toLocaleString()}: ${acc}.` };
  }
}

export function summaryOf(records: readonly AnyRecord[], info: SessionInfo | null): RunSummary {
  const latest = records.at(-1);
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  return {
    step: latest?.step ?? null,
    totalSteps: info?.totalSteps ?? null,
    trainLoss: finite(latest?.trainLoss),
    trainAcc: finite(latest?.trainAcc),
    testAcc: lastTest(records)?.testAcc ?? null,
    samplesPerSec: latest && latest.samplesPerSec > 0 ? latest.samplesPerSec : null,
  };
}

/** The layer table's rows from a rate record (gradient angles) or a spiking one (firing rates). */
export function layerRows(r: AnyRecord | undefined): LayerRow[] {
  if (!r) return [];
  return r.layers.map((l) =>
    'firingRate' in l ? { layer: l.layer, weightAngle: l.weightAngle, firingRate: l.firingRate } : { layer: l.layer, weightAngle: l.weightAngle, gradientAngle: l.gradientAngle },
  );
}

/** The latest record that carries a test accuracy. */
export function lastTest(records: readonly AnyRecord[]): AnyRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (records[i]!.testAcc !== null) return records[i];
  return undefined;
}

/** The divergence notice's action, carried out by the page. */
export const REWIND_AND_LOWER = 'rewind-lower';

/** The notice a session event calls for, or null. */
export function noticeOf(e: SessionEvent): Notice | null {
  switch (e.type) {
    case 'warning':
      return { id: 'warning', kind: 'warn', title: 'Worth a look', lines: [e.message] };
    case 'diverged': {
      const action =
        e.suggestedLr === null
          ? undefined
          : { name: REWIND_AND_LOWER, label: e.rewindStep !== null ? `Rewind to step ${e.rewindStep} with learning rate ${e.suggestedLr}` : `Reset with learning rate ${e.suggestedLr}` };
      return { id: 'diverged', kind: 'error', title: 'The loss diverged: training is paused', lines: [e.message], ...(action ? { action } : {}) };
    }
    case 'device-lost':
      return {
        id: 'device',
        kind: 'warn',
        title: 'The GPU device was lost',
        lines: [
          e.message,
          e.snapshotStep !== null ? `Recovering on a new device from the snapshot at step ${e.snapshotStep}…` : 'Recovering on a new device from step 0 (no snapshot had been taken yet)…',
        ],
      };
    case 'recovered':
      return { id: 'device', kind: 'info', title: 'Recovered on a new device', lines: [e.message] };
    default:
      return null;
  }
}

const ERROR_TITLES: Partial<Record<SessionErrorInfo['code'], string>> = {
  config: 'These settings cannot run',
  dataset: 'The dataset could not be loaded',
  'gpu-limit': 'Too large for this GPU',
  'gpu-out-of-memory': 'The GPU ran out of memory',
  'gpu-device-lost': 'The GPU device was lost',
};

/** An engine error as a notice and a status line, and the control it belongs to (with its message there), if any. */
export function errorReport(error: SessionErrorInfo): { notice: Notice; status: RunStatus; setting: Setting | null; settingMessage: string } {
  const title = ERROR_TITLES[error.code] ?? 'Something went wrong';
  const setting = error.code === 'config' && error.field ? settingOfEngineField(error.field) : null;
  return {
    notice: { id: 'error', kind: 'error', title, lines: [error.message] },
    status: { kind: 'error', text: `${title}: see the message above.` },
    setting,
    settingMessage: bareMessage(error),
  };
}

/** The control of an engine config field ('batchSize', 'hidden[1]', 'optimizer.lr', ...), or null. */
export function settingOfEngineField(field: string): Setting | null {
  if (field === 'hidden' || field.startsWith('hidden[')) return 'hidden';
  const direct: Record<string, Setting> = {
    batchSize: 'batchSize',
    seed: 'seed',
    rule: 'rule',
    activation: 'activation',
    'optimizer.lr': 'optimizer.lr',
    'optimizer.momentum': 'optimizer.momentum',
    'optimizer.method': 'optimizer.method',
    steps: 'spiking.steps',
    encoder: 'spiking.encoder',
    readout: 'spiking.readout',
  };
  return Object.hasOwn(direct, field) ? direct[field]! : null;
}

/** "batchSize: is 128 but…" → "Is 128 but…": beside its control the field needs no name. */
export function bareMessage(error: SessionErrorInfo): string {
  const prefix = `${error.field}: `;
  const text = error.field && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Any thrown value as the engine's error data (a SessionError from the worker keeps its code and field). */
export function errorOf(err: unknown): SessionErrorInfo {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; field?: unknown } | null;
  return {
    code: (typeof e?.code === 'string' ? e.code : 'internal') as SessionErrorInfo['code'],
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.field === 'string' ? { field: e.field } : {}),
  };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
