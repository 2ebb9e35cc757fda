// TSSL-BP's neuron (Zhang & Li 2020; functions/tsslbp.py) over all T steps of
// a layer, one invocation per (row, neuron); the input currents of every step
// are precomputed (one matmul over T x rows), as for lif_forward.wgsl.
//
//   u[t] = (1 - 1/tau_m) u[t-1] + I[t] (+ bias)    U keeps u[t] before the reset
//   s[t] = H(u[t] - V_th), then u[t] <- u[t] (1 - s[t])   (reset to zero)
//   a[t] = (1 - 1/tau_s) a[t-1] + s[t] / tau_s      the PSP trace
// The layer's output, read by the next layer and by the loss, is A, not S.
// The backward rebuilds the increment u[t] - u[t-1] (after the reset) from U
// and S, so the forward stores nothing else. Arrays are time-major.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  tau_m: f32,
  tau_s: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> I: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> U: array<f32>;
@group(0) @binding(4) var<storage, read_write> S: array<f32>;
@group(0) @binding(5) var<storage, read_write> A: array<f32>;

// The official code has no bias; with BIAS the bias adds to every step's current.
override BIAS: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  var b = 0.0;
  if (BIAS) { b = bias[cell % p.neurons]; }
  let keep_m = 1.0 - 1.0 / p.tau_m;
  let keep_s = 1.0 - 1.0 / p.tau_s;
  var u = 0.0;
  var a = 0.0;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    u = keep_m * u + I[i] + b;
    var s = 0.0;
    if (u > p.threshold) { s = 1.0; }
    a = keep_s * a + s / p.tau_s;
    U[i] = u;
    S[i] = s;
    A[i] = a;
    u *= 1.0 - s;
  }
}
