// One optimiser step on a parameter tensor P from its gradient G (the
// arithmetic is optimizer_math.wgsl's). TIED (Kolen-Pollack): T, the transposed
// twin of P, receives the same step and decay, so P - T^T shrinks by
// (1 - lr decay) every step. NOISE adds the update noise to T when TIED, else to P.

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
  // The uniform address space puts a struct member at a multiple of 16 bytes.
  pad: u32,
  s: OptimizerSettings,
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

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= p.n) { return; }
  let now = clock[0];
  let lr = scheduled_lr(p.s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = M[i]; }
  if (METHOD == 2u) { mom.v = V[i]; }
  let u = optimizer_step(p.s, lr, now, G[i] + p.s.weight_decay * P[i], &mom);
  if (METHOD >= 1u) { M[i] = mom.m; }
  if (METHOD == 2u) { V[i] = mom.v; }
  let keep = 1.0 - lr * p.s.decay;
  var noise = 0.0;
  if (NOISE) { noise = update_noise(p.s, lr, now, i); }
  if (TIED) {
    P[i] = keep * P[i] + u;
    let j = (i % p.cols) * p.rows + i / p.cols;
    T[j] = keep * T[j] + u + noise;
  } else {
    P[i] = keep * P[i] + u + noise;
  }
}
