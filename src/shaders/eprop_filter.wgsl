// Exponential filter run backwards in time, one invocation per (row, column):
//   out[t] = X[t] + decay out[t+1]     (out[T-1] = X[T-1])
// e-prop filters eligibility traces forwards with the readout's kappa; summed
// against a learning signal, sum_t L[t] sum_{t'<=t} kappa^(t-t') e[t'] equals
// sum_t' (this filter of L)[t'] e[t'], so the filter moves onto the signal,
// which is [T, rows, n] instead of one trace per synapse.

struct Params {
  rows: u32,
  cols: u32,
  steps: u32,
  decay: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.cols;
  if (cell >= per_step) { return; }
  var acc = 0.0;
  for (var step = 0u; step < p.steps; step++) {
    let i = (p.steps - 1u - step) * per_step + cell;
    acc = X[i] + p.decay * acc;
    out[i] = acc;
  }
}
