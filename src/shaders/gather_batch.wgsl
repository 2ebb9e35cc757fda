// Gathers a minibatch from a dataset that lives on the GPU as packed bytes:
// X[i, j] = (image[index[base + i]][j] / 255 - shift) * scale,
// Y[i] = label[index[base + i]]. shift 0, scale 1 keeps pixels in [0, 1];
// the training set's mean and 1/std standardise them.
// With USE_CLOCK the batch position follows the step clock, so several steps
// can be recorded into one submit; otherwise `offset` is the first row.

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

override USE_CLOCK: bool = true;

fn read_byte(i: u32) -> u32 {
  return (images[i >> 2u] >> ((i & 3u) * 8u)) & 255u;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = gid.x + gid.y * groups.x * 256u;
  if (t >= p.rows * p.pixels) { return; }
  let row = t / p.pixels;
  let col = t % p.pixels;
  var base = p.offset;
  if (USE_CLOCK) { base = (clock[0] % p.steps_per_epoch) * p.rows; }
  let example = index[base + row];
  X[t] = (f32(read_byte(example * p.pixels + col)) / 255.0 - p.shift) * p.scale;
  if (col == 0u) { Y[row] = source_labels[example]; }
}
