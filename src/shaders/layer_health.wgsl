// One layer's health over a batch, the raw material of the "why isn't it
// learning" warnings, over all rows x cols = (T rows) x n values of S and U:
//   out[slot]      = sum of S                 (divided by rows x cols: the firing rate)
//   out[slot + 1]  = max |U| over finite U    (an exploding membrane)
//   out[slot + 2]  = count of non-finite U    (NaN or infinity)
// One workgroup strides over everything, as dot_products.wgsl; it runs on
// metric steps only. U is read as bits: WGSL lets a compiler assume floats are
// finite and fold `u != u` away, but an all-ones exponent cannot be folded.
// For finite values |U|'s bits order as |U| does, so the max is an integer max.

struct Params {
  rows: u32,
  cols: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const WG = 256u;
const EXPONENT = 0x7f800000u;
var<workgroup> spikes: array<f32, WG>;
var<workgroup> peak: array<u32, WG>;
var<workgroup> bad: array<u32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let n = p.rows * p.cols;
  var s = 0.0;
  var m = 0u;
  var b = 0u;
  for (var i = lid; i < n; i += WG) {
    s += S[i];
    let magnitude = U[i] & 0x7fffffffu;
    if (magnitude >= EXPONENT) { b += 1u; } else { m = max(m, magnitude); }
  }
  spikes[lid] = s;
  peak[lid] = m;
  bad[lid] = b;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      spikes[lid] += spikes[lid + stride];
      peak[lid] = max(peak[lid], peak[lid + stride]);
      bad[lid] += bad[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[p.slot] = spikes[0];
    out[p.slot + 1u] = bitcast<f32>(peak[0]);
    out[p.slot + 2u] = f32(bad[0]);
  }
}
