// TSSL-BP's kernel loss on the output PSPs A [T, rows, classes], for a whole
// batch in one workgroup (functions/loss_f.py, main.py):
//   L = 1/2 sum_t sum_k (A[t, k] - e_k[t])^2,   e_k = PSP filter of d_k,
// d_k the desired spike train for the label class and 0 for the others.
// G = dL/dA * scale. Prediction: argmax_k sum_t A[t, k] (first index on ties).
// Adds the batch's loss sum, correct count and size to metrics[slot..slot+3]
// and, with TICK, advances the step clock, as output_loss.wgsl does.

struct Params {
  rows: u32,
  classes: u32,
  steps: u32,
  tau_s: f32,
  scale: f32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(5) var<storage, read_write> clock: array<u32>;

override WRITE_GRAD: bool = true;
override TICK: bool = true;

// The label's desired spike at step t (desiredSpikes in kernels/tssl.ts):
// T >= 10: 0,1,0,1,... (the code's [0,1]x5 repeated; cut short when 10 does not
// divide T); 2 <= T < 10: 0,1,1,1,... (the code's T = 5 pattern, extended or cut);
// T = 1: a single 1, since a silent target would make every class alike.
fn desired(t: u32) -> f32 {
  if (p.steps >= 10u) { return f32(t % 2u); }
  if (p.steps == 1u || t >= 1u) { return 1.0; }
  return 0.0;
}


@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let per_step = p.rows * p.classes;
  let keep_s = 1.0 - 1.0 / p.tau_s;
  var loss = 0.0;
  var hits = 0.0;
  for (var r = lid; r < p.rows; r += WG) {
    let y = labels[r];
    var best = 0.0;
    var arg = 0u;
    for (var k = 0u; k < p.classes; k++) {
      var total = 0.0;
      var e = 0.0;
      for (var t = 0u; t < p.steps; t++) {
        let i = t * per_step + r * p.classes + k;
        var d = 0.0;
        if (k == y) { d = desired(t); }
        e = keep_s * e + d / p.tau_s;
        let diff = A[i] - e;
        loss += 0.5 * diff * diff;
        total += A[i];
        if (WRITE_GRAD) { G[i] = diff * p.scale; }
      }
      if (k == 0u || total > best) { best = total; arg = k; }
    }
    if (arg == y) { hits += 1.0; }
  }
  add_batch_metrics(lid, loss, hits, p.slot, p.rows);
}
