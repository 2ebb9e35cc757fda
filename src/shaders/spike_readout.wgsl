// Class scores from the output layer's T steps, one invocation per (row, class):
//   READOUT 0 count:       z = scale sum_t S[t]   (scale 1: raw counts; 1/T: rates)
//   READOUT 1 membrane:    z = max_t U[t], remembering which t for the backward
//   READOUT 2 first spike: z = T - (first spike time), ties broken by count;
//                          T steps without a spike score 0.
// The scores feed output_loss like a rate network's logits.

struct Params {
  rows: u32,
  classes: u32,
  steps: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read_write> Z: array<f32>;
@group(0) @binding(4) var<storage, read_write> peak: array<u32>;

override READOUT: u32 = 0u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let cell = gid.x;
  let per_step = p.rows * p.classes;
  if (cell >= per_step) { return; }
  var count = 0.0;
  var best = U[cell];
  var best_t = 0u;
  var first = p.steps;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    let s = S[i];
    count += s;
    if (s > 0.0 && first == p.steps) { first = t; }
    if (READOUT == 1u && U[i] > best) { best = U[i]; best_t = t; }
  }
  if (READOUT == 0u) {
    Z[cell] = p.scale * count;
  } else if (READOUT == 1u) {
    Z[cell] = best;
    peak[cell] = best_t;
  } else {
    Z[cell] = f32(p.steps - first) + count / f32(p.steps + 1u);
  }
}
