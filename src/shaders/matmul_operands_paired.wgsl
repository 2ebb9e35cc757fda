// Stands in for matmul_operands.wgsl where one dispatch computes two products
// of the same shape, op(A) op(B) in workgroups z = 0 and op(A2) op(B2) in
// workgroups z = 1 (the variant's main calls begin_product with its z): a
// layer's weight gradient and its trained B's, each stepped by its own
// optimiser (matmul_update.wgsl), or a forward product X W^T and X B. Both
// halves run the variant's code; the buffers they load from differ, and
// whether B2 is transposed (TRANS_B2), and a workgroup never mixes them.
// The second operands come through a2_at() and b2_at(), from the snippets
// composed after this one (kernels/sources.ts): A2 itself
// (matmul_operand_a2.wgsl) or A2 plus a multiple of A3
// (matmul_operand_a2_plus_a3.wgsl); B2 (matmul_operand_b2.wgsl) or B itself
// (matmul_operand_b2_shared.wgsl, which binds no B2).

@group(0) @binding(1) var<storage, read> A: array<Operand>;
@group(0) @binding(2) var<storage, read> B: array<Operand>;
@group(0) @binding(14) var<storage, read> A2: array<Operand>;

const PAIRED = true;

override TRANS_B2: bool = false;
// A2 is A itself (the forward X W^T beside X B): it is read without choosing.
// (SHARED_B comes with b2_at().)
override SHARED_A: bool = false;

var<private> second: bool;

fn begin_product(z: u32) {
  second = z == 1u;
}

fn second_product() -> bool {
  return second;
}

fn trans_b() -> bool {
  return select(TRANS_B, TRANS_B2, second);
}

// One load whichever half (no early return: the branch rejoins at once).
fn a_at(i: u32) -> Operand {
  if (SHARED_A) { return A[i]; }
  var v: Operand;
  if (second) { v = a2_at(i); } else { v = A[i]; }
  return v;
}

fn b_at(i: u32) -> Operand {
  if (SHARED_B) { return B[i]; }
  var v: Operand;
  if (second) { v = b2_at(i); } else { v = B[i]; }
  return v;
}
