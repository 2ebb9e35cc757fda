// The operands A and B (bindings 1 and 2) of a matmul variant, one product
// per dispatch. Each variant names its element type (`alias Operand`: f32 or
// vec4<f32>) and reads A and B only through a_at() and b_at(), so that
// matmul_operands_paired.wgsl can stand in for this file.

@group(0) @binding(1) var<storage, read> A: array<Operand>;
@group(0) @binding(2) var<storage, read> B: array<Operand>;

const PAIRED = false;

fn begin_product(z: u32) {}

fn second_product() -> bool {
  return false;
}

// Whether op(B) is B stored N x K.
fn trans_b() -> bool {
  return TRANS_B;
}

fn a_at(i: u32) -> Operand {
  return A[i];
}

fn b_at(i: u32) -> Operand {
  return B[i];
}

// A single product has no second output (matmul_second_output.wgsl).
fn store_second(i: u32, acc: f32) {}
