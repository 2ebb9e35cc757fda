// C = epilogue(alpha * op(A) * op(B)) like matmul.wgsl (same bindings, uniforms,
// TRANS_A/TRANS_B and EPILOGUE, any shape), for products whose output is too
// small to fill a hardware GPU with 128 x 128 tiles: the batch-sized shapes
// of training (M = batch for the forward and backward deltas, or K = batch for
// the weight gradients, with the other dimensions a few hundred).
//
// Split-K inside one workgroup, so it stays one dispatch: 8 x 8 x 4
// invocations compute a 32 x 32 tile of C; the four z-slices each run a
// quarter of the inner dimension (in 4-k steps, interleaved so every slice
// does the same work), each invocation a 4 x 4 block in vec4 registers, read
// straight from the storage buffers. Slices 1..3 leave their blocks in
// workgroup memory (12 KiB) and slice 0 adds them up and applies the epilogue.
//
// FIT_M / FIT_N: M (N) is a multiple of 32: no bounds checks on that dimension.

// The uniforms p, D, C, E, the overrides and store() come from matmul_common.wgsl,
// A, B, load_a() and load_b() from matmul_scalar_operands.wgsl.

const SLICES: u32 = 4u;

// Partial 4 x 4 blocks of slices 1..3: [slice - 1][row r][invocation], vec4 over the block's columns.
var<workgroup> partial: array<vec4<f32>, 768>;
// Their row sums of op(A) (BIAS_GRAD): [slice - 1][invocation].
var<workgroup> partial_sums: array<vec4<f32>, 192>;

// op(A)[m0 .. m0 + 3, k].
fn col_a(m0: u32, k: u32) -> vec4<f32> {
  return vec4<f32>(load_a(m0, k), load_a(m0 + 1u, k), load_a(m0 + 2u, k), load_a(m0 + 3u, k));
}

fn row_b(k: u32, n0: u32) -> vec4<f32> {
  return vec4<f32>(load_b(k, n0), load_b(k, n0 + 1u), load_b(k, n0 + 2u), load_b(k, n0 + 3u));
}

fn store_row(m: u32, n0: u32, acc: vec4<f32>) {
  store(m, n0, acc.x);
  store(m, n0 + 1u, acc.y);
  store(m, n0 + 2u, acc.z);
  store(m, n0 + 3u, acc.w);
}

@compute @workgroup_size(8, 8, 4)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  // Which product of a paired dispatch (matmul_operands_paired.wgsl).
  begin_product(wid.z);
  let m0 = wid.y * 32u + 4u * lid.y;
  let n0 = wid.x * 32u + 4u * lid.x;
  let slice = lid.z;

  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  // BIAS_GRAD (update kernels): column block 0 also sums its rows of op(A).
  let sums_rows = BIAS_GRAD && n0 == 0u;
  var sums = vec4<f32>(0.0);
  // Slice s takes the 4-k steps s, s + 4, s + 8, ...: neighbouring slices read
  // neighbouring addresses, and the slices' trip counts differ by at most one.
  let k4 = p.K & ~3u;
  for (var k = 4u * slice; k < k4; k += 4u * SLICES) {
    for (var i = 0u; i < 4u; i++) {
      let a = col_a(m0, k + i);
      let b = row_b(k + i, n0);
      c0 = fma(vec4<f32>(a.x), b, c0);
      c1 = fma(vec4<f32>(a.y), b, c1);
      c2 = fma(vec4<f32>(a.z), b, c2);
      c3 = fma(vec4<f32>(a.w), b, c3);
      if (sums_rows) { sums += a; }
    }
  }
  // The K % 4 tail goes to the slice whose turn it would be.
  if (slice == (k4 / 4u) % SLICES) {
    for (var k = k4; k < p.K; k++) {
      let a = col_a(m0, k);
      let b = row_b(k, n0);
      c0 = fma(vec4<f32>(a.x), b, c0);
      c1 = fma(vec4<f32>(a.y), b, c1);
      c2 = fma(vec4<f32>(a.z), b, c2);
      c3 = fma(vec4<f32>(a.w), b, c3);
      if (sums_rows) { sums += a; }
    }
  }

  let inv = lid.y * 8u + lid.x;
  if (slice > 0u) {
    let base = (slice - 1u) * 256u + inv;
    partial[base] = c0;
    partial[base + 64u] = c1;
    partial[base + 128u] = c2;
    partial[base + 192u] = c3;
    if (sums_rows) { partial_sums[(slice - 1u) * 64u + inv] = sums; }
  }
  workgroupBarrier();
  if (slice == 0u) {
    for (var s = 0u; s < SLICES - 1u; s++) {
      let base = s * 256u + inv;
      c0 += partial[base];
      c1 += partial[base + 64u];
      c2 += partial[base + 128u];
      c3 += partial[base + 192u];
      if (sums_rows) { sums += partial_sums[s * 64u + inv]; }
    }
    store_row(m0, n0, c0);
    store_row(m0 + 1u, n0, c1);
    store_row(m0 + 2u, n0, c2);
    store_row(m0 + 3u, n0, c3);
    if (sums_rows) { store_bias_rows(m0, sums); }
  }
}
