// The output layer's error in time from the error of its scores dZ
// (spike_readout.wgsl), one invocation per (t, row, class):
//   READOUT 0 count:       dL/dS[t] = scale dZ
//   READOUT 1 membrane:    dL/dU[t] = dZ at the step of the maximum, else 0
//   READOUT 2 first spike: dL/dS[t] = dZ (T - t) / T, the gradient of the
//                          time-weighted count, which rewards earlier spikes

struct Params {
  rows: u32,
  classes: u32,
  steps: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dZ: array<f32>;
@group(0) @binding(2) var<storage, read> peak: array<u32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;

override READOUT: u32 = 0u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  let per_step = p.rows * p.classes;
  if (i >= p.steps * per_step) { return; }
  let t = i / per_step;
  let cell = i % per_step;
  var g = 0.0;
  if (READOUT == 0u) {
    g = p.scale * dZ[cell];
  } else if (READOUT == 1u) {
    g = select(0.0, dZ[cell], peak[cell] == t);
  } else {
    g = dZ[cell] * f32(p.steps - t) / f32(p.steps);
  }
  G[i] = g;
}
