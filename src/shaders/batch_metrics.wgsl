// Shared snippet: a batch's loss and correct-prediction sums, reduced over one
// workgroup of WG invocations and added with the batch size to
// metrics[slot..slot+3]; with TICK the step clock advances too. The kernel
// that includes it declares the bindings `metrics` and `clock`, the override
// TICK, runs @workgroup_size(WG), and calls this from every invocation.

const WG = 256u;
var<workgroup> loss_part: array<f32, WG>;
var<workgroup> hit_part: array<f32, WG>;

fn add_batch_metrics(lid: u32, loss: f32, hits: f32, slot: u32, rows: u32) {
  loss_part[lid] = loss;
  hit_part[lid] = hits;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      loss_part[lid] += loss_part[lid + stride];
      hit_part[lid] += hit_part[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    metrics[slot] += loss_part[0];
    metrics[slot + 1u] += hit_part[0];
    metrics[slot + 2u] += f32(rows);
    if (TICK) { clock[0] += 1u; }
  }
}
