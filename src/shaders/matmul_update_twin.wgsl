// Appended to matmul_update.wgsl where a trained B takes its optimiser step in
// W's update rather than in a dispatch of its own, with its own settings and
// moments, from
//   g = weight_decay B + twin_self W^T          (W before its step, as
//                                                optimizer.wgsl's REGULARIZE does:
//                                                symmetric alignment, or noise alone)
//   g = weight_decay B + twin_alpha (product)   (a paired dispatch: its activity
//                                                terms, layers/feedback-update.ts)
// `twin` (binding 7) is B, W^T's shape; its moments lie in `twin_moments`.

@group(0) @binding(9) var<storage, read_write> twin_moments: array<f32>;

override TWIN_NOISE: bool = false;

// B[j] (j = n M + m) beside W[m, n], g its gradient's term besides the decay.
fn twin_step(j: u32, g: f32, now: u32) {
  let s = settings.twin;
  let lr = scheduled_lr(s, now);
  var mom = Moments(0.0, 0.0);
  if (METHOD >= 1u) { mom.m = twin_moments[p.twin_m_at + j]; }
  if (METHOD == 2u) { mom.v = twin_moments[p.twin_v_at + j]; }
  let u = optimizer_step(s, lr, now, s.weight_decay * twin[j] + g, &mom);
  if (METHOD >= 1u) { twin_moments[p.twin_m_at + j] = mom.m; }
  if (METHOD == 2u) { twin_moments[p.twin_v_at + j] = mom.v; }
  var noise = 0.0;
  if (TWIN_NOISE) { noise = update_noise(s, lr, now, j); }
  twin[j] = (1.0 - lr * s.decay) * twin[j] + u + noise;
}
