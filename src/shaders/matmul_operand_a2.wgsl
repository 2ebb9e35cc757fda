// The second left operand of a paired product (matmul_operands_paired.wgsl),
// read as it is (matmul_operand_a2_plus_a3.wgsl adds a third to it).

fn a2_at(i: u32) -> Operand {
  return A2[i];
}
