// op(A) and op(B) read one element at a time, for the variants that load scalars
// (matmul.wgsl, matmul_tiled.wgsl, matmul_splitk.wgsl); matmul_vec4.wgsl and
// matmul_subgroup.wgsl read vec4s. Out-of-range rows and columns read 0.
// A and B themselves (a_at, b_at) come from matmul_operands.wgsl.
// FIT_K: no load reaches past K. Only the tiled kernel, which stages 8 k at a
// time, can: it sets FIT_K from the shape.

alias Operand = f32;

override FIT_K: bool = true;

fn load_a(m: u32, k: u32) -> f32 {
  if ((!FIT_M && m >= p.M) || (!FIT_K && k >= p.K)) { return 0.0; }
  if (TRANS_A) { return a_at(k * p.M + m); }
  return a_at(m * p.K + k);
}

fn load_b(k: u32, n: u32) -> f32 {
  if ((!FIT_N && n >= p.N) || (!FIT_K && k >= p.K)) { return 0.0; }
  if (trans_b()) { return operand_b(b_at(n * p.K + k)); }
  return operand_b(b_at(k * p.N + n));
}
