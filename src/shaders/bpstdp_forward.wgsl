// BP-STDP's integrate-and-fire layer (wilkieolin/BP-STDP src/network.jl,
// update!) over all T steps, one thread per (row, neuron), time-major arrays:
//   U += I[t];  S[t] = U >= θ;  a spike sets U to 0   (no leak)
// With TRACE, also C[t] = the neuron's spikes in the last `window` steps, t
// included (the code's trace memory): it gates the errors and is the
// presynaptic count of the weight update. With RELAY the layer is the input:
// its spikes are given in I, S is not written, and only C is computed.
// The layers of one step are feed-forward (layer l reads layer l-1's spikes of
// the same step) and the weights are fixed within a window, so each layer runs
// over all T after the one below, as lif_forward does.

struct Params {
  rows: u32,
  neurons: u32,
  steps: u32,
  window: u32,
  theta: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> I: array<f32>;
@group(0) @binding(2) var<storage, read_write> S: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

override RELAY: bool = false;
override TRACE: bool = true;

fn spike_at(i: u32) -> f32 {
  if (RELAY) { return I[i]; }
  return S[i];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.neurons;
  if (cell >= per_step) { return; }
  var u = 0.0;
  var recent = 0.0;
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    var s = 0.0;
    if (RELAY) {
      s = I[i];
    } else {
      u += I[i];
      if (u >= p.theta) {
        s = 1.0;
        u = 0.0;
      }
      S[i] = s;
    }
    if (TRACE) {
      // Counts of 0/1 spikes: exact, so adding and dropping keeps the window's sum.
      recent += s;
      if (t >= p.window) { recent -= spike_at(i - p.window * per_step); }
      C[i] = recent;
    }
  }
}
