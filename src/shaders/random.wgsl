// Shared snippet: counter-based random numbers, so a seed fixes every draw
// whatever the dispatch order. Mirrored bit for bit by engine/reference/random.ts.

fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn random_key(seed: u32, stream: u32, index: u32) -> u32 {
  return pcg_hash(index ^ pcg_hash(stream ^ pcg_hash(seed)));
}

// Standard normal by Box-Muller from two 24-bit uniforms; u1 is never 0.
fn gaussian(seed: u32, stream: u32, index: u32) -> f32 {
  let k1 = random_key(seed, stream, index);
  let k2 = pcg_hash(k1);
  let u1 = (f32(k1 >> 8u) + 0.5) / 16777216.0;
  let u2 = f32(k2 >> 8u) / 16777216.0;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
