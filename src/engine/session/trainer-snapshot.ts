// A trainer's whole state as plain arrays: every parameter and optimiser
// buffer, the GPU step clock, the metric sums and the host loop's position.
// It is read back asynchronously, so taking one never stalls training, and
// restoring one continues a run bit for bit where it was (same device).
import { ConfigError } from '../errors';
import { feedbackMoments, layerMoments, type RateNetwork } from '../layers/network';
import type { SpikingConfig } from '../spiking/config';
import type { Propagation } from '../spiking/passes';
import type { TrainConfig } from '../training/config';

export const SNAPSHOT_VERSION = 1;

/** Where the host loop stands. */
export interface LoopPosition {
  step: number;
  epoch: number;
  /** Epoch orders drawn from the shuffle stream; restoring replays the stream to here. */
  shuffles: number;
  /** Steps since the last metrics capture, so records keep their cadence. */
  sinceCapture: number;
  /** Whether a probe has run (records before the first have empty probe slots). */
  probed: boolean;
}

/** What every trainer's snapshot holds. */
export interface SnapshotState {
  version: typeof SNAPSHOT_VERSION;
  /** Size of the training set the position refers to. */
  trainCount: number;
  position: LoopPosition;
  /** The GPU step clock: batch position, Adam's t, the keys of GPU noise. */
  clock: number;
  /** The metric sums since the last record, so the next record continues them. */
  metrics: Float32Array;
  /** Parameters and optimiser state by name: layer1.W, layer1.b, layer1.B, layer1.mW, ... */
  buffers: Record<string, Float32Array>;
}

export interface RateSnapshot extends SnapshotState {
  kind: 'rate';
  /** The settings in force when it was taken (rule, coefficients and learning rate included). */
  config: TrainConfig;
}

export interface SpikingSnapshot extends SnapshotState {
  kind: 'spiking';
  config: SpikingConfig;
  /** The propagation path of each layer's input currents (empty for the spike-only rules). */
  paths: Propagation[];
}

export type TrainerSnapshot = RateSnapshot | SpikingSnapshot;

export interface NamedBuffer {
  name: string;
  buffer: GPUBuffer;
  /** Floats that hold values (buffers are padded to 16 bytes); default the whole buffer. */
  floats?: number;
  /** Where they start (floats; default 0): moments share a buffer. */
  at?: number;
}

/**
 * A network's parameters and optimiser moments, each moment by its own name
 * wherever it lies; gradients are rewritten every step and left out.
 */
export function networkState(net: RateNetwork): NamedBuffer[] {
  const out: NamedBuffer[] = [];
  for (const l of net.layers) {
    const add = (what: string, buffer: GPUBuffer | null, floats: number, at = 0) => buffer && out.push({ name: `layer${l.index}.${what}`, buffer, floats, at });
    const w = l.nOut * l.nIn;
    const f = l.nIn * l.feedbackCols;
    const moments = layerMoments(l);
    const momentsB = feedbackMoments(l);
    add('W', l.W, w);
    add('b', l.b, l.nOut);
    add('B', l.B, f);
    add('mW', l.moments, w, moments.W.m);
    add('vW', l.moments, w, moments.W.v);
    add('mb', l.moments, l.nOut, moments.b.m);
    add('vb', l.moments, l.nOut, moments.b.v);
    if (momentsB) {
      add('mB', momentsB.buffer, f, momentsB.m);
      add('vB', momentsB.buffer, f, momentsB.v);
    }
  }
  return out;
}

/** Refuses a snapshot of another training set or layer sizes than `net`'s, before anything is written. */
export function checkSnapshotFits(s: SnapshotState, net: RateNetwork, trainCount: number): void {
  if (s.trainCount !== trainCount) {
    throw new ConfigError('snapshot', `was taken on a training set of ${s.trainCount} examples; this one has ${trainCount}. Load the same dataset and subset.`);
  }
  for (const l of net.layers) {
    const W = s.buffers[`layer${l.index}.W`];
    if (W && W.length === l.nOut * l.nIn) continue;
    const theirs = W ? `${W.length} weights` : 'no weights';
    throw new ConfigError('snapshot', `has ${theirs} in layer ${l.index} where this ${net.sizes.join('-')} network has ${l.nOut * l.nIn}; restore it into a network of the same sizes.`);
  }
}

/**
 * The first setting (as a path, e.g. "optimizer.method") where two configs
 * differ, skipping the paths in `live` (settings that may change mid-run);
 * null when they agree.
 */
export function configDifference(a: unknown, b: unknown, live: readonly string[], path = ''): string | null {
  if (live.includes(path)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? null : path || '(config)';
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = configDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], live, path ? `${path}.${k}` : k);
    if (d) return d;
  }
  return null;
}
