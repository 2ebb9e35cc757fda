// Event lists of a spike matrix S (rows x cols, time-major): for each row r,
// events[r * cols + k] = the k-th column i with S[r, i] != 0, in ascending i,
// and count[r] = how many there are. Slots k >= count[r] are left untouched.
//
// LANES threads share a row, each owning a segment of 32 consecutive columns
// per pass, which it remembers as a bit mask. A thread's first output slot is
// the sum of the counts of the segments before it, read from workgroup memory:
// two barriers per pass instead of the 16 of a tree scan (barriers are what
// software Vulkan pays for most), the order is that of i, so the lists are
// deterministic, and no atomics. Narrow rows take fewer lanes and a workgroup
// serves 64 / LANES rows. Groups past 65535 fold into y (grid1d).

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<f32>;
@group(0) @binding(2) var<storage, read_write> events: array<u32>;
@group(0) @binding(3) var<storage, read_write> count: array<u32>;

// Threads per row: a power of two from 1 to 64.
override LANES: u32 = 32u;

const WG = 64u;
const SEGMENT = 32u; // columns per thread and pass, one bit each

var<workgroup> found: array<u32, 64>;

@compute @workgroup_size(64)
fn main(
  @builtin(local_invocation_index) t: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let rows_per_group = WG / LANES;
  let first_row = (wid.x + wid.y * groups.x) * rows_per_group;
  // The same for the whole workgroup, so the barriers below stay uniform.
  if (first_row >= p.rows) { return; }
  let lane = t % LANES;
  let first_slot = t - lane;
  let r = first_row + t / LANES;
  let live = r < p.rows;
  let row = r * p.cols;

  var base = 0u;
  for (var c0 = 0u; c0 < p.cols; c0 += LANES * SEGMENT) {
    let first = c0 + lane * SEGMENT;
    var mask = 0u;
    if (live) {
      let end = min(first + SEGMENT, p.cols);
      for (var i = first; i < end; i++) {
        if (S[row + i] != 0.0) { mask |= 1u << (i - first); }
      }
    }
    found[t] = countOneBits(mask);
    workgroupBarrier();

    var k = base;
    for (var j = first_slot; j < t; j++) { k += found[j]; }
    var total = k;
    for (var j = t; j < first_slot + LANES; j++) { total += found[j]; }
    while (mask != 0u) {
      let b = firstTrailingBit(mask);
      events[row + k] = first + b;
      k += 1u;
      mask &= mask - 1u;
    }
    base = total;
    // Everyone has read `found` before the next pass overwrites it.
    workgroupBarrier();
  }
  if (live && lane == 0u) { count[r] = base; }
}
