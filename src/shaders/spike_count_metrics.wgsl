// Accuracy of a batch's spike-count votes, in one workgroup, for rules that
// minimise no loss of their own (EMSTDP, BP-STDP): the prediction is
// argmax_k Z[r, k] (the first index on ties, as np.argmax), and the loss slot
// gets the sum of `loss` [rows, loss_cols], the rule's documented proxy
// (0 without HAS_LOSS). Adds the loss sum, correct count and size to
// metrics[slot..slot+3] and, with TICK, advances the step clock, as
// output_loss.wgsl does.

struct Params {
  rows: u32,
  classes: u32,
  loss_cols: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(5) var<storage, read_write> clock: array<u32>;

override HAS_LOSS: bool = true;
override TICK: bool = true;

const WG = 256u;
var<workgroup> loss_part: array<f32, WG>;
var<workgroup> hit_part: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var total = 0.0;
  var hits = 0.0;
  for (var r = lid; r < p.rows; r += WG) {
    let base = r * p.classes;
    var best = Z[base];
    var arg = 0u;
    for (var k = 1u; k < p.classes; k++) {
      if (Z[base + k] > best) { best = Z[base + k]; arg = k; }
    }
    if (arg == labels[r]) { hits += 1.0; }
    if (HAS_LOSS) {
      for (var c = 0u; c < p.loss_cols; c++) { total += loss[r * p.loss_cols + c]; }
    }
  }
  loss_part[lid] = total;
  hit_part[lid] = hits;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      loss_part[lid] += loss_part[lid + stride];
      hit_part[lid] += hit_part[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    metrics[p.slot] += loss_part[0];
    metrics[p.slot + 1u] += hit_part[0];
    metrics[p.slot + 2u] += f32(p.rows);
    if (TICK) { clock[0] += 1u; }
  }
}
