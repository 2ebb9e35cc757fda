// Confusion matrix of a batch: counts[y, k*] += 1 for each row, where y is the
// row's label and k* the argmax of its scores (logits or a spike-count
// readout). Ties go to the lowest index, as in output_loss.wgsl, so the trace
// equals that kernel's correct count. Counts are not cleared here: chunks of
// one evaluation add into the same matrix. Rows with a label >= classes are
// skipped.
// Global atomics: at most classes^2 bins and one add per row, nothing next to
// the forward pass that produced the scores.

struct Params {
  rows: u32,
  classes: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> scores: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

const WG = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = gid.x + gid.y * groups.x * WG;
  if (r >= p.rows) { return; }
  let y = labels[r];
  if (y >= p.classes) { return; }
  let base = r * p.classes;
  var best = scores[base];
  var arg = 0u;
  for (var k = 1u; k < p.classes; k++) {
    let s = scores[base + k];
    // Strictly greater: the first of equal maxima wins.
    if (s > best) { best = s; arg = k; }
  }
  atomicAdd(&counts[y * p.classes + arg], 1u);
}
