// Gathers a minibatch from a dataset that lives on the GPU as packed bytes:
// X[i, j] = (image[index[base + i]][j] / 255 - shift) * scale,
// Y[i] = label[index[base + i]]. shift 0, scale 1 keeps pixels in [0, 1];
// the training set's mean and 1/std standardise them.
// The batch starts at offset + (clock % steps_per_epoch) * rows: training
// follows the step clock (offset 0), so several steps can be recorded into
// one submit; evaluation chunks start at their offset and bind a clock that
// stays 0. One pipeline serves both (one compile fewer before the first step).

struct Params {
  rows: u32,
  pixels: u32,
  offset: u32,
  steps_per_epoch: u32,
  shift: f32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> source_labels: array<u32>;
@group(0) @binding(3) var<storage, read> index: array<u32>;
@group(0) @binding(4) var<storage, read> clock: array<u32>;
@group(0) @binding(5) var<storage, read_write> X: array<f32>;
@group(0) @binding(6) var<storage, read_write> Y: array<u32>;

fn read_byte(i: u32) -> u32 {
  return (images[i >> 2u] >> ((i & 3u) * 8u)) & 255u;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * 256u;
  if (t >= p.rows * p.pixels) { return; }
  let row = t / p.pixels;
  let col = t % p.pixels;
  let base = p.offset + (clock[0] % p.steps_per_epoch) * p.rows;
  let example = index[base + row];
  X[t] = (f32(read_byte(example * p.pixels + col)) / 255.0 - p.shift) * p.scale;
  if (col == 0u) { Y[row] = source_labels[example]; }
}
