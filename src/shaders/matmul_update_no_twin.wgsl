// Appended to matmul_update.wgsl where W's update steps no twin of its own
// (see matmul_update_twin.wgsl).

fn twin_step(j: u32, g: f32, now: u32) {}
