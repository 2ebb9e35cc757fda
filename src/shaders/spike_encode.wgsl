// Turns intensities X [rows, n] into T input steps S [T, rows, n] for a
// spiking network, time-major: S[(t * rows + r) * n + i]. x = clamp(X, 0, 1),
// r = clamp(gain * x, 0, 1).
//   ENCODER 0 poisson: S = 1 if u < r, u uniform in [0, 1) drawn per element
//                      and per step (keyed by the clock), else 0
//   ENCODER 1 rate:    S[t] = 1 iff floor((t + 1) r) > floor(t r): regularly
//                      spaced, floor(T r) spikes over T steps
//   ENCODER 2 latency: one spike at round((1 - x) (T - 1)) if x > threshold,
//                      brighter = earlier; none otherwise (gain unused)
//   ENCODER 3 current: S[t] = gain * x every step, a current, not spikes
// One thread per output element, so every step is written in parallel.

struct Params {
  rows: u32,
  n: u32,
  steps: u32,
  seed: u32,
  stream: u32,
  gain: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> clock: array<u32>;
@group(0) @binding(3) var<storage, read_write> S: array<f32>;

override ENCODER: u32 = 0u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = gid.x + gid.y * groups.x * 256u;
  let size = p.rows * p.n;
  if (k >= p.steps * size) { return; }
  let t = k / size;
  let x = clamp(X[k % size], 0.0, 1.0);
  // The products are rounded to f32 before any comparison, floor or round,
  // so the reference can reproduce every decision exactly.
  let r = clamp(p.gain * x, 0.0, 1.0);
  var s = 0.0;
  switch ENCODER {
    case 0u: {
      // 24 bits, so u is exact in f32 and u < r is a bit-exact comparison.
      let u = f32(random_key(p.seed, clock[0] * 64u + p.stream, k) >> 8u) / 16777216.0;
      s = select(0.0, 1.0, u < r);
    }
    case 1u: {
      s = select(0.0, 1.0, floor(f32(t + 1u) * r) > floor(f32(t) * r));
    }
    case 2u: {
      // WGSL's round sends ties to even.
      let fire = round((1.0 - x) * f32(p.steps - 1u));
      s = select(0.0, 1.0, x > p.threshold && f32(t) == fire);
    }
    default: {
      s = p.gain * x;
    }
  }
  S[k] = s;
}
