// Appended to matmul_update.wgsl where a trained B whose gradient needs no
// batch (symmetric alignment's decay and self terms, or update noise alone)
// takes its optimiser step in W's update, rather than in a dispatch of its own:
//   g = weight_decay B + twin_self W^T     (layers/feedback-update.ts)
// with B's own settings and moments, reading W before W's step, as
// optimizer.wgsl's REGULARIZE step does. `twin` (binding 8) is B, W^T's shape.

@group(0) @binding(12) var<storage, read_write> twin_m: array<f32>;
@group(0) @binding(13) var<storage, read_write> twin_v: array<f32>;

override TWIN_NOISE: bool = false;

// B[j] (j = n M + m) beside W[m, n], whose value before its step is w.
fn twin_step(j: u32, w: f32, now: u32) {
  let s = settings.twin;
  let lr = scheduled_lr(s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = twin_m[j]; }
  if (METHOD == 2u) { mom.v = twin_v[j]; }
  let u = optimizer_step(s, lr, now, s.weight_decay * twin[j] + p.twin_self * w, &mom);
  if (METHOD >= 1u) { twin_m[j] = mom.m; }
  if (METHOD == 2u) { twin_v[j] = mom.v; }
  var noise = 0.0;
  if (TWIN_NOISE) { noise = update_noise(s, lr, now, j); }
  twin[j] = (1.0 - lr * s.decay) * twin[j] + u + noise;
}
