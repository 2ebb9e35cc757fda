// One optimiser step on a parameter tensor, from its gradient G:
//   g = G + weight_decay * P                      (coupled L2, as tf.l2_regularizer)
//   METHOD 0 SGD:      u = -lr g
//   METHOD 1 momentum: m = mu m + g;  u = -lr m
//   METHOD 2 Adam:     m, v moments with bias correction at step t (the clock)
//   P = (1 - lr decay) P + u                      (decoupled decay)
// TIED (Kolen-Pollack): T, the transposed twin of P, receives the same u and
// decay, so P - T^T shrinks by (1 - lr decay) every step. NOISE adds
// lr * noise_std * xi, xi ~ N(0, 1) drawn per step, to T when TIED, else to P.
// lr is the base rate times the schedule at this step (scheduled_lr), read from
// the clock: the rate of a step does not depend on how steps share a submit.

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
  seed: u32,
  lr: f32,
  mu: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  decay: f32,
  noise_std: f32,
  stream: u32,
  warmup_steps: u32,
  // 0: constant after the warm-up; else the step where the cosine reaches 0.
  cosine_steps: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> clock: array<u32>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
@group(0) @binding(4) var<storage, read_write> M: array<f32>;
@group(0) @binding(5) var<storage, read_write> V: array<f32>;
@group(0) @binding(6) var<storage, read_write> T: array<f32>;

override METHOD: u32 = 0u;
override TIED: bool = false;
override NOISE: bool = false;

const PI = 3.14159265358979;

// The loss kernel has already advanced the clock: step s (0-based) reads s + 1.
fn scheduled_lr(clock_now: u32) -> f32 {
  let step = max(clock_now, 1u) - 1u;
  if (step < p.warmup_steps) { return p.lr * f32(step + 1u) / f32(p.warmup_steps + 1u); }
  if (p.cosine_steps == 0u) { return p.lr; }
  let progress = min(1.0, f32(step - p.warmup_steps) / f32(p.cosine_steps - p.warmup_steps));
  return p.lr * 0.5 * (1.0 + cos(PI * progress));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= p.n) { return; }
  let lr = scheduled_lr(clock[0]);
  let g = G[i] + p.weight_decay * P[i];
  var u: f32;
  switch METHOD {
    case 1u: {
      let m = p.mu * M[i] + g;
      M[i] = m;
      u = -lr * m;
    }
    case 2u: {
      let t = f32(max(clock[0], 1u));
      let m = p.beta1 * M[i] + (1.0 - p.beta1) * g;
      let v = p.beta2 * V[i] + (1.0 - p.beta2) * g * g;
      M[i] = m;
      V[i] = v;
      let m_hat = m / (1.0 - pow(p.beta1, t));
      let v_hat = v / (1.0 - pow(p.beta2, t));
      u = -lr * m_hat / (sqrt(v_hat) + p.eps);
    }
    default: { u = -lr * g; }
  }
  let keep = 1.0 - lr * p.decay;
  var noise = 0.0;
  if (NOISE) { noise = lr * p.noise_std * gaussian(p.seed, clock[0] * 64u + p.stream, i); }
  if (TIED) {
    P[i] = keep * P[i] + u;
    let r = i / p.cols;
    let c = i % p.cols;
    let j = c * p.rows + r;
    T[j] = keep * T[j] + u + noise;
  } else {
    P[i] = keep * P[i] + u + noise;
  }
}
