import type { GpuDataset } from '../data/gpu-dataset';
import type { GpuContext } from '../device/gpu-context';
import type { RateNetwork } from '../layers/network';
import type { Feedback } from '../rules/rule';
import type { SpikingConfig } from '../spiking/config';
import type { Propagation } from '../spiking/passes';
import type { InputScaling } from '../training/config';

/**
 * What the inspectors read from a rate trainer; a rate `Trainer` is one. They
 * only read `network` and `data` and write buffers of their own.
 */
export interface InspectTarget {
  readonly context: GpuContext;
  readonly network: RateNetwork;
  readonly data: GpuDataset;
  readonly config: { readonly inputScaling: InputScaling };
}

/**
 * What the inspectors read from a spiking trainer (spikingTarget builds it
 * from a SpikingTrainer): its network, data and config, to run the
 * trainer's evaluation passes over T steps in buffers of their own.
 */
export interface SpikingInspectTarget {
  readonly context: GpuContext;
  readonly network: RateNetwork;
  readonly data: GpuDataset;
  readonly config: SpikingConfig;
  /** The rule's backward pathway; the passes carry it, inference does not use it. */
  readonly feedback: Feedback;
  /** Each layer's input-current path in use now (SpikingTrainer.propagation); dense where absent. */
  readonly propagation?: readonly Propagation[];
}

export type AnyInspectTarget = InspectTarget | SpikingInspectTarget;

/** A spiking config has T; a rate config has none. */
export function isSpikingTarget(target: Pick<AnyInspectTarget, 'config'>): target is SpikingInspectTarget {
  return 'steps' in target.config;
}

export interface InspectOptions {
  /**
   * Rows per forward chunk; each layer's activations take rows x width floats,
   * T times that in a spiking network (default 1000 for a rate network, the
   * rate trainer's evalRows; 500 for a spiking one, the spiking trainer's).
   */
  chunkRows?: number;
}

export const DEFAULT_CHUNK_ROWS = 1000;
export const DEFAULT_SPIKING_CHUNK_ROWS = 500;

/** The chunk size for `count` rows: the option (else the target's default), capped by `count`, at least 1. */
export function chunkRowsFor(options: InspectOptions, count: number, target?: Pick<AnyInspectTarget, 'config'>): number {
  const wanted = options.chunkRows ?? (target && isSpikingTarget(target) ? DEFAULT_SPIKING_CHUNK_ROWS : DEFAULT_CHUNK_ROWS);
  if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`chunkRows must be a whole number of at least 1 (got ${wanted}).`);
  return Math.max(1, Math.min(wanted, count));
}

/** What spikingTarget reads of a spiking trainer (SpikingTrainer or StdpTrainer). */
export interface SpikingTrainerView {
  readonly network: RateNetwork;
  readonly data: GpuDataset;
  readonly config: SpikingConfig;
  readonly rule: { readonly feedback: Feedback };
  readonly propagation?: readonly Propagation[];
}

/** A spiking trainer as the inspectors read it; it keeps its device context to itself, so the caller passes it. */
export function spikingTarget(context: GpuContext, trainer: SpikingTrainerView): SpikingInspectTarget {
  const { network, data, config, rule, propagation } = trainer;
  return { context, network, data, config, feedback: rule.feedback, ...(propagation ? { propagation: propagation.slice() } : {}) };
}
