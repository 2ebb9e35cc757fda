// The second left operand of a paired weight update (matmul_operands_paired.wgsl
// with matmul_update.wgsl) where it is a sum: A2 + twin_addend A3. Activation
// alignment's B gradient is (S + amp Y)^T X with S = (2 c_sparse / N) X B from the
// second half of the forward product, Y from its first (layers/feedback-update.ts):
// the sum is taken as it is loaded, so neither half of that dispatch reads the other's output.

@group(0) @binding(16) var<storage, read> A3: array<Operand>;

fn a2_at(i: u32) -> Operand {
  return A2[i] + p.twin_addend * A3[i];
}
