// Optimiser settings shared by the optimizer and weight-update kernel tests.
import { CONSTANT_SCHEDULE, type OptimizerSettings } from '../../src/engine/kernels/optimizer';

export const BASE_SETTINGS: OptimizerSettings = {
  method: 'sgd',
  lr: 0.05,
  mu: 0.9,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decay: 0,
  noiseStd: 0,
  schedule: CONSTANT_SCHEDULE,
};

/** The settings as the kernel sees them: every float rounded to f32 in the uniform. */
export function asF32(s: OptimizerSettings): OptimizerSettings {
  const f = Math.fround;
  return { ...s, lr: f(s.lr), mu: f(s.mu), beta1: f(s.beta1), beta2: f(s.beta2), eps: f(s.eps), weightDecay: f(s.weightDecay), decay: f(s.decay), noiseStd: f(s.noiseStd) };
}

/** Where one parameter's moments lie in a packed buffer (floats). */
export interface PackedSlot {
  m: number;
  v: number;
}

/**
 * Moment pairs packed into one buffer as a kernel can find them only from its
 * offsets: `lead` floats of filler first, then each pair with v before m.
 */
export function packMoments(pairs: ReadonlyArray<readonly [m: Float32Array, v: Float32Array]>, lead = 3): { data: Float32Array<ArrayBuffer>; slots: PackedSlot[] } {
  const total = lead + pairs.reduce((n, [m, v]) => n + m.length + v.length, 0);
  const data = new Float32Array(total).fill(-7);
  const slots: PackedSlot[] = [];
  let at = lead;
  for (const [m, v] of pairs) {
    data.set(v, at);
    data.set(m, at + v.length);
    slots.push({ m: at + v.length, v: at });
    at += m.length + v.length;
  }
  return { data, slots };
}

/** One pair's m and v (n floats each) out of a packed buffer's contents. */
export function unpackMoments(data: Float32Array, slot: PackedSlot, n: number): { m: Float32Array; v: Float32Array } {
  return { m: data.slice(slot.m, slot.m + n), v: data.slice(slot.v, slot.v + n) };
}
