// The second product's output in a paired matmul (matmul_operands_paired.wgsl
// with matmul_common.wgsl): C2 = epilogue2(alpha2 * op(A2) op(B2)), e.g. the
// backward delta through B beside a trained B's Y B^T (layers/feedback-update.ts).
// D2 is the axpby addend or the gate's pre-activations, as D is for C.

@group(0) @binding(16) var<storage, read> D2: array<f32>;
@group(0) @binding(17) var<storage, read_write> C2: array<f32>;

override EPILOGUE2: u32 = 0u;

fn store_second(i: u32, acc: f32) {
  let v = p.alpha2 * acc;
  switch EPILOGUE2 {
    case 1u: { C2[i] = v + p.beta2 * D2[i]; }
    case 3u: { C2[i] = v * activate_grad(D2[i]); }
    case 4u: { C2[i] = v + p.beta2 * C2[i]; }
    default: { C2[i] = v; }
  }
}
