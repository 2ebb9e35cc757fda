// TSSL-BP's backward through one layer (tssl_forward.wgsl), one invocation per
// (row, neuron), running t = T-1 .. 0 (functions/tsslbp.py). In: G = dL/da[t],
// the stored U (before the reset), S and the PSP A. Out: dI[t] = delta[t] =
// dL/du[t], the error of the input current (u[t] depends on I[t] with slope 1),
// so gW = sum_t dI^T a_{l-1} and dL/da_{l-1} = dI W are matmuls.
//
//   P[t]   = sum_{m >= t} syn_a[m - t] G[m],  syn_a[n] = (1 - 1/tau_s)^n / tau_s,
//            run backward as P[t] = G[t] / tau_s + (1 - 1/tau_s) P[t+1]
//   du[t]  = u[t] - u[t-1] (u[t-1] after its reset), dt/du = clamp(-1/du, -8, 0)
//   inter  = -dt/du P[t]                   (da[m]/dt_k = -syn_a[m - t_k], the code's
//                                           partial_a * tau_s)
//   intra  = theta u[t] (-1/tau_m) dt/du + theta (1 - 1/tau_m) (1 - s[t])
//   delta  = inter + intra;  theta <- delta at a spike, else theta (1 - 1/tau_m)
// theta carries the next spike's delta back through the membrane's decay. Units
// with a[t] < 1/(4 tau_s) take the code's surrogate instead, which keeps silent
// units learning: delta = P[t] sigmoid'(x) / 0.2, x = clamp((V_th - u[t]) / 0.2, -8, 8).
//
// SPIKES_ONLY (default) keeps dt/du only at spike times, as the spec says and as
// the code did with `* out`; without it dt/du is used at every step, as in the
// code's latest revision (partial_u not masked by the spikes).

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  tau_m: f32,
  tau_s: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<f32>;
@group(0) @binding(4) var<storage, read> A: array<f32>;
@group(0) @binding(5) var<storage, read_write> dI: array<f32>;

override SPIKES_ONLY: bool = true;

const SURROGATE_WIDTH = 0.2;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  let theta_m = 1.0 / p.tau_m;
  let keep_s = 1.0 - 1.0 / p.tau_s;
  let weak = 1.0 / (4.0 * p.tau_s);
  var psp_next = 0.0;
  var theta = 0.0;
  for (var step = 0u; step < p.steps; step++) {
    let t = p.steps - 1u - step;
    let i = t * per_step + cell;
    let psp = G[i] / p.tau_s + keep_s * psp_next;
    let u = U[i];
    let s = S[i];
    var u_prev = 0.0;
    if (t > 0u) { u_prev = U[i - per_step] * (1.0 - S[i - per_step]); }
    let du = u - u_prev;
    // clamp(-1/du, -8, 0) without dividing by zero: du <= 0 cannot cause a spike.
    var dtdu = 0.0;
    if (du > 0.0) { dtdu = -1.0 / max(du, 0.125); }
    if (SPIKES_ONLY) { dtdu *= s; }
    var delta = -dtdu * psp + theta * u * (-theta_m) * dtdu + theta * (1.0 - theta_m) * (1.0 - s);
    theta = delta * s + theta * (1.0 - s) * (1.0 - theta_m);
    if (A[i] < weak) {
      let e = exp(clamp((p.threshold - u) / SURROGATE_WIDTH, -8.0, 8.0));
      delta = psp * e / ((1.0 + e) * (1.0 + e) * SURROGATE_WIDTH);
    }
    dI[i] = delta;
    psp_next = psp;
  }
}
