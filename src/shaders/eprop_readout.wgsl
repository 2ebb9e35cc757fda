// e-prop's leaky readout and its loss (Bellec et al. 2020), for a whole batch
// in one workgroup, as output_loss.wgsl:
//   y[t] = kappa y[t-1] + I[t] + b      (I = z W_out^T: one matmul over T x rows)
//   loss = sum_t CE(softmax(y[t]), onehot(label)), summed over t as in the paper;
//   the metrics get it per step (/ T), comparable with the other rules' losses
//   E[t] = (softmax(y[t]) - onehot(label)) * scale     (dloss/dy[t]; scale 1/rows)
// Prediction: argmax_k Z[k], Z = sum_t y[t] (first index on ties).
// Adds the batch's loss sum, correct count and size to metrics[slot..slot+3]
// and, with TICK, advances the step clock. Arrays are time-major [T, rows, classes].

struct Params {
  rows: u32,
  classes: u32,
  steps: u32,
  kappa: f32,
  scale: f32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> I: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<storage, read_write> Z: array<f32>;
@group(0) @binding(6) var<storage, read_write> E: array<f32>;
@group(0) @binding(7) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(8) var<storage, read_write> clock: array<u32>;

override WRITE_GRAD: bool = true;
override TICK: bool = true;


@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let per_step = p.rows * p.classes;
  var loss = 0.0;
  var hits = 0.0;
  for (var r = lid; r < p.rows; r += WG) {
    let y_label = labels[r];
    let row = r * p.classes;
    for (var t = 0u; t < p.steps; t++) {
      let base = t * per_step + row;
      // The class count is a uniform, so y[t-1] and the running sum live in Y and Z.
      var best = 0.0;
      for (var k = 0u; k < p.classes; k++) {
        var y = I[base + k] + bias[k];
        if (t > 0u) { y += p.kappa * Y[base - per_step + k]; }
        Y[base + k] = y;
        if (t == 0u) { Z[row + k] = y; } else { Z[row + k] += y; }
        if (k == 0u || y > best) { best = y; }
      }
      var sum = 0.0;
      for (var k = 0u; k < p.classes; k++) { sum += exp(Y[base + k] - best); }
      loss += log(sum) + best - Y[base + y_label];
      if (WRITE_GRAD) {
        for (var k = 0u; k < p.classes; k++) {
          let q = exp(Y[base + k] - best) / sum;
          E[base + k] = (q - select(0.0, 1.0, k == y_label)) * p.scale;
        }
      }
    }
    var top = Z[row];
    var arg = 0u;
    for (var k = 1u; k < p.classes; k++) {
      if (Z[row + k] > top) { top = Z[row + k]; arg = k; }
    }
    if (arg == y_label) { hits += 1.0; }
  }
  add_batch_metrics(lid, loss / f32(p.steps), hits, p.slot, p.rows);
}
