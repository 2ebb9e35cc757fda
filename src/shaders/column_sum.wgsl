// out[n] = alpha * sum_m X[m, n]: bias gradients from a batch of deltas.

struct Params {
  rows: u32,
  cols: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= p.cols) { return; }
  var s = 0.0;
  for (var m = 0u; m < p.rows; m++) {
    s += X[m * p.cols + n];
  }
  out[n] = p.alpha * s;
}
