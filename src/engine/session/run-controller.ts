// The surface of one interactive run, the same whether the run lives on this
// thread (RunSession) or in a module worker (EngineClient): a page can use
// either. Every command resolves once done and rejects with the engine's
// typed error (code, message that says what to do); what happens meanwhile
// arrives as events.
import type { Coefficients } from '../rules/rule';
import type { RuleSwitchOptions } from '../training/trainer';
import type { SessionInfo, SessionListener } from './session-events';
import type { SessionSpec } from './session-spec';
import type { InspectRequest, InspectResult } from './inspection';
import type { TrainerSnapshot } from './trainer-snapshot';

export interface StartOptions {
  /**
   * Train at once, as play() would. The untrained network's test pass (its
   * step-0 record) then runs after the first step, whose record comes first,
   * rather than before it.
   */
  play?: boolean;
}

export interface RunController {
  /** Adds a listener of every event; returns its removal. */
  onEvent(listener: SessionListener): () => void;
  /** Loads the dataset (cached between starts), sets up the device and a fresh run at step 0, paused unless `options.play`. */
  start(spec: SessionSpec, options?: StartOptions): Promise<SessionInfo>;
  /** Trains until paused, finished or diverged; resolves once training has begun. */
  play(): Promise<void>;
  /** Stops after the chunk in progress; resolves once its metrics have arrived. */
  pause(): Promise<void>;
  /** One submit's worth of steps (pauses first). */
  step(): Promise<void>;
  /** Back to step 0 with the same seed (the same initial weights) and the settings in force now. */
  reset(): Promise<void>;
  /** Back to the last snapshot taken before the loss blew up (or the last one); resolves with its step. */
  rewind(): Promise<number>;
  /**
   * The run rebuilt from `snapshot` (a model file's arrays in a snapshot of this run), paused;
   * resolves with its step. The snapshot must be of the network this run was started with.
   */
  restore(snapshot: TrainerSnapshot): Promise<number>;
  /** From the next submit, even while training. */
  setLearningRate(lr: number): Promise<void>;
  /** The rule's regulariser coefficients (rate rules that train B), from the next chunk. */
  setCoefficients(coefficients: Coefficients): Promise<void>;
  /** Another rule from the next chunk, keeping the weights; refused with the reason where impossible. */
  switchRule(rule: string, options?: RuleSwitchOptions): Promise<void>;
  /** A view of the network now (confusion matrix, samples, weights, a grid's predictions), computed beside training. */
  inspect(request: InspectRequest): Promise<InspectResult>;
  /** The run's whole state now, as plain arrays (also kept as the latest snapshot). */
  snapshot(): Promise<TrainerSnapshot>;
  /**
   * Destroys the run's GPU device as a driver reset would, so a test or a
   * classroom demo can watch the recovery from the last snapshot; refused
   * before a run has a device.
   */
  simulateDeviceLoss(): Promise<void>;
  /** Stops and frees the device; the controller cannot be used again. */
  destroy(): Promise<void>;
}
