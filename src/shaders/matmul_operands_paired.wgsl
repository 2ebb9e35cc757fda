// Stands in for matmul_operands.wgsl where one dispatch computes two products
// of the same shape, op(A) op(B) in workgroups z = 0 and op(A2) op(B2) in
// workgroups z = 1 (the variant's main calls begin_product with its z): a
// layer's weight gradient and its trained B's, each stepped by its own
// optimiser (matmul_update.wgsl). Both halves run the variant's code; only
// the buffers they load from differ, and a workgroup never mixes them.

@group(0) @binding(1) var<storage, read> A: array<Operand>;
@group(0) @binding(2) var<storage, read> B: array<Operand>;
@group(0) @binding(14) var<storage, read> A2: array<Operand>;
@group(0) @binding(15) var<storage, read> B2: array<Operand>;

const PAIRED = true;

var<private> second: bool;

fn begin_product(z: u32) {
  second = z == 1u;
}

fn second_product() -> bool {
  return second;
}

// One load whichever half (no early return: the branch rejoins at once).
fn a_at(i: u32) -> Operand {
  var v: Operand;
  if (second) { v = A2[i]; } else { v = A[i]; }
  return v;
}

fn b_at(i: u32) -> Operand {
  var v: Operand;
  if (second) { v = B2[i]; } else { v = B[i]; }
  return v;
}
