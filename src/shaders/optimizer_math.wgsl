// The optimiser arithmetic of one parameter element, shared by optimizer.wgsl
// (a parameter tensor from its stored gradient) and matmul_update.wgsl (a weight
// gradient applied as it leaves the matmul). The including module declares
// `override METHOD: u32` (0 SGD, 1 momentum, 2 Adam).
//
//   g = G + weight_decay * P                      (coupled L2, as tf.l2_regularizer)
//   SGD:      u = -lr g
//   momentum: m = mu m + g;  u = -lr m
//   Adam:     m, v moments with bias correction at step t (the clock)
//   P = (1 - lr decay) P + u                      (decoupled decay)
// lr is the base rate times the schedule at this step (scheduled_lr), read from
// the clock: the rate of a step does not depend on how steps share a submit.

struct OptimizerSettings {
  lr: f32,
  mu: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  decay: f32,
  noise_std: f32,
  seed: u32,
  stream: u32,
  warmup_steps: u32,
  // 0: constant after the warm-up; else the step where the cosine reaches 0.
  cosine_steps: u32,
}

const PI = 3.14159265358979;

// The loss kernel has already advanced the clock: step s (0-based) reads s + 1.
fn scheduled_lr(s: OptimizerSettings, clock_now: u32) -> f32 {
  let step = max(clock_now, 1u) - 1u;
  if (step < s.warmup_steps) { return s.lr * f32(step + 1u) / f32(s.warmup_steps + 1u); }
  if (s.cosine_steps == 0u) { return s.lr; }
  let progress = min(1.0, f32(step - s.warmup_steps) / f32(s.cosine_steps - s.warmup_steps));
  return s.lr * 0.5 * (1.0 + cos(PI * progress));
}

struct Moments {
  m: f32,
  v: f32,
}

// The step u added to the parameter for gradient g (L2 included), at rate lr
// and step clock_now; advances the moments in place.
fn optimizer_step(s: OptimizerSettings, lr: f32, clock_now: u32, g: f32, mom: ptr<function, Moments>) -> f32 {
  switch METHOD {
    case 1u: {
      (*mom).m = s.mu * (*mom).m + g;
      return -lr * (*mom).m;
    }
    case 2u: {
      let t = f32(max(clock_now, 1u));
      (*mom).m = s.beta1 * (*mom).m + (1.0 - s.beta1) * g;
      (*mom).v = s.beta2 * (*mom).v + (1.0 - s.beta2) * g * g;
      let m_hat = (*mom).m / (1.0 - pow(s.beta1, t));
      let v_hat = (*mom).v / (1.0 - pow(s.beta2, t));
      return -lr * m_hat / (sqrt(v_hat) + s.eps);
    }
    default: { return -lr * g; }
  }
}

// The noise of "weight estimation" for element i at this step: lr noise_std xi, xi ~ N(0, 1).
fn update_noise(s: OptimizerSettings, lr: f32, clock_now: u32, i: u32) -> f32 {
  return lr * s.noise_std * gaussian(s.seed, clock_now * 64u + s.stream, i);
}
