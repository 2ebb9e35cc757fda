// Leaky integrate-and-fire over all T steps of a layer, one invocation per
// (row, neuron). The input current of every step is precomputed (one matmul
// over T x rows), so only the recurrence in time is sequential.
//
//   syn[t] = alpha syn[t-1] + I[t] + bias             (SYNAPTIC; else syn = I + bias)
//   a[t]   = rho a[t-1] + S[t-1];  A[t] = theta + gamma a[t]   (ADAPTIVE; else A = theta)
//   subtract: U[t] = beta U[t-1] + syn[t] - S[t-1] theta      (snnTorch Leaky)
//   zero:     U[t] = (1 - S[t-1]) (beta U[t-1] + syn[t])
//   S[t]   = H(U[t] - A[t]), or sigmoid(slope (U - A)) with SMOOTH
// During the `refractory` steps after a spike the input is blocked and no
// spike can fire. Arrays are time-major: element (t, row, n) at (t rows + row) N + n.

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
@group(0) @binding(1) var<storage, read> I: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> U: array<f32>;
@group(0) @binding(4) var<storage, read_write> S: array<f32>;
// Threshold A[t]; written only by adaptive neurons (others bind a dummy).
@group(0) @binding(5) var<storage, read_write> A: array<f32>;

override RESET_ZERO: bool = false;
override SYNAPTIC: bool = false;
override ADAPTIVE: bool = false;
// A sigmoid instead of a step: a smooth network for finite-difference checks.
override SMOOTH: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  let b = bias[cell % p.neurons];
  var u = 0.0;
  var syn = 0.0;
  var adapt = 0.0;
  var s_prev = 0.0;
  var blocked = 0u;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    var drive = I[i] + b;
    if (SYNAPTIC) {
      syn = p.alpha * syn + drive;
      drive = syn;
    }
    if (blocked > 0u) { drive = 0.0; }
    if (RESET_ZERO) {
      u = (1.0 - s_prev) * (p.beta * u + drive);
    } else {
      u = p.beta * u + drive - s_prev * p.theta;
    }
    var threshold = p.theta;
    if (ADAPTIVE) {
      adapt = p.rho * adapt + s_prev;
      threshold = p.theta + p.gamma * adapt;
      A[i] = threshold;
    }
    var s = 0.0;
    if (blocked == 0u) {
      if (SMOOTH) {
        s = 1.0 / (1.0 + exp(-p.slope * (u - threshold)));
      } else if (u > threshold) {
        s = 1.0;
      }
    }
    if (blocked > 0u) {
      blocked -= 1u;
    } else if (s == 1.0) {
      blocked = p.refractory;
    }
    U[i] = u;
    S[i] = s;
    s_prev = s;
  }
}
