// EMSTDP's input code (EMSTDP_main.py): each example draws one uniform r_t per
// step, shared by all its pixels, and pixel i fires when r_t < clamp(gain x_i).
// Writes the spikes S [T, rows, n], time-major, and each pixel's count over the
// update's phase-1 window [pre_from, pre_to) into pre [rows, n]: the
// presynaptic count of the first layer's weight update.
// One thread per (row, pixel) walks the T steps; r_t is the same hash in
// every thread of the row, so no thread waits for another.

struct Params {
  rows: u32,
  n: u32,
  steps: u32,
  seed: u32,
  stream: u32,
  gain: f32,
  pre_from: u32,
  pre_to: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> clock: array<u32>;
@group(0) @binding(3) var<storage, read_write> S: array<f32>;
@group(0) @binding(4) var<storage, read_write> pre: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 256u;
  let size = p.rows * p.n;
  if (cell >= size) { return; }
  let row = cell / p.n;
  // Rounded to f32 before the comparison, so the reference sees the same operands.
  let r = clamp(p.gain * clamp(X[cell], 0.0, 1.0), 0.0, 1.0);
  let stream = clock[0] * 64u + p.stream;
  var count = 0.0;
  for (var t = 0u; t < p.steps; t++) {
    // 24 bits: exact in f32, so u < r is decided exactly as in the reference.
    let u = f32(random_key(p.seed, stream, t * p.rows + row) >> 8u) / 16777216.0;
    let s = select(0.0, 1.0, u < r);
    S[t * size + cell] = s;
    if (t >= p.pre_from && t < p.pre_to) { count += s; }
  }
  pre[cell] = count;
}
