// C = epilogue(alpha * op(A) * op(B)) like matmul_vec4.wgsl (same bindings,
// uniforms, overrides and vec4 alignment: K % 4 == 0, M % 4 == 0 with TRANS_A,
// N % 4 == 0 without TRANS_B), for adapters whose subgroups are exactly the 8
// invocations of one workgroup row (llvmpipe/lavapipe on 256-bit SIMD; chosen
// only when the device has 'subgroups' and reports subgroup size 8).
//
// A subgroup computes a 16 x 32 block: each invocation owns 4 columns and all
// 16 rows. The 16 rows of op(A) are the same for the 8 invocations, so each
// loads only 2 of the 16 vec4s of a 4-k step and subgroupBroadcast hands them
// round; op(B) is per invocation. On a software adapter a broadcast is a
// register shuffle while a load is 8 scalar accesses, so this halves the cost
// of the vec4 kernel's loads.
//
// FIT_M / FIT_N: M is a multiple of 128 (the workgroup's rows), N of 32.

enable subgroups;

// The uniforms p, D, C, E, the overrides and store() come from matmul_common.wgsl.
// A and B (a_at, b_at) come from matmul_operands.wgsl, as vec4s.
alias Operand = vec4<f32>;

fn row(m: u32) -> u32 {
  if (FIT_M) { return m; }
  return min(m, p.M - 1u);
}

fn col(n: u32) -> u32 {
  if (FIT_N) { return n; }
  return min(n, p.N - 1u);
}

// This invocation's share of the 16 x 4 slab op(A)[m0 .. m0 + 15, 4 k4 .. 4 k4 + 3]:
// without TRANS_A, rows m0 + lane and m0 + 8 + lane (vec4 over k); with TRANS_A,
// k = 4 k4 + lane % 4 and rows m0 + 4 (lane / 4) .. and m0 + 8 + 4 (lane / 4) .. (vec4 over m).
fn share_a(m0: u32, k4: u32, lane: u32, half: u32) -> vec4<f32> {
  if (TRANS_A) {
    let k = 4u * k4 + (lane & 3u);
    return a_at(k * (p.M / 4u) + row(m0 + 8u * half + 4u * (lane >> 2u)) / 4u);
  }
  return a_at(row(m0 + 8u * half + lane) * (p.K / 4u) + k4);
}

// Four rows of the slab as a 4 x 4 tile (column j holds row j's four k), from
// invocations 0..3 (quad_lo) or 4..7 (quad_hi) of share_a's value s.
fn quad(t: mat4x4<f32>) -> mat4x4<f32> {
  // With TRANS_A the invocations held one k of four rows each: transpose.
  if (TRANS_A) { return transpose(t); }
  return t;
}

fn quad_lo(s: vec4<f32>) -> mat4x4<f32> {
  return quad(mat4x4<f32>(subgroupBroadcast(s, 0u), subgroupBroadcast(s, 1u), subgroupBroadcast(s, 2u), subgroupBroadcast(s, 3u)));
}

fn quad_hi(s: vec4<f32>) -> mat4x4<f32> {
  return quad(mat4x4<f32>(subgroupBroadcast(s, 4u), subgroupBroadcast(s, 5u), subgroupBroadcast(s, 6u), subgroupBroadcast(s, 7u)));
}

// Column i holds op(B)[4 k4 + i, n0 .. n0 + 3] (as in matmul_vec4.wgsl).
fn tile_b(k4: u32, n0: u32) -> mat4x4<f32> {
  if (trans_b()) {
    let K4 = p.K / 4u;
    return operand_b4(transpose(mat4x4<f32>(b_at(col(n0) * K4 + k4), b_at(col(n0 + 1u) * K4 + k4), b_at(col(n0 + 2u) * K4 + k4), b_at(col(n0 + 3u) * K4 + k4))));
  }
  let N4 = p.N / 4u;
  let q = col(n0) / 4u;
  let k = 4u * k4;
  return operand_b4(mat4x4<f32>(b_at(k * N4 + q), b_at((k + 1u) * N4 + q), b_at((k + 2u) * N4 + q), b_at((k + 3u) * N4 + q)));
}

fn store_row(m: u32, n0: u32, acc: vec4<f32>) {
  for (var j = 0u; j < 4u; j++) {
    store(m, n0 + j, acc[j]);
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  // Which product of a paired dispatch (matmul_operands_paired.wgsl).
  begin_product(wid.z);
  // One workgroup row is one subgroup: it shares m0.
  let m0 = gid.y * 16u;
  let n0 = gid.x * 4u;

  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  var c4 = vec4<f32>(0.0);
  var c5 = vec4<f32>(0.0);
  var c6 = vec4<f32>(0.0);
  var c7 = vec4<f32>(0.0);
  var c8 = vec4<f32>(0.0);
  var c9 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c12 = vec4<f32>(0.0);
  var c13 = vec4<f32>(0.0);
  var c14 = vec4<f32>(0.0);
  var c15 = vec4<f32>(0.0);
  // BIAS_GRAD (update kernels): column block 0 also sums its rows of op(A)
  // (after the broadcasts, which every invocation of the subgroup must reach).
  let sums_rows = BIAS_GRAD && n0 == 0u;
  var sums = array<vec4<f32>, 4>(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));
  let K4 = p.K / 4u;
  for (var k4 = 0u; k4 < K4; k4++) {
    let s0 = share_a(m0, k4, lane, 0u);
    let s1 = share_a(m0, k4, lane, 1u);
    let b = tile_b(k4, n0);
    let a0 = quad_lo(s0);
    c0 += b * a0[0];
    c1 += b * a0[1];
    c2 += b * a0[2];
    c3 += b * a0[3];
    let a1 = quad_hi(s0);
    c4 += b * a1[0];
    c5 += b * a1[1];
    c6 += b * a1[2];
    c7 += b * a1[3];
    let a2 = quad_lo(s1);
    c8 += b * a2[0];
    c9 += b * a2[1];
    c10 += b * a2[2];
    c11 += b * a2[3];
    let a3 = quad_hi(s1);
    c12 += b * a3[0];
    c13 += b * a3[1];
    c14 += b * a3[2];
    c15 += b * a3[3];
    if (sums_rows) {
      sums[0] += vec4<f32>(1.0) * a0;
      sums[1] += vec4<f32>(1.0) * a1;
      sums[2] += vec4<f32>(1.0) * a2;
      sums[3] += vec4<f32>(1.0) * a3;
    }
  }
  // The epilogue in a loop, not unrolled (see matmul_vec4.wgsl).
  var acc = array<vec4<f32>, 16>(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
  let rows = min(16u, p.M - min(m0, p.M));
  for (var r = 0u; r < rows; r++) {
    store_row(m0 + r, n0, acc[r]);
  }
  if (sums_rows) {
    for (var q = 0u; q < 4u; q++) {
      store_bias_rows(m0 + 4u * q, sums[q]);
    }
  }
}
