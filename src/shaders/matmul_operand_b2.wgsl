// The second right operand of a paired product (matmul_operands_paired.wgsl):
// a buffer of its own.

@group(0) @binding(15) var<storage, read> B2: array<Operand>;

const SHARED_B = false;

fn b2_at(i: u32) -> Operand {
  return B2[i];
}
