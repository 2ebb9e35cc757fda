// out[r, c] = a * X[r, c] + b * f(Y[c, r]) over an R x C matrix, Y stored C x R,
// f = identity or sign (SIGN). Builds the decay/self part of a backward-weight
// gradient (a B + b W^T) and sign-symmetric feedback (b sign(W)^T).

struct Params {
  rows: u32,
  cols: u32,
  a: f32,
  b: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override SIGN: bool = false;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= p.rows * p.cols) { return; }
  let r = i / p.cols;
  let c = i % p.cols;
  var y = Y[c * p.rows + r];
  if (SIGN) { y = sign(y); }
  var x = 0.0;
  if (p.a != 0.0) { x = p.a * X[i]; }
  out[i] = x + p.b * y;
}
