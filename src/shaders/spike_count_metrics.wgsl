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
  add_batch_metrics(lid, total, hits, p.slot, p.rows);
}
