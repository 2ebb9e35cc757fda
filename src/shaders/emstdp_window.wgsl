// EMSTDP's two-phase window (Shrestha et al. 2019; EMSTDP_python/EMSTDP_algo.py
// with rel = 0, delt = 5) for every example of a batch and every layer:
// non-leaky integrate-and-fire neurons and a spiking error network.
// Steps t = 1 .. T-1 (step 0 is the all-zero start, as in the code):
//   forward   U_l += W_l s_{l-1}[t-1]   (layer 1's current I = W_1 x is precomputed)
//             s_l[t] = U_l >= θ_l; a spike resets U_l to 0
//   phase 2 (TRAINING, t > twin), error neurons:
//     output  δ_k += 1 if k is the label and s_k[t-1] = 0;  δ_k -= 1 if not and s_k[t-1] = 1
//             ŝ_k[t] = ±1 once |δ_k| >= ε, and then δ_k = 0
//     hidden  δ_j += sum_q F_jq ŝ_q[t-1]: F = W^T of the layer above (FEEDBACK 0),
//             its B (1), or the output's B (2, direct)
//             ŝ_j[t] = ±1 once |δ_j| >= θe, δ_j = 0; with GATE zero if j did not fire in [0, twin)
//     then    U_l += inject_l ŝ_l[t-1], after the reset, as the code adds it
// Every update at step t reads other neurons' state of step t-1 only, so a
// step is one parallel sweep over all neurons; spikes and error spikes are
// double-buffered by the parity of t.
//
// One workgroup per example walks the T steps with a barrier between them:
// spikes go up and errors come down within a step, so the layers cannot run
// one after another over all T, and a dispatch per step would cost T launches
// per batch for sweeps of a few thousand products. The input layer's
// product, the big one, does not depend on the network's state and is a
// matmul before this kernel.
//
// state holds field f of packed neuron k (a layer's offset + j) of example r
// at (f rows + r) N + k; the fields are the FIELD constants below. Z gets the
// output's counts over [0, twin) when TRAINING (the code's training
// prediction), over all T otherwise; loss[r] the output error spikes emitted.

struct Params {
  rows: u32,
  layers: u32,
  steps: u32,
  twin: u32,
  neurons: u32,
  pre_from: u32,
  pre_to: u32,
  post_from: u32,
  epsilon: f32,
}

struct Layer {
  n: u32,
  n_in: u32,
  // First neuron of the layer in the packed state.
  offset: u32,
  // W_l's offset in Wp (layers after the first).
  w: u32,
  // Offset in Fp of the feedback matrix into this layer (FEEDBACK 1, 2).
  f: u32,
  // The layer whose error spikes reach this one.
  src: u32,
  theta: f32,
  theta_e: f32,
  inject: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> I: array<f32>;
@group(0) @binding(3) var<storage, read> Wp: array<f32>;
@group(0) @binding(4) var<storage, read> Fp: array<f32>;
@group(0) @binding(5) var<storage, read> labels: array<u32>;
@group(0) @binding(6) var<storage, read_write> state: array<f32>;
@group(0) @binding(7) var<storage, read_write> Z: array<f32>;
@group(0) @binding(8) var<storage, read_write> loss: array<f32>;

override TRAINING: bool = true;
override FEEDBACK: u32 = 0u;
override GATE: bool = true;

const FIELD_U = 0u;
const FIELD_ERR = 1u;
// 2, 3: spikes at even and odd t; 4, 5: error spikes at even and odd t.
const FIELD_S = 2u;
const FIELD_E = 4u;
const FIELD_GATE = 6u;
const FIELD_PRE = 7u;
const FIELD_POST = 8u;
const FIELD_TOTAL = 9u;
const FIELD_ERRORS = 10u;
const FIELDS = 11u;
const WG = 64u;

fn at(field: u32, r: u32, k: u32) -> u32 {
  return (field * p.rows + r) * p.neurons + k;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wid.x + wid.y * groups.x;
  if (r >= p.rows) { return; }
  for (var k = lid; k < FIELDS * p.neurons; k += WG) {
    state[at(k / p.neurons, r, k % p.neurons)] = 0.0;
  }
  storageBarrier();
  for (var t = 1u; t < p.steps; t++) {
    let prev = (t - 1u) % 2u;
    let cur = t % 2u;
    let errors = TRAINING && t > p.twin;
    for (var l = 0u; l < p.layers; l++) {
      let ly = layers[l];
      let top = l + 1u == p.layers;
      for (var j = lid; j < ly.n; j += WG) {
        let me = ly.offset + j;
        var drive = 0.0;
        if (l == 0u) {
          drive = I[((t - 1u) * p.rows + r) * ly.n + j];
        } else {
          let below = layers[l - 1u].offset;
          let w = ly.w + j * ly.n_in;
          for (var i = 0u; i < ly.n_in; i++) {
            drive += Wp[w + i] * state[at(FIELD_S + prev, r, below + i)];
          }
        }
        var u = state[at(FIELD_U, r, me)] + drive;
        let s = select(0.0, 1.0, u >= ly.theta);
        if (s == 1.0) { u = 0.0; }
        state[at(FIELD_S + cur, r, me)] = s;
        if (t < p.twin) { state[at(FIELD_GATE, r, me)] += s; }
        if (t >= p.pre_from && t < p.pre_to) { state[at(FIELD_PRE, r, me)] += s; }
        if (t >= p.post_from) { state[at(FIELD_POST, r, me)] += s; }
        state[at(FIELD_TOTAL, r, me)] += s;
        var e = 0.0;
        if (errors) {
          var acc = state[at(FIELD_ERR, r, me)];
          var bound = ly.theta_e;
          if (top) {
            let was = state[at(FIELD_S + prev, r, me)];
            if (j == labels[r]) { acc += 1.0 - was; } else { acc -= was; }
            bound = p.epsilon;
          } else {
            let src = layers[ly.src];
            for (var q = 0u; q < src.n; q++) {
              var f = 0.0;
              if (FEEDBACK == 0u) { f = Wp[src.w + q * ly.n + j]; } else { f = Fp[ly.f + j * src.n + q]; }
              acc += f * state[at(FIELD_E + prev, r, src.offset + q)];
            }
          }
          if (acc >= bound) { e = 1.0; } else if (acc <= -bound) { e = -1.0; }
          if (e != 0.0) { acc = 0.0; }
          // The derivative of a ReLU-like unit: no error for a neuron that was silent in phase 1.
          if (GATE && !top && state[at(FIELD_GATE, r, me)] == 0.0) { e = 0.0; }
          state[at(FIELD_ERR, r, me)] = acc;
          u += ly.inject * state[at(FIELD_E + prev, r, me)];
        }
        state[at(FIELD_E + cur, r, me)] = e;
        state[at(FIELD_ERRORS, r, me)] += abs(e);
        state[at(FIELD_U, r, me)] = u;
      }
    }
    storageBarrier();
  }
  let out = layers[p.layers - 1u];
  let votes = select(FIELD_TOTAL, FIELD_GATE, TRAINING);
  for (var k = lid; k < out.n; k += WG) {
    Z[r * out.n + k] = state[at(votes, r, out.offset + k)];
  }
  if (lid == 0u) {
    var sum = 0.0;
    for (var k = 0u; k < out.n; k++) { sum += state[at(FIELD_ERRORS, r, out.offset + k)]; }
    loss[r] = sum;
  }
}
