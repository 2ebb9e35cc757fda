// EMSTDP's weight update of one layer at the end of the window (the code's
// update at t = T - 1), one thread per weight W[j, i]:
//   g = sum_r pre[r, i] (post2[r, j] - post1[r, j]) / (twin rows)
//   m = 0.9 m + 0.1 g^2;  W += lr g / sqrt(m + 1e-8);  W = clamp(W, -clip, clip)
// pre: the presynaptic count over phase 1's window (the input's from
// emstdp_encode, a hidden layer's from the window's state); post1, post2: the
// neuron's counts over phase 1's and phase 2's windows, so g is positive where
// the error spikes drove the neuron up. PACKED also writes the new weight
// into the packed copy that emstdp_window reads.

struct Params {
  rows: u32,
  n_out: u32,
  n_in: u32,
  // Where (row 0, neuron 0) of each count lives, and the step between rows.
  pre_base: u32,
  pre_stride: u32,
  post1_base: u32,
  post2_base: u32,
  post_stride: u32,
  packed: u32,
  // 1 / (twin rows)
  scale: f32,
  lr: f32,
  clip: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> pre: array<f32>;
@group(0) @binding(2) var<storage, read> state: array<f32>;
@group(0) @binding(3) var<storage, read_write> W: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;
@group(0) @binding(5) var<storage, read_write> Wp: array<f32>;

override PACKED: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = gid.x + gid.y * groups.x * 64u;
  if (k >= p.n_out * p.n_in) { return; }
  let j = k / p.n_in;
  let i = k % p.n_in;
  var g = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    let post = r * p.post_stride + j;
    g += pre[p.pre_base + r * p.pre_stride + i] * (state[p.post2_base + post] - state[p.post1_base + post]);
  }
  g *= p.scale;
  let v = 0.9 * m[k] + 0.1 * g * g;
  m[k] = v;
  let w = clamp(W[k] + p.lr * g / sqrt(v + 1e-8), -p.clip, p.clip);
  W[k] = w;
  if (PACKED) { Wp[p.packed + k] = w; }
}
