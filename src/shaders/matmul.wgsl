// C = epilogue(alpha * op(A) * op(B)), C is M x N, the inner dimension K.
// op(A) is A (M x K) or, with TRANS_A, A stored K x M; op(B) is B (K x N) or,
// with TRANS_B, B stored N x K. Reading transposed operands in place saves
// the copies of the backward passes.
//
// Each invocation computes a 4 x 4 block of C in four vec4 registers, without
// workgroup memory, from scalar loads: the 'scalar' variant, which takes any
// shape. matmul_vec4.wgsl (8 x 8 blocks from vec4 loads), matmul_subgroup.wgsl,
// matmul_tiled.wgsl and matmul_splitk.wgsl are the faster variants;
// src/engine/kernels/matmul-variants.ts chooses among them.
//
// The uniforms p, D, C, E, the overrides (EPILOGUE among them) and store()
// come from matmul_common.wgsl, A, B, load_a() and load_b() from
// matmul_scalar_operands.wgsl. FIT_M / FIT_N: M (N) is a multiple of 4, so
// every 4 x 4 block is inside C in that dimension.

fn store_row(m: u32, n0: u32, acc: vec4<f32>) {
  store(m, n0, acc.x);
  store(m, n0 + 1u, acc.y);
  store(m, n0 + 2u, acc.z);
  store(m, n0 + 3u, acc.w);
}

// A 4 x 4 tile of op(A) rows m0.. and op(B) columns n0.. at inner index k0..k0+3.
fn tile_a(m0: u32, k0: u32) -> mat4x4<f32> {
  // Column j holds op(A)[m0 + j, k0 .. k0 + 3].
  return mat4x4<f32>(
    vec4<f32>(load_a(m0, k0), load_a(m0, k0 + 1u), load_a(m0, k0 + 2u), load_a(m0, k0 + 3u)),
    vec4<f32>(load_a(m0 + 1u, k0), load_a(m0 + 1u, k0 + 1u), load_a(m0 + 1u, k0 + 2u), load_a(m0 + 1u, k0 + 3u)),
    vec4<f32>(load_a(m0 + 2u, k0), load_a(m0 + 2u, k0 + 1u), load_a(m0 + 2u, k0 + 2u), load_a(m0 + 2u, k0 + 3u)),
    vec4<f32>(load_a(m0 + 3u, k0), load_a(m0 + 3u, k0 + 1u), load_a(m0 + 3u, k0 + 2u), load_a(m0 + 3u, k0 + 3u)));
}

fn tile_b(k0: u32, n0: u32) -> mat4x4<f32> {
  // Column i holds op(B)[k0 + i, n0 .. n0 + 3].
  return mat4x4<f32>(
    vec4<f32>(load_b(k0, n0), load_b(k0, n0 + 1u), load_b(k0, n0 + 2u), load_b(k0, n0 + 3u)),
    vec4<f32>(load_b(k0 + 1u, n0), load_b(k0 + 1u, n0 + 1u), load_b(k0 + 1u, n0 + 2u), load_b(k0 + 1u, n0 + 3u)),
    vec4<f32>(load_b(k0 + 2u, n0), load_b(k0 + 2u, n0 + 1u), load_b(k0 + 2u, n0 + 2u), load_b(k0 + 2u, n0 + 3u)),
    vec4<f32>(load_b(k0 + 3u, n0), load_b(k0 + 3u, n0 + 1u), load_b(k0 + 3u, n0 + 2u), load_b(k0 + 3u, n0 + 3u)));
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Which product of a paired dispatch (matmul_operands_paired.wgsl).
  begin_product(wid.z);
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= p.M || n0 >= p.N) { return; }

  // Row r of C's block is sum_k op(A)[m0 + r, k] * op(B)[k, n0 ..]: with the tiles
  // above that is tb * ta[r] (a matrix-vector product per row), 4 k at a time.
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  // BIAS_GRAD (update kernels): column block 0 also sums its rows of op(A).
  let sums_rows = BIAS_GRAD && n0 == 0u;
  var sums = vec4<f32>(0.0);
  let k4 = p.K & ~3u;
  for (var k = 0u; k < k4; k += 4u) {
    let ta = tile_a(m0, k);
    let tb = tile_b(k, n0);
    c0 += tb * ta[0];
    c1 += tb * ta[1];
    c2 += tb * ta[2];
    c3 += tb * ta[3];
    if (sums_rows) { sums += vec4<f32>(1.0) * ta; }
  }
  for (var k = k4; k < p.K; k++) {
    let a = vec4<f32>(load_a(m0, k), load_a(m0 + 1u, k), load_a(m0 + 2u, k), load_a(m0 + 3u, k));
    let b = vec4<f32>(load_b(k, n0), load_b(k, n0 + 1u), load_b(k, n0 + 2u), load_b(k, n0 + 3u));
    c0 = fma(vec4<f32>(a.x), b, c0);
    c1 = fma(vec4<f32>(a.y), b, c1);
    c2 = fma(vec4<f32>(a.z), b, c2);
    c3 = fma(vec4<f32>(a.w), b, c3);
    if (sums_rows) { sums += a; }
  }
  store_row(m0, n0, c0);
  store_row(m0 + 1u, n0, c1);
  store_row(m0 + 2u, n0, c2);
  store_row(m0 + 3u, n0, c3);
  if (sums_rows) { store_bias_rows(m0, sums); }
}
