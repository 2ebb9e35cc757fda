// One optimiser step on a parameter tensor P from its gradient G (the
// arithmetic is optimizer_math.wgsl's). TIED (Kolen-Pollack): T, the transposed
// twin of P, receives the same step and decay, so P - T^T shrinks by
// (1 - lr decay) every step. NOISE adds the update noise to T when TIED, else to P.
//
// REGULARIZE (a trained B): the gradient gains the terms that need no batch,
// reg_p P + reg_w S^T with S the layer's W (2 c_decay B - c_self W^T), so they
// cost no dispatch of their own; READ_GRAD is false when G holds nothing else.

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
  // Where m and v start in `moments` (floats): a layer keeps W's and b's there.
  m_at: u32,
  s: OptimizerSettings,
  reg_p: f32,
  reg_w: f32,
  v_at: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> clock: array<u32>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;
@group(0) @binding(5) var<storage, read_write> T: array<f32>;
@group(0) @binding(6) var<storage, read> S: array<f32>;

override METHOD: u32 = 0u;
override TIED: bool = false;
override NOISE: bool = false;
override READ_GRAD: bool = true;
override REGULARIZE: bool = false;

// P[r, c] pairs with element [c, r] of a cols x rows tensor (T, S).
fn transposed(i: u32) -> u32 {
  return (i % p.cols) * p.rows + i / p.cols;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= p.n) { return; }
  let now = clock[0];
  let lr = scheduled_lr(p.s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = moments[p.m_at + i]; }
  if (METHOD == 2u) { mom.v = moments[p.v_at + i]; }
  var g = p.s.weight_decay * P[i];
  if (READ_GRAD) { g += G[i]; }
  if (REGULARIZE) { g += p.reg_p * P[i] + p.reg_w * S[transposed(i)]; }
  let u = optimizer_step(p.s, lr, now, g, &mom);
  if (METHOD >= 1u) { moments[p.m_at + i] = mom.m; }
  if (METHOD == 2u) { moments[p.v_at + i] = mom.v; }
  let keep = 1.0 - lr * p.s.decay;
  var noise = 0.0;
  if (NOISE) { noise = update_noise(p.s, lr, now, i); }
  if (TIED) {
    P[i] = keep * P[i] + u;
    let j = transposed(i);
    T[j] = keep * T[j] + u + noise;
  } else {
    P[i] = keep * P[i] + u + noise;
  }
}
