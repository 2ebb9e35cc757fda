// The messages between the page and the engine worker, both ways. Versioned:
// a page and a worker from different builds refuse each other with a message
// rather than misread each other. Every payload is plain data (structured clone).
import type { Coefficients } from '../engine/rules/rule';
import type { InspectRequest, InspectResult } from '../engine/session/inspection';
import type { StartOptions } from '../engine/session/run-controller';
import type { SessionErrorInfo, SessionEvent, SessionInfo } from '../engine/session/session-events';
import type { SessionSpec } from '../engine/session/session-spec';
import type { TrainerSnapshot } from '../engine/session/trainer-snapshot';
import type { RuleSwitchOptions } from '../engine/training/trainer';

export const PROTOCOL_VERSION = 1;
type Version = typeof PROTOCOL_VERSION;

/** A RunController call: the method's name and its arguments. */
export type Command =
  | { name: 'start'; spec: SessionSpec; options?: StartOptions }
  | { name: 'play' }
  | { name: 'pause' }
  | { name: 'step' }
  | { name: 'reset' }
  | { name: 'rewind' }
  | { name: 'restore'; snapshot: TrainerSnapshot }
  | { name: 'setLearningRate'; lr: number }
  | { name: 'setCoefficients'; coefficients: Coefficients }
  | { name: 'switchRule'; rule: string; options?: RuleSwitchOptions }
  | { name: 'inspect'; request: InspectRequest }
  | { name: 'snapshot' }
  | { name: 'simulateDeviceLoss' }
  | { name: 'destroy' };

export type CommandName = Command['name'];

/** What each command resolves with. */
export interface CommandResults {
  start: SessionInfo;
  play: void;
  pause: void;
  step: void;
  reset: void;
  rewind: number;
  restore: number;
  setLearningRate: void;
  setCoefficients: void;
  switchRule: void;
  inspect: InspectResult;
  snapshot: TrainerSnapshot;
  simulateDeviceLoss: void;
  destroy: void;
}

/** Page → worker. `init` comes first and once: where the worker fetches the shipped datasets. */
export type ToWorker =
  | { v: Version; type: 'init'; datasetsUrl: string }
  | { v: Version; type: 'command'; id: number; command: Command };

/** Worker → page: session events as they happen, and one result per command, by id. */
export type FromWorker =
  | { v: Version; type: 'event'; event: SessionEvent }
  | { v: Version; type: 'result'; id: number; ok: true; value: CommandResults[CommandName] }
  | { v: Version; type: 'result'; id: number; ok: false; error: SessionErrorInfo }
  /** A message the other side could not read (another version, or malformed); `id` when it was a command. */
  | { v: Version; type: 'protocol-error'; message: string; id?: number };
