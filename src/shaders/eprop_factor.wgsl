// e-prop's weight update of a LIF/ALIF layer in factorised form, one
// invocation per (row, neuron), running t = T-1 .. 0. In: the learning signal
// already filtered backwards with kappa (Lbar, eprop_filter.wgsl) and psi.
// Out: D[t] such that dW = sum over t and rows of D^T z_in and db = sum D.
//
// The eligibility trace of synapse ji is linear in the presynaptic trace with
// coefficients that depend on neuron j alone, so the sum over t can be
// reordered per neuron (exact, not an approximation):
//   LIF:  e[t] = psi[t] zbar[t]           ->  F[t] = psi[t] Lbar[t]
//   ALIF: e[t] = psi[t] (zbar[t] - gamma eps[t]),
//         eps[t+1] = psi[t] zbar[t] + (rho - gamma psi[t]) eps[t]
//         ->  F[t] = psi[t] (Lbar[t] - gamma m[t]),  m[t-1] = F[t] + rho m[t],  m[T-1] = 0
//   sum_t Lbar[t] e_ji[t] = sum_t F_j[t] zbar_i[t]
// zbar is the input filtered with beta (zbar[t] = beta zbar[t-1] + z_in[t]);
// filtering F backwards instead, D[t] = F[t] + beta D[t+1], leaves the
// input's raw spikes in the matmul, as BPTT's dI does.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  beta: f32,
  rho: f32,
  gamma: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Lbar: array<f32>;
@group(0) @binding(2) var<storage, read> psi: array<f32>;
@group(0) @binding(3) var<storage, read_write> D: array<f32>;

override ADAPTIVE: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  var m = 0.0;
  var d = 0.0;
  for (var step = 0u; step < p.steps; step++) {
    let i = (p.steps - 1u - step) * per_step + cell;
    var f = psi[i] * Lbar[i];
    if (ADAPTIVE) {
      f = psi[i] * (Lbar[i] - p.gamma * m);
      m = f + p.rho * m;
    }
    d = f + p.beta * d;
    D[i] = d;
  }
}
