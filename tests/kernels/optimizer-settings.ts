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
