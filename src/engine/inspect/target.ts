import type { GpuDataset } from '../data/gpu-dataset';
import type { GpuContext } from '../device/gpu-context';
import type { RateNetwork } from '../layers/network';
import type { InputScaling } from '../training/config';

/**
 * What the inspectors read from a trainer; a rate `Trainer` is one. They
 * only read `network` and `data` and write buffers of their own.
 */
export interface InspectTarget {
  readonly context: GpuContext;
  readonly network: RateNetwork;
  readonly data: GpuDataset;
  readonly config: { readonly inputScaling: InputScaling };
}

export interface InspectOptions {
  /** Rows per forward chunk; each layer's activations take rows x width floats (default 1000, the trainer's evalRows). */
  chunkRows?: number;
}

export const DEFAULT_CHUNK_ROWS = 1000;

/** The chunk size for `count` rows: the option, capped by `count`, at least 1. */
export function chunkRowsFor(options: InspectOptions, count: number): number {
  const wanted = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`chunkRows must be a whole number of at least 1 (got ${wanted}).`);
  return Math.max(1, Math.min(wanted, count));
}
