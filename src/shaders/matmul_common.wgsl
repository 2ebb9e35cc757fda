// Shared by the matmul variants (vec4, subgroup, tiled, splitk): the uniforms,
// the output bindings, the specialisation switches and the epilogue, so every
// variant stores C (and E) the same way. Each variant declares its own A and B
// (bindings 1 and 2), whose element type it chooses. Composed in sources.ts.
//
// EPILOGUE
//   0: C = v
//   1: C = v + beta * D            (D: M x N)
//   2: C = v + D[n]; E = act(C)    (dense layer: D is the bias, E the activations;
//                                   with PRODUCT also F = v, the product without its bias)
//   3: C = v * act'(D)             (backward gate: D holds the pre-activations)
//   4: C = v + beta * C            (accumulate)
// with v = alpha * op(A) op(B); with SIGN_B, op(B) is read through sign()
// (sign symmetry's feedback kappa sign(W), kappa as alpha). FIT_M / FIT_N: the shape fits the variant's
// tile in that dimension, so the bounds checks are compiled out.
//
// A paired dispatch (matmul_operands_paired.wgsl) computes a second product
// of the same shape in its z = 1 workgroups, stored by store_second()
// (matmul_second_output.wgsl) with its own alpha2, beta2 and EPILOGUE2
// (none, axpby, gate or accumulate).
//
// matmul_update.wgsl stands in for this file in the fused weight-update kernels:
// same uniforms and switches, a store() that applies the optimiser, and a
// store_bias() for op(A)'s row sums, which the variants accumulate when BIAS_GRAD.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  alpha: f32,
  beta: f32,
  alpha2: f32,
  beta2: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read> D: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;
@group(0) @binding(5) var<storage, read_write> E: array<f32>;
@group(0) @binding(6) var<storage, read_write> F: array<f32>;

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override EPILOGUE: u32 = 0u;
override FIT_M: bool = false;
override FIT_N: bool = false;
override SIGN_B: bool = false;
// A trained B's activity terms reuse the forward product X W^T (layers/feedback-update.ts).
override PRODUCT: bool = false;
// Row sums of op(A) are only wanted by the update kernels.
const BIAS_GRAD = false;

fn store(m: u32, n: u32, acc: f32) {
  if ((!FIT_M && m >= p.M) || (!FIT_N && n >= p.N)) { return; }
  let i = m * p.N + n;
  if (second_product()) {
    store_second(i, acc);
    return;
  }
  let v = p.alpha * acc;
  switch EPILOGUE {
    case 1u: { C[i] = v + p.beta * D[i]; }
    case 2u: {
      let a = v + D[n];
      C[i] = a;
      E[i] = activate(a);
      if (PRODUCT) { F[i] = v; }
    }
    case 3u: { C[i] = v * activate_grad(D[i]); }
    case 4u: { C[i] = v + p.beta * C[i]; }
    default: { C[i] = v; }
  }
}

// op(B)'s values as the product uses them: one element, or a 4 x 4 tile.
fn operand_b(v: f32) -> f32 {
  if (SIGN_B) { return sign(v); }
  return v;
}

fn operand_b4(t: mat4x4<f32>) -> mat4x4<f32> {
  if (SIGN_B) { return mat4x4<f32>(sign(t[0]), sign(t[1]), sign(t[2]), sign(t[3])); }
  return t;
}

fn store_bias(m: u32, acc: f32) {}

fn store_bias_rows(m0: u32, sums: vec4<f32>) {}
