// Loss at the output layer, for a whole batch in one workgroup:
//   LOSS 0: softmax cross-entropy, G = (softmax(z) - onehot(y)) * scale
//   LOSS 1: mean squared error,   L = 1/2 |z - onehot(y)|^2, G = (z - onehot(y)) * scale
// Adds the batch's loss sum, correct count and size to metrics[slot..slot+3]
// and, with TICK, advances the step clock that the optimisers and noise read.

struct Params {
  rows: u32,
  classes: u32,
  scale: f32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(5) var<storage, read_write> clock: array<u32>;

override LOSS: u32 = 0u;
override WRITE_GRAD: bool = true;
override TICK: bool = true;


@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var loss = 0.0;
  var hits = 0.0;
  for (var r = lid; r < p.rows; r += WG) {
    let base = r * p.classes;
    let y = labels[r];
    var best = Z[base];
    var arg = 0u;
    for (var k = 1u; k < p.classes; k++) {
      let z = Z[base + k];
      if (z > best) { best = z; arg = k; }
    }
    if (arg == y) { hits += 1.0; }
    if (LOSS == 0u) {
      var sum = 0.0;
      for (var k = 0u; k < p.classes; k++) { sum += exp(Z[base + k] - best); }
      loss += log(sum) + best - Z[base + y];
      if (WRITE_GRAD) {
        for (var k = 0u; k < p.classes; k++) {
          let q = exp(Z[base + k] - best) / sum;
          G[base + k] = (q - select(0.0, 1.0, k == y)) * p.scale;
        }
      }
    } else {
      for (var k = 0u; k < p.classes; k++) {
        let d = Z[base + k] - select(0.0, 1.0, k == y);
        loss += 0.5 * d * d;
        if (WRITE_GRAD) { G[base + k] = d * p.scale; }
      }
    }
  }
  add_batch_metrics(lid, loss, hits, p.slot, p.rows);
}
