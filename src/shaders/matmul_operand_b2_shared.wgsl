// The second right operand of a paired product (matmul_operands_paired.wgsl)
// where it is the first's (the layer's input in a weight update and its
// trained B's; B in the backward delta through B beside Y B^T): read without
// choosing, and not bound,
// which keeps a paired update within 10 storage buffers.

const SHARED_B = true;

fn b2_at(i: u32) -> Operand {
  return B[i];
}
