// C = epilogue(alpha * op(A) * op(B)) like matmul.wgsl (same bindings, uniforms,
// TRANS_A/TRANS_B and EPILOGUE, any shape), tiled through workgroup memory for
// hardware GPUs.
//
// A workgroup of 16 x 16 invocations computes a 128 x 128 tile of C, 8 k at a
// time: it stages op(A)[128 rows, 8 k] and op(B)[8 k, 128 columns] in
// workgroup memory (each invocation loads 4 + 4 scalars, consecutive
// invocations reading consecutive addresses of whichever dimension is
// contiguous), then each invocation accumulates an 8 x 8 block in sixteen vec4
// registers from vec4 reads of the staged tiles. Its rows are 4ty..4ty+3 and
// 64+4ty..64+4ty+3 (columns likewise), so the 16 invocations of a row read
// consecutive vec4s. On software adapters the barriers and the staging cost
// more than they save: matmul_vec4/matmul_subgroup serve those.
//
// FIT_M / FIT_N / FIT_K: M (N) is a multiple of 128, K of 8: the loads and
// stores of that dimension need no bounds checks.

// The uniforms p, D, C, E, the overrides and store() come from matmul_common.wgsl,
// A, B, load_a() and load_b() (with FIT_K) from matmul_scalar_operands.wgsl.

const TILE: u32 = 128u;
const TK: u32 = 8u;

// [k][m] and [k][n], as vec4 along m (n): 8 x 32 vec4 each, 8 KiB together.
var<workgroup> tA: array<vec4<f32>, 256>;
var<workgroup> tB: array<vec4<f32>, 256>;

// Row m of the invocation's block: columns n0.. from lo and n0 + 64.. from hi.
fn store_row(m: u32, n0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  for (var j = 0u; j < 8u; j++) {
    store(m, n0 + (j & 3u) + 64u * (j >> 2u), select(hi[j & 3u], lo[j & 3u], j < 4u));
  }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // Which product of a paired dispatch (matmul_operands_paired.wgsl).
  begin_product(wid.z);
  let tm = wid.y * TILE;
  let tn = wid.x * TILE;

  // cRQ: row (R < 4 ? 4ty + R : 64 + 4ty + R - 4), columns 4tx.. (Q = 0) or 64 + 4tx.. (Q = 1).
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
  let m0 = tm + 4u * lid.y;
  let n0 = tn + 4u * lid.x;
  let sums_rows = BIAS_GRAD && n0 == 0u;
  var sums_lo = vec4<f32>(0.0);
  var sums_hi = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < p.K; k0 += TK) {
    // Stage the tiles: 1024 scalars each, 4 per invocation.
    for (var j = 0u; j < 4u; j++) {
      let e = li + 256u * j;
      // Walk the contiguous dimension fastest: k for A (M x K), m for A stored K x M.
      let am = select(e / TK, e % TILE, TRANS_A);
      let ak = select(e % TK, e / TILE, TRANS_A);
      tA[ak * 32u + am / 4u][am % 4u] = load_a(tm + am, k0 + ak);
      let bn = select(e % TILE, e / TK, trans_b());
      let bk = select(e / TILE, e % TK, trans_b());
      tB[bk * 32u + bn / 4u][bn % 4u] = load_b(k0 + bk, tn + bn);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let a0 = tA[k * 32u + lid.y];
      let a1 = tA[k * 32u + 16u + lid.y];
      let b0 = tB[k * 32u + lid.x];
      let b1 = tB[k * 32u + 16u + lid.x];
      c00 = fma(vec4<f32>(a0.x), b0, c00);
      c01 = fma(vec4<f32>(a0.x), b1, c01);
      c10 = fma(vec4<f32>(a0.y), b0, c10);
      c11 = fma(vec4<f32>(a0.y), b1, c11);
      c20 = fma(vec4<f32>(a0.z), b0, c20);
      c21 = fma(vec4<f32>(a0.z), b1, c21);
      c30 = fma(vec4<f32>(a0.w), b0, c30);
      c31 = fma(vec4<f32>(a0.w), b1, c31);
      c40 = fma(vec4<f32>(a1.x), b0, c40);
      c41 = fma(vec4<f32>(a1.x), b1, c41);
      c50 = fma(vec4<f32>(a1.y), b0, c50);
      c51 = fma(vec4<f32>(a1.y), b1, c51);
      c60 = fma(vec4<f32>(a1.z), b0, c60);
      c61 = fma(vec4<f32>(a1.z), b1, c61);
      c70 = fma(vec4<f32>(a1.w), b0, c70);
      c71 = fma(vec4<f32>(a1.w), b1, c71);
      if (sums_rows) {
        sums_lo += a0;
        sums_hi += a1;
      }
    }
    workgroupBarrier();
  }

  // The epilogue in a loop, not unrolled: 64 inlined stores (each with its
  // activation) would multiply the shader's size and compile time. The bound
  // is 8, written so that the compiler does not unroll it.
  var acc = array<vec4<f32>, 16>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
  let rows = min(8u, max(p.M, 8u));
  for (var r = 0u; r < rows; r++) {
    store_row(m0 + (r & 3u) + 64u * (r >> 2u), n0, acc[2u * r], acc[2u * r + 1u]);
  }
  if (sums_rows) {
    store_bias_rows(m0, sums_lo);
    store_bias_rows(m0 + 64u, sums_hi);
  }
}
