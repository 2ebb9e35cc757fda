// C = epilogue(alpha * op(A) * op(B)) like matmul.wgsl (same bindings, uniforms,
// TRANS_A/TRANS_B and EPILOGUE), for shapes whose operands can be read as vec4:
// K % 4 == 0, M % 4 == 0 with TRANS_A, N % 4 == 0 without TRANS_B (each operand
// is read along its contiguous dimension, and transposed in registers).
//
// Each invocation computes an 8 x 8 block of C in sixteen vec4 registers, 4 k at
// a time: eight vec4 loads of A and eight of B feed 64 vec4 FMAs. No workgroup
// memory: this is the register-blocked kernel for software adapters (where every
// load costs a per-lane scalar access, so loads per FMA decide the speed) and
// the no-shared-memory fallback elsewhere. C, D and E stay scalar, so N needs no
// alignment when B is transposed.
//
// FIT_M / FIT_N: M (resp. N) is a multiple of the 64-row (64-column) workgroup
// tile, so no row (column) index needs a clamp or a check.

// The uniforms p, D, C, E, the overrides and store() come from matmul_common.wgsl.
// A and B (a_at, b_at) come from matmul_operands.wgsl, as vec4s.
alias Operand = vec4<f32>;

// Row m of op(A) (any m: clamped into range, the result is then never stored).
fn row(m: u32) -> u32 {
  if (FIT_M) { return m; }
  return min(m, p.M - 1u);
}

fn col(n: u32) -> u32 {
  if (FIT_N) { return n; }
  return min(n, p.N - 1u);
}

// A 4 x 4 tile of op(A): column j holds op(A)[m0 + j, 4 k4 .. 4 k4 + 3] (m0 % 4 == 0).
fn tile_a(m0: u32, k4: u32) -> mat4x4<f32> {
  if (TRANS_A) {
    // A is K x M: one vec4 holds four rows at one k; transpose in registers.
    let M4 = p.M / 4u;
    let q = row(m0) / 4u;
    let k = 4u * k4;
    return transpose(mat4x4<f32>(a_at(k * M4 + q), a_at((k + 1u) * M4 + q), a_at((k + 2u) * M4 + q), a_at((k + 3u) * M4 + q)));
  }
  let K4 = p.K / 4u;
  return mat4x4<f32>(a_at(row(m0) * K4 + k4), a_at(row(m0 + 1u) * K4 + k4), a_at(row(m0 + 2u) * K4 + k4), a_at(row(m0 + 3u) * K4 + k4));
}

// A 4 x 4 tile of op(B): column i holds op(B)[4 k4 + i, n0 .. n0 + 3] (n0 % 4 == 0).
fn tile_b(k4: u32, n0: u32) -> mat4x4<f32> {
  if (trans_b()) {
    // B is N x K: one vec4 holds four k of one column; transpose in registers.
    let K4 = p.K / 4u;
    return operand_b4(transpose(mat4x4<f32>(b_at(col(n0) * K4 + k4), b_at(col(n0 + 1u) * K4 + k4), b_at(col(n0 + 2u) * K4 + k4), b_at(col(n0 + 3u) * K4 + k4))));
  }
  let N4 = p.N / 4u;
  let q = col(n0) / 4u;
  let k = 4u * k4;
  return operand_b4(mat4x4<f32>(b_at(k * N4 + q), b_at((k + 1u) * N4 + q), b_at((k + 2u) * N4 + q), b_at((k + 3u) * N4 + q)));
}

// Row m of the block: columns n0 .. n0 + 7 from two vec4 accumulators (a loop, see main).
fn store_row(m: u32, n0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  for (var j = 0u; j < 8u; j++) {
    store(m, n0 + j, select(hi[j & 3u], lo[j & 3u], j < 4u));
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Which product of a paired dispatch (matmul_operands_paired.wgsl).
  begin_product(wid.z);
  let m0 = gid.y * 8u;
  let n0 = gid.x * 8u;

  // cRQ: row m0 + R, columns n0 + 4Q .. n0 + 4Q + 3.
  var c00 = vec4<f32>(0.0);
  var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0);
  var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0);
  var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0);
  var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0);
  var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0);
  var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0);
  var c71 = vec4<f32>(0.0);
  // BIAS_GRAD (update kernels): column block 0 also sums its rows of op(A).
  let sums_rows = BIAS_GRAD && n0 == 0u;
  var sums0 = vec4<f32>(0.0);
  var sums1 = vec4<f32>(0.0);
  let K4 = p.K / 4u;
  for (var k4 = 0u; k4 < K4; k4++) {
    let a0 = tile_a(m0, k4);
    let a1 = tile_a(m0 + 4u, k4);
    if (sums_rows) {
      sums0 += vec4<f32>(1.0) * a0;
      sums1 += vec4<f32>(1.0) * a1;
    }
    let b0 = tile_b(k4, n0);
    let b1 = tile_b(k4, n0 + 4u);
    // Row r of the block gains sum_i op(A)[r, k + i] * op(B)[k + i, ..] = b * a[r].
    c00 += b0 * a0[0];
    c01 += b1 * a0[0];
    c10 += b0 * a0[1];
    c11 += b1 * a0[1];
    c20 += b0 * a0[2];
    c21 += b1 * a0[2];
    c30 += b0 * a0[3];
    c31 += b1 * a0[3];
    c40 += b0 * a1[0];
    c41 += b1 * a1[0];
    c50 += b0 * a1[1];
    c51 += b1 * a1[1];
    c60 += b0 * a1[2];
    c61 += b1 * a1[2];
    c70 += b0 * a1[3];
    c71 += b1 * a1[3];
  }
  // The epilogue in a loop, not unrolled: 64 inlined stores (each with its
  // activation) would multiply the shader's size and compile time.
  var acc = array<vec4<f32>, 16>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
  // (A bound the compiler cannot see, so it keeps the loop.)
  let rows = min(8u, p.M - min(m0, p.M));
  for (var r = 0u; r < rows; r++) {
    store_row(m0 + r, n0, acc[2u * r], acc[2u * r + 1u]);
  }
  if (sums_rows) {
    store_bias_rows(m0, sums0);
    store_bias_rows(m0 + 4u, sums1);
  }
}
