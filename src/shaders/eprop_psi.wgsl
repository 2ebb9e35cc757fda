// e-prop's pseudo-derivative of a LIF/ALIF layer (lif_forward.wgsl), one
// invocation per (row, neuron) over all T steps (EligALIF in Bellec's code):
//   psi[t] = (gamma_pd / v_th) max(0, 1 - |(U[t] - A[t]) / v_th|)
// with v_th the base threshold theta and A[t] = theta (LIF) or the adaptive
// threshold. psi is 0 during the `refractory` steps after a spike, where the
// forward blocks the input and no spike can fire.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  refractory: u32,
  theta: f32,
  dampening: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> U: array<f32>;
@group(0) @binding(2) var<storage, read> S: array<f32>;
// Thresholds A[t]; read only by adaptive neurons (others bind a dummy).
@group(0) @binding(3) var<storage, read> A: array<f32>;
@group(0) @binding(4) var<storage, read_write> psi: array<f32>;

override ADAPTIVE: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  var blocked = 0u;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    var threshold = p.theta;
    if (ADAPTIVE) { threshold = A[i]; }
    var d = 0.0;
    if (blocked == 0u) {
      d = p.dampening / p.theta * max(0.0, 1.0 - abs((U[i] - threshold) / p.theta));
    }
    // The same count as the forward's: a spike blocks the next `refractory` steps.
    if (blocked > 0u) {
      blocked -= 1u;
    } else if (S[i] == 1.0) {
      blocked = p.refractory;
    }
    psi[i] = d;
  }
}
