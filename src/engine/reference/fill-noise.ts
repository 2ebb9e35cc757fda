// Reference of fill_noise.wgsl: out[i] = std * gaussian(seed, clock * 64 + stream, i).
import { clockStream, gaussian } from './random';

export function fillNoiseRef(a: { n: number; std: number; seed: number; stream: number; clock: number }): Float64Array {
  const s = clockStream(a.clock, a.stream);
  return Float64Array.from({ length: a.n }, (_, i) => a.std * gaussian(a.seed, s, i));
}
