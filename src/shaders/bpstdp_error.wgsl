// BP-STDP's output error over a window (wilkieolin/BP-STDP src/network.jl,
// update_weights!), one thread per (row, class). The label's teacher neuron
// fires at step t with probability `rate`, one draw per example and step;
// only on those steps is there an error:
//   ξ_k[t] = 1[k is the label] - 1[C_k[t] > 0]     (C: output spikes in the last ε steps)
// and ξ is 0 elsewhere. Writes ξ into Xi [T, rows, classes], the output's
// spike count over T (the prediction's votes) into Z [rows, classes], and
// sum_t |ξ_k[t]| into loss [rows, classes], the loss proxy. Without TEACH
// (evaluation) only Z is written.

struct Params {
  rows: u32,
  classes: u32,
  steps: u32,
  seed: u32,
  stream: u32,
  rate: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read> C: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read> clock: array<u32>;
@group(0) @binding(5) var<storage, read_write> Xi: array<f32>;
@group(0) @binding(6) var<storage, read_write> Z: array<f32>;
@group(0) @binding(7) var<storage, read_write> loss: array<f32>;

override TEACH: bool = true;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let cell = gid.x + gid.y * groups.x * 64u;
  let per_step = p.rows * p.classes;
  if (cell >= per_step) { return; }
  let row = cell / p.classes;
  var votes = 0.0;
  var total = 0.0;
  var wanted = 0.0;
  var stream = 0u;
  if (TEACH) {
    wanted = select(0.0, 1.0, cell % p.classes == labels[row]);
    stream = clock[0] * 64u + p.stream;
  }
  for (var t = 0u; t < p.steps; t++) {
    let i = t * per_step + cell;
    votes += S[i];
    if (TEACH) {
      // 24 bits: exact in f32, so the reference makes the same decision.
      let u = f32(random_key(p.seed, stream, t * p.rows + row) >> 8u) / 16777216.0;
      var xi = 0.0;
      if (u < p.rate) { xi = wanted - select(0.0, 1.0, C[i] > 0.0); }
      Xi[i] = xi;
      total += abs(xi);
    }
  }
  Z[cell] = votes;
  if (TEACH) { loss[cell] = total; }
}
