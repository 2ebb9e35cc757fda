// out[slot..slot+3] = (sum x*y, sum x*x, sum y*y) over n = rows * cols values:
// the raw material of angles and norms. With TRANSPOSE_Y, y is read as the
// transpose (stored cols x rows), so angle(W, B^T) needs no copy.

struct Params {
  rows: u32,
  cols: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override TRANSPOSE_Y: bool = false;

const WG = 256u;
var<workgroup> xy: array<f32, WG>;
var<workgroup> xx: array<f32, WG>;
var<workgroup> yy: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let n = p.rows * p.cols;
  var s_xy = 0.0;
  var s_xx = 0.0;
  var s_yy = 0.0;
  for (var i = lid; i < n; i += WG) {
    let x = X[i];
    var y: f32;
    if (TRANSPOSE_Y) { y = Y[(i % p.cols) * p.rows + i / p.cols]; } else { y = Y[i]; }
    s_xy += x * y;
    s_xx += x * x;
    s_yy += y * y;
  }
  xy[lid] = s_xy;
  xx[lid] = s_xx;
  yy[lid] = s_yy;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      xy[lid] += xy[lid + stride];
      xx[lid] += xx[lid + stride];
      yy[lid] += yy[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[p.slot] = xy[0];
    out[p.slot + 1u] = xx[0];
    out[p.slot + 2u] = yy[0];
  }
}
