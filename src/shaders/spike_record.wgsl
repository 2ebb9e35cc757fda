// Copies what a display shows of one layer into one slot of a ring buffer:
// for a few chosen batch rows (samples), the spike raster of every neuron,
// bit-packed over time, and the membrane of a few chosen (traced) neurons.
// S and U are time-major [T, rows, n]; with W = ceil(T / 32) words per train,
//   raster:   ring[base + (s n + i) W + w], bit b set iff S[32 w + b, samples[s], i] > 1/2
//   membrane: ring[base + samples n W + (s C + c) T + t] = bits of U[t, samples[s], traced[c]]
// where base = slot * slot_words + offset (all layers share one slot). Packing
// over time keeps a neuron's train in one word for T <= 32, and its bits in order.
// With SLOT_FROM_CLOCK the slot is (clock / every) % slots: a trainer that
// records every `every` steps fills consecutive slots without writing a uniform.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  samples: u32,
  traced: u32,
  slot_words: u32,
  offset: u32,
  slot: u32,
  every: u32,
  slots: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
// The sample rows, then the traced neuron indices.
@group(0) @binding(3) var<storage, read> picks: array<u32>;
@group(0) @binding(4) var<storage, read> clock: array<u32>;
// u32 words: membranes are stored as their f32 bits, so one buffer holds both.
@group(0) @binding(5) var<storage, read_write> ring: array<u32>;

override SLOT_FROM_CLOCK: bool = false;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = gid.x + gid.y * groups.x * 64u;
  let W = (p.steps + 31u) / 32u;
  let raster = p.samples * p.neurons * W;
  if (k >= raster + p.samples * p.traced * p.steps) { return; }
  var slot = p.slot;
  if (SLOT_FROM_CLOCK) { slot = (clock[0] / p.every) % p.slots; }
  let base = slot * p.slot_words + p.offset;
  if (k < raster) {
    let w = k % W;
    let i = (k / W) % p.neurons;
    let row = picks[k / (W * p.neurons)];
    let t0 = 32u * w;
    let t1 = min(t0 + 32u, p.steps);
    var bits = 0u;
    for (var t = t0; t < t1; t++) {
      if (S[(t * p.rows + row) * p.neurons + i] > 0.5) { bits |= 1u << (t - t0); }
    }
    ring[base + k] = bits;
  } else {
    let m = k - raster;
    let t = m % p.steps;
    let c = (m / p.steps) % p.traced;
    let row = picks[m / (p.steps * p.traced)];
    let i = picks[p.samples + c];
    ring[base + k] = bitcast<u32>(U[(t * p.rows + row) * p.neurons + i]);
  }
}
