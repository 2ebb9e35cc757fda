// Shared snippet, prepended to kernels that apply a layer nonlinearity.
// ACT: 0 identity, 1 relu, 2 tanh, 3 sigmoid, 4 softplus, 5 sign, 6 step.
override ACT: u32 = 0u;

fn sigmoid(a: f32) -> f32 {
  return 1.0 / (1.0 + exp(-a));
}

fn activate(a: f32) -> f32 {
  switch ACT {
    case 1u: { return max(a, 0.0); }
    case 2u: { return tanh(a); }
    case 3u: { return sigmoid(a); }
    // log(1 + e^a) without overflow for large a.
    case 4u: { return max(a, 0.0) + log(1.0 + exp(-abs(a))); }
    case 5u: { return select(-1.0, 1.0, a >= 0.0); }
    case 6u: { return select(0.0, 1.0, a > 0.0); }
    default: { return a; }
  }
}

// Sign and step have no useful derivative: use the straight-through
// estimator clipped to |a| <= 1 (as in binarised networks).
fn activate_grad(a: f32) -> f32 {
  switch ACT {
    case 1u: { return select(0.0, 1.0, a > 0.0); }
    case 2u: { let t = tanh(a); return 1.0 - t * t; }
    case 3u: { let s = sigmoid(a); return s * (1.0 - s); }
    case 4u: { return sigmoid(a); }
    case 5u, 6u: { return select(0.0, 1.0, abs(a) <= 1.0); }
    default: { return 1.0; }
  }
}
