// Event-driven input currents: I[r, n] = bias[n] + sum_{k < count[r]} S[r, i_k] * W[n, i_k],
// i_k = events[r * n_in + k] (spike_compact.wgsl). W is n_out x n_in, as in the
// dense path's matmul(S, W, transB); only the listed columns are read, so the
// work follows the number of spikes rather than n_in.
//
// Spikes are binary (0/1), where the product is just W[n, i_k]; multiplying
// by S[r, i_k] anyway makes the kernel exact for any sparse graded input too.
//
// Each invocation computes 4 consecutive outputs n of one row in a vec4, so
// every list entry it loads serves 4 weights. Neighbouring invocations share
// a row (n varies fastest), so they read the same list entries: a broadcast
// on a GPU, a cache hit on a CPU. No workgroup memory and no barriers, which
// software Vulkan pays for dearly. The sum runs in ascending i: deterministic.
//
// HAS_BIAS    add bias[n]
// ACCUMULATE  I += ... (the previous I is added last)

struct Params {
  rows: u32,
  n_in: u32,
  n_out: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> events: array<u32>;
@group(0) @binding(3) var<storage, read> count: array<u32>;
@group(0) @binding(4) var<storage, read> S: array<f32>;
@group(0) @binding(5) var<storage, read> bias: array<f32>;
@group(0) @binding(6) var<storage, read_write> I: array<f32>;

override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;

fn store(r: u32, n: u32, acc: f32) {
  if (n >= p.n_out) { return; }
  let o = r * p.n_out + n;
  var v = acc;
  if (HAS_BIAS) { v += bias[n]; }
  if (ACCUMULATE) { v += I[o]; }
  I[o] = v;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let blocks = (p.n_out + 3u) / 4u;
  let t = gid.x + gid.y * groups.x * 64u;
  if (t >= p.rows * blocks) { return; }
  let r = t / blocks;
  let n0 = (t % blocks) * 4u;
  // Past n_out, read the last row of W again rather than branch; store() drops it.
  let last = p.n_out - 1u;
  let w0 = n0 * p.n_in;
  let w1 = min(n0 + 1u, last) * p.n_in;
  let w2 = min(n0 + 2u, last) * p.n_in;
  let w3 = min(n0 + 3u, last) * p.n_in;
  let row = r * p.n_in;

  var acc = vec4<f32>(0.0);
  // A list is never longer than its row: a stale count cannot run away.
  let cnt = min(count[r], p.n_in);
  for (var k = 0u; k < cnt; k++) {
    let i = events[row + k];
    let w = vec4<f32>(W[w0 + i], W[w1 + i], W[w2 + i], W[w3 + i]);
    acc = fma(vec4<f32>(S[row + i]), w, acc);
  }
  store(r, n0, acc.x);
  store(r, n0 + 1u, acc.y);
  store(r, n0 + 2u, acc.z);
  store(r, n0 + 3u, acc.w);
}
