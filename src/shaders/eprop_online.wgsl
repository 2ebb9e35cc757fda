// e-prop's weight update computed online, as the paper states it: one
// invocation per synapse (j, i) walks t forward through every row of the batch,
// keeping that synapse's eligibility state and accumulating dW_ji; column
// i = nIn is the bias, whose input is a constant 1. Costs nOut (nIn + 1)
// invocations x T x rows steps, so it is for modest sizes and for checking
// the factorised form (eprop_factor.wgsl), which gives the same sum.
//   zbar[t] = beta zbar[t-1] + z_in[t]          (presynaptic trace, alpha = beta)
//   LIF:  e[t] = psi[t] zbar[t]
//   ALIF: e[t] = psi[t] (zbar[t] - gamma eps[t]),  eps[t+1] = psi[t] zbar[t] + (rho - gamma psi[t]) eps[t]
//   ebar[t] = kappa ebar[t-1] + e[t];  dW_ji = sum over rows and t of L_j[t] ebar_ji[t]
// The paper writes zbar[t-1]: there a recurrent spike reaches the membrane a
// step later; here layer l-1's spikes of step t drive layer l at step t.

struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
  steps: u32,
  beta: f32,
  kappa: f32,
  rho: f32,
  gamma: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
// Presynaptic spikes [T, rows, nIn].
@group(0) @binding(1) var<storage, read> X: array<f32>;
// Pseudo-derivative and learning signal [T, rows, nOut].
@group(0) @binding(2) var<storage, read> psi: array<f32>;
@group(0) @binding(3) var<storage, read> L: array<f32>;
@group(0) @binding(4) var<storage, read_write> dW: array<f32>;
@group(0) @binding(5) var<storage, read_write> db: array<f32>;

override ADAPTIVE: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let cols = p.n_in + 1u;
  if (cell >= p.n_out * cols) { return; }
  // Neighbouring invocations share j: psi and L are broadcast, X is read contiguously.
  let j = cell / cols;
  let i = cell % cols;
  var acc = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    var zbar = 0.0;
    var eps = 0.0;
    var ebar = 0.0;
    for (var t = 0u; t < p.steps; t++) {
      let row = t * p.rows + r;
      var x = 1.0;
      if (i < p.n_in) { x = X[row * p.n_in + i]; }
      zbar = p.beta * zbar + x;
      let ps = psi[row * p.n_out + j];
      var e = ps * zbar;
      if (ADAPTIVE) {
        e = ps * (zbar - p.gamma * eps);
        eps = ps * zbar + (p.rho - p.gamma * ps) * eps;
      }
      ebar = p.kappa * ebar + e;
      acc += L[row * p.n_out + j] * ebar;
    }
  }
  if (i < p.n_in) { dW[j * p.n_in + i] = acc; } else { db[j] = acc; }
}
