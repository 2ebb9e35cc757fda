// Surrogate-gradient backpropagation through time for one LIF layer
// (lif_forward.wgsl), one invocation per (row, neuron), running t = T-1 .. 0.
// In: G = dL/dS[t] (or dL/dU[t] with GRAD_WRT_MEMBRANE, for membrane readouts),
// the stored membrane U, spikes S and adaptive thresholds A.
// Out: dI[t] = dL/dI[t], the error of the layer's input current (and bias).
//
// The step's derivative is replaced by a surrogate of U - A. As in snnTorch,
// the reset is detached by default (DETACH_RESET); without it the subtractive
// reset's -theta S[t] path is kept, which a smooth network needs for its
// gradient to match finite differences. Refractory steps pass no gradient.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  refractory: u32,
  beta: f32,
  theta: f32,
  alpha: f32,
  rho: f32,
  gamma: f32,
  slope: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<f32>;
@group(0) @binding(4) var<storage, read> A: array<f32>;
@group(0) @binding(5) var<storage, read_write> dI: array<f32>;

override RESET_ZERO: bool = false;
override SYNAPTIC: bool = false;
override ADAPTIVE: bool = false;
override DETACH_RESET: bool = true;
override GRAD_WRT_MEMBRANE: bool = false;
// 0 fast sigmoid 1 / (1 + k|x|)^2 (SuperSpike), 1 arctan (k/2) / (1 + (pi k x / 2)^2),
// 2 the exact derivative of the SMOOTH forward's sigmoid.
override SURROGATE: u32 = 0u;

fn surrogate(x: f32) -> f32 {
  let k = p.slope;
  if (SURROGATE == 1u) {
    let z = 1.5707963267948966 * k * x;
    return 0.5 * k / (1.0 + z * z);
  }
  if (SURROGATE == 2u) {
    let s = 1.0 / (1.0 + exp(-k * x));
    return k * s * (1.0 - s);
  }
  let d = 1.0 + k * abs(x);
  return 1.0 / (d * d);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  var gu_next = 0.0;
  var gsyn_next = 0.0;
  var ga_next = 0.0;
  for (var step = 0u; step < p.steps; step++) {
    let t = p.steps - 1u - step;
    let i = t * per_step + cell;
    var blocked = false;
    for (var k = 1u; k <= min(p.refractory, t); k++) {
      if (S[i - k * per_step] == 1.0) { blocked = true; }
    }
    var s_prev = 0.0;
    if (t > 0u) { s_prev = S[i - per_step]; }

    var gs = 0.0;
    var gm = 0.0;
    if (GRAD_WRT_MEMBRANE) { gm = G[i]; } else { gs = G[i]; }
    if (ADAPTIVE) { gs += ga_next; }
    if (!DETACH_RESET && !RESET_ZERO) { gs -= p.theta * gu_next; }
    var threshold = p.theta;
    if (ADAPTIVE) { threshold = A[i]; }
    var sg = 0.0;
    if (!blocked) { sg = surrogate(U[i] - threshold); }

    var carry = p.beta;
    if (RESET_ZERO) { carry = p.beta * (1.0 - S[i]); }
    let gu = sg * gs + gm + carry * gu_next;
    if (ADAPTIVE) { ga_next = p.rho * ga_next - p.gamma * sg * gs; }

    var gdrive = gu;
    if (RESET_ZERO) { gdrive = (1.0 - s_prev) * gu; }
    if (blocked) { gdrive = 0.0; }
    if (SYNAPTIC) {
      gsyn_next = gdrive + p.alpha * gsyn_next;
      gdrive = gsyn_next;
    }
    dI[i] = gdrive;
    gu_next = gu;
  }
}
