// The network's input scale: the gather (gather_batch.wgsl) feeds
// x = (p - shift) * scale for a stored pixel p = byte / 255 in [0, 1]; with
// inputScaling 'unit' x = p, with 'standardize' x = (p - mean) / std, using
// the training set's mean and std. Test pixels take the same transform.
// A spiking network always sees p: its encoders read intensities in [0, 1].
import type { AnyInspectTarget } from './target';

export interface InputScale {
  shift: number;
  scale: number;
}

type ScaleSource = Pick<AnyInspectTarget, 'data' | 'config'>;

/** The same shift and scale the trainer gives its gathers. */
export function inputScale(target: ScaleSource): InputScale {
  const { data, config } = target;
  const standardize = 'inputScaling' in config && config.inputScaling === 'standardize';
  return standardize ? { shift: data.pixelMean, scale: 1 / data.pixelStd } : { shift: 0, scale: 1 };
}

/** Pixels in [0, 1] (e.g. a teaching set's coordinate c in [-1, 1] as (c + 1) / 2) to network inputs. */
export function toNetworkInput(target: ScaleSource, pixels: ArrayLike<number>): Float32Array {
  const { shift, scale } = inputScale(target);
  return Float32Array.from(pixels, (p) => (p - shift) * scale);
}

/** A teaching set's coordinates in [-1, 1] (stored as the pixel (c + 1) / 2, see data/teaching-sets.ts) to network inputs. */
export function coordinatesToNetworkInput(target: ScaleSource, coordinates: ArrayLike<number>): Float32Array {
  return toNetworkInput(target, Float32Array.from(coordinates, (c) => (c + 1) / 2));
}
