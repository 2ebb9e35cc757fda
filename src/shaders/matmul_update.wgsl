// Used instead of matmul_common.wgsl by the fused weight-update kernels
// (kernels/weight-update.ts). The variant's product, op(A) op(B) = delta^T h,
// is a layer's weight gradient; rather than being stored it is applied where
// it is computed: store() runs the optimiser step on W (and on W's twin), and
// store_bias() the bias's step from op(A)'s row sums, db = delta^T 1, which
// the invocations holding column block 0 accumulate (BIAS_GRAD). One dispatch
// thus replaces the gradient, bias-gradient and two optimiser dispatches.
// The arithmetic is optimizer_math.wgsl's, as in optimizer.wgsl.
//
// TIED (Kolen-Pollack): the twin (W^T's shape, B) gets the same step and
// decay, and NOISE goes to the twin, as in optimizer.wgsl.
//
// The same kernel steps a trained B from its activity terms, alpha X^T Y and
// the like (layers/feedback-update.ts): no bias, and its decay term 2 c B is
// the settings' coupled weight_decay.
//
// twin_step() comes from matmul_update_twin.wgsl, where B takes its own
// optimiser step beside W's, or from matmul_update_no_twin.wgsl, where it does
// nothing. B's gradient is either free of the batch (twin_self W^T), or, in a
// paired dispatch (matmul_operands_paired.wgsl), the second product's
// twin_alpha op(A2) op(B2), stored by the z = 1 workgroups while the z = 0
// ones step W.
//
// Optimiser moments come in one buffer per parameter set, at offsets the
// uniforms give: W's and b's in the layer's `moments`, B's in `twin_moments`.
// Seven storage bindings (eight with a twin step, ten at most when paired)
// leave room under the 10 per stage Chrome offers on some devices.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  alpha: f32,
  // The twin step's coefficient of W^T (matmul_update_twin.wgsl); 0 elsewhere.
  twin_self: f32,
  // ...or of its own product, in a paired dispatch,
  twin_alpha: f32,
  // whose left operand may add this multiple of a third (matmul_operand_a2_plus_a3.wgsl).
  twin_addend: f32,
  // Where each moment starts (floats): W's and the bias's in `moments`, the twin's in `twin_moments`.
  m_at: u32,
  v_at: u32,
  bias_m_at: u32,
  bias_v_at: u32,
  twin_m_at: u32,
  twin_v_at: u32,
}

struct UpdateSettings {
  weights: OptimizerSettings,
  bias: OptimizerSettings,
  twin: OptimizerSettings,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> clock: array<u32>;
@group(0) @binding(4) var<storage, read_write> W: array<f32>;
@group(0) @binding(5) var<storage, read_write> moments: array<f32>;
@group(0) @binding(6) var<uniform> settings: UpdateSettings;
@group(0) @binding(7) var<storage, read_write> twin: array<f32>;
@group(0) @binding(8) var<storage, read_write> bias: array<f32>;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override FIT_M: bool = false;
override FIT_N: bool = false;
override METHOD: u32 = 0u;
override TIED: bool = false;
override NOISE: bool = false;
// False where the parameter has no bias (a trained B: layers/feedback-update.ts).
override BIAS_GRAD: bool = true;

// W[m, n] (M x N) takes its step from gradient alpha * acc.
fn store(m: u32, n: u32, acc: f32) {
  if ((!FIT_M && m >= p.M) || (!FIT_N && n >= p.N)) { return; }
  let i = m * p.N + n;
  let now = clock[0];
  if (second_product()) {
    twin_step(n * p.M + m, p.twin_alpha * acc, now);
    return;
  }
  if (!PAIRED) { twin_step(n * p.M + m, p.twin_self * W[i], now); }
  let s = settings.weights;
  let lr = scheduled_lr(s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = moments[p.m_at + i]; }
  if (METHOD == 2u) { mom.v = moments[p.v_at + i]; }
  let u = optimizer_step(s, lr, now, p.alpha * acc + s.weight_decay * W[i], &mom);
  if (METHOD >= 1u) { moments[p.m_at + i] = mom.m; }
  if (METHOD == 2u) { moments[p.v_at + i] = mom.v; }
  let keep = 1.0 - lr * s.decay;
  var noise = 0.0;
  if (NOISE) { noise = update_noise(s, lr, now, i); }
  if (TIED) {
    W[i] = keep * W[i] + u;
    let j = n * p.M + m;
    twin[j] = keep * twin[j] + u + noise;
  } else {
    W[i] = keep * W[i] + u + noise;
  }
}

// bias[m] takes its step from gradient alpha * (row m's sum of op(A)); no noise.
fn store_bias(m: u32, acc: f32) {
  if ((!FIT_M && m >= p.M) || second_product()) { return; }
  let s = settings.bias;
  let now = clock[0];
  let lr = scheduled_lr(s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = moments[p.bias_m_at + m]; }
  if (METHOD == 2u) { mom.v = moments[p.bias_v_at + m]; }
  let u = optimizer_step(s, lr, now, p.alpha * acc + s.weight_decay * bias[m], &mom);
  if (METHOD >= 1u) { moments[p.bias_m_at + m] = mom.m; }
  if (METHOD == 2u) { moments[p.bias_v_at + m] = mom.v; }
  bias[m] = (1.0 - lr * s.decay) * bias[m] + u;
}

// op(B) is the layer's input, read as it is.
fn operand_b(v: f32) -> f32 {
  return v;
}

fn operand_b4(t: mat4x4<f32>) -> mat4x4<f32> {
  return t;
}

// Rows m0 .. m0 + 3.
fn store_bias_rows(m0: u32, sums: vec4<f32>) {
  for (var j = 0u; j < 4u; j++) {
    store_bias(m0 + j, sums[j]);
  }
}
