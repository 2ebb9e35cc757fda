// The PSP filter that TSSL-BP applies to its input layer, one invocation per
// (row, input):  a[t] = (1 - 1/tau_s) a[t-1] + x[t] / tau_s.
// STATIC: x[t] = X[row, i] at every step, the official code's repeated static
// image; else X is a time-major train [T, rows, n] (encoded spikes, events).

struct Params {
  rows: u32,
  n: u32,
  steps: u32,
  tau_s: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> A: array<f32>;

override STATIC: bool = true;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.n;
  if (cell >= per_step) { return; }
  let keep_s = 1.0 - 1.0 / p.tau_s;
  var a = 0.0;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    var x = 0.0;
    if (STATIC) { x = X[cell]; } else { x = X[i]; }
    a = keep_s * a + x / p.tau_s;
    A[i] = a;
  }
}
