// out[i] = std * xi, xi ~ N(0, 1), fresh every step (keyed by the clock):
// white-noise inputs for the alignment regularisers.

struct Params {
  n: u32,
  seed: u32,
  stream: u32,
  std_dev: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * 256u;
  if (i >= p.n) { return; }
  out[i] = p.std_dev * gaussian(p.seed, clock[0] * 64u + p.stream, i);
}
