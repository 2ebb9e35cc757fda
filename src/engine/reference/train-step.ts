// Float64 reference of one training step of a rate network under any rule:
// the readable specification that the GPU step (training/trainer.ts) must match.
// Row-major matrices; a batch is N rows. Layer l maps h_{l-1} (N x nIn) to
// a_l = h_{l-1} W^T + b (N x nOut), h_l = f(a_l); W is nOut x nIn, B nIn x cols.
import type { Activation } from '../kernels/activation';
import type { LayerInit } from '../layers/init';
import { NOISE_STREAM } from '../layers/feedback-update';
import { parameterSettings } from '../optimizers/parameter-updates';
import { type Coefficients, type RuleSpec, trainsFeedback, usesActivity } from '../rules/rule';
import type { TrainConfig } from '../training/config';
import { activate, activateGrad } from './activation';
import { type OptimizerState, optimizerStepRef } from './optimizer';
import { clockStream, gaussian } from './random';

export interface RefLayer {
  nIn: number;
  nOut: number;
  act: Activation;
  W: Float64Array;
  b: Float64Array;
  B: Float64Array | null;
  cols: number;
  kappa: number;
  /** Optimiser moments of W, b and B. */
  mW: Float64Array;
  vW: Float64Array;
  mb: Float64Array;
  vb: Float64Array;
  mB: Float64Array;
  vB: Float64Array;
}

export interface RefNetwork {
  layers: RefLayer[];
  /** Steps taken so far: the GPU's clock. */
  clock: number;
}

export interface RefStepResult {
  loss: number;
  correct: number;
  gW: Float64Array[];
  gb: Float64Array[];
  /** B's regulariser gradient, where B learns from one. */
  gB: (Float64Array | null)[];
  /** The alignment probes of metrics/alignment-probes.ts, in degrees, from the pre-update weights. */
  probes: { weightAngle: number | null; gradientAngle: number | null; bpAngle: number }[];
}

export function angleOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  return (Math.acos(Math.min(1, Math.max(-1, xy / Math.sqrt(xx * yy)))) * 180) / Math.PI;
}

function transpose(A: Float64Array, rows: number, cols: number): Float64Array {
  const T = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) T[c * rows + r] = A[r * cols + c];
  return T;
}

export function refNetwork(init: LayerInit[], act: Activation): RefNetwork {
  const top = init.length - 1;
  const classes = init[top].nOut;
  return {
    clock: 0,
    layers: init.map((p, i) => {
      const cols = p.B ? p.B.length / p.nIn : p.nOut;
      return {
        nIn: p.nIn,
        nOut: p.nOut,
        act: i === top ? 'identity' : act,
        W: Float64Array.from(p.W),
        b: Float64Array.from(p.b),
        B: p.B ? Float64Array.from(p.B) : null,
        cols: p.B ? cols : classes,
        kappa: p.kappa,
        mW: new Float64Array(p.W.length),
        vW: new Float64Array(p.W.length),
        mb: new Float64Array(p.nOut),
        vb: new Float64Array(p.nOut),
        mB: new Float64Array(p.B?.length ?? 0),
        vB: new Float64Array(p.B?.length ?? 0),
      };
    }),
  };
}

/** C (M x N) = op(A) op(B), with op the identity or a transpose of the stored matrix. */
function mm(A: Float64Array, B: Float64Array, M: number, N: number, K: number, tA = false, tB = false): Float64Array {
  const C = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + m] : A[m * K + k]) * (tB ? B[n * K + k] : B[k * N + n]);
      C[m * N + n] = s;
    }
  }
  return C;
}

/**
 * One step on batch (X, labels), updating `net` in place; returns the loss and
 * the gradients. `stepsPerEpoch` places the step in the learning-rate schedule.
 */
export function referenceTrainStep(
  net: RefNetwork,
  X: Float64Array,
  labels: Uint32Array,
  config: TrainConfig,
  rule: RuleSpec,
  seed: number,
  stepsPerEpoch: number,
): RefStepResult {
  const L = net.layers.length;
  const N = labels.length;
  const coef: Coefficients = { ...rule.regularizer, ...config.coefficients };

  // Forward.
  const h: Float64Array[] = [X];
  const a: Float64Array[] = [];
  for (const layer of net.layers) {
    const pre = mm(h[h.length - 1], layer.W, N, layer.nOut, layer.nIn, false, true);
    for (let i = 0; i < N; i++) for (let j = 0; j < layer.nOut; j++) pre[i * layer.nOut + j] += layer.b[j];
    a.push(pre);
    h.push(pre.map((v) => activate(layer.act, v)));
  }

  // Output error, mean over the batch; the clock ticks here.
  const classes = net.layers[L - 1].nOut;
  const z = a[L - 1];
  const delta: Float64Array[] = net.layers.map((l) => new Float64Array(N * l.nOut));
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < N; i++) {
    const row = z.subarray(i * classes, (i + 1) * classes);
    const y = labels[i];
    let arg = 0;
    for (let k = 1; k < classes; k++) if (row[k] > row[arg]) arg = k;
    if (arg === y) correct++;
    if (config.loss === 'cross-entropy') {
      const max = row[arg];
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(row[k] - max);
      loss += Math.log(sum) + max - row[y];
      for (let k = 0; k < classes; k++) delta[L - 1][i * classes + k] = (Math.exp(row[k] - max) / sum - (k === y ? 1 : 0)) / N;
    } else {
      for (let k = 0; k < classes; k++) {
        const d = row[k] - (k === y ? 1 : 0);
        loss += 0.5 * d * d;
        delta[L - 1][i * classes + k] = d / N;
      }
    }
  }
  net.clock++;

  // Sign symmetry: B = kappa sign(W)^T, from the current W.
  if (rule.feedback === 'sign') {
    for (const layer of net.layers) {
      for (let r = 0; r < layer.nIn; r++) for (let c = 0; c < layer.nOut; c++) layer.B![r * layer.nOut + c] = layer.kappa * Math.sign(layer.W[c * layer.nIn + r]);
    }
  }

  // Backward: gradients of W and b, then the error of the layer below.
  const gW: Float64Array[] = new Array(L);
  const gb: Float64Array[] = new Array(L);
  const probes: RefStepResult['probes'] = net.layers.map((layer) => ({
    weightAngle: layer.B && layer.cols === layer.nOut ? angleOf(layer.W, transpose(layer.B, layer.nIn, layer.nOut)) : null,
    gradientAngle: null,
    bpAngle: 0,
  }));
  for (let l = L; l >= 1; l--) {
    const layer = net.layers[l - 1];
    const d = delta[l - 1];
    gW[l - 1] = mm(d, h[l - 1], layer.nOut, layer.nIn, N, true, false);
    gb[l - 1] = new Float64Array(layer.nOut);
    for (let i = 0; i < N; i++) for (let j = 0; j < layer.nOut; j++) gb[l - 1][j] += d[i * layer.nOut + j];
    if (l === 1) continue;
    let back: Float64Array;
    if (rule.feedback === 'transpose') back = mm(d, layer.W, N, layer.nIn, layer.nOut);
    else if (rule.feedback === 'direct') back = mm(delta[L - 1], layer.B!, N, layer.nIn, classes, false, true);
    else back = mm(d, layer.B!, N, layer.nIn, layer.nOut, false, true);
    probes[l - 1].gradientAngle = angleOf(back, mm(d, layer.W, N, layer.nIn, layer.nOut));
    const below = net.layers[l - 2];
    delta[l - 2] = back.map((v, i) => v * activateGrad(below.act, a[l - 2][i]));
  }

  // A shadow backprop pass from the same output error, for angle(dW, dW_bp).
  let upstream = delta[L - 1];
  for (let l = L; l >= 1; l--) {
    const layer = net.layers[l - 1];
    probes[l - 1].bpAngle = angleOf(gW[l - 1], mm(upstream, h[l - 1], layer.nOut, layer.nIn, N, true, false));
    if (l > 1) {
      const below = net.layers[l - 2];
      upstream = mm(upstream, layer.W, N, layer.nIn, layer.nOut).map((v, i) => v * activateGrad(below.act, a[l - 2][i]));
    }
  }

  // B's regulariser gradient, from the pre-update W and B.
  const needsFeedbackGrad = rule.feedback === 'backward' && !rule.tied && (trainsFeedback(rule, coef) || config.feedbackUpdateNoise > 0);
  const gB: (Float64Array | null)[] = net.layers.map(() => null);
  if (needsFeedbackGrad) {
    net.layers.forEach((layer, i) => {
      gB[i] = feedbackGradient(layer, h[i], N, coef, config, seed, net.clock, i + 1);
    });
  }

  // Updates, all after the backward pass.
  const s = parameterSettings(config, rule, stepsPerEpoch);
  net.layers.forEach((layer, i) => {
    const l = i + 1;
    const wState: OptimizerState = { P: layer.W, M: layer.mW, V: layer.vW, T: rule.tied ? layer.B! : undefined };
    optimizerStepRef(wState, gW[i], { rows: layer.nOut, cols: layer.nIn, settings: s.weights, clock: net.clock, seed, stream: NOISE_STREAM.update + l });
    optimizerStepRef({ P: layer.b, M: layer.mb, V: layer.vb }, gb[i], { rows: 1, cols: layer.nOut, settings: s.bias, clock: net.clock, seed, stream: 0 });
    if (gB[i]) {
      optimizerStepRef({ P: layer.B!, M: layer.mB, V: layer.vB }, gB[i]!, { rows: layer.nIn, cols: layer.cols, settings: s.feedback, clock: net.clock, seed, stream: NOISE_STREAM.update + l });
    }
  });
  return { loss: loss / N, correct, gW, gb, gB, probes };
}

/**
 * grad_B of R = sum_p c_p P_p (rules/primitives.ts), with Y = X W^T:
 * 2 c_decay B - c_self W^T - (c_amp/N) X^T Y + (2 c_sparse/N) X^T X B + (2 c_null/N) (Y B^T)^T Y.
 */
function feedbackGradient(
  layer: RefLayer,
  input: Float64Array,
  N: number,
  c: Coefficients,
  config: TrainConfig,
  seed: number,
  clock: number,
  l: number,
): Float64Array {
  const { nIn, nOut, W } = layer;
  const B = layer.B!;
  const g = new Float64Array(nIn * nOut);
  for (let r = 0; r < nIn; r++) {
    for (let k = 0; k < nOut; k++) g[r * nOut + k] = 2 * (c.decay ?? 0) * B[r * nOut + k] - (c.self ?? 0) * W[k * nIn + r];
  }
  if (!usesActivity(c)) return g;
  let X = input;
  if (config.feedbackInput === 'noise') {
    const stream = clockStream(clock, NOISE_STREAM.input + l);
    X = new Float64Array(N * nIn).map((_, i) => config.feedbackNoiseStd * gaussian(seed, stream, i));
  }
  const add = (term: Float64Array, scale: number) => term.forEach((v, i) => (g[i] += scale * v));
  const Y = mm(X, W, N, nOut, nIn, false, true);
  if (c.amp) add(mm(X, Y, nIn, nOut, N, true), -c.amp / N);
  if (c.sparse) add(mm(X, mm(X, B, N, nOut, nIn), nIn, nOut, N, true), (2 * c.sparse) / N);
  if (c.null) add(mm(mm(Y, B, N, nIn, nOut, false, true), Y, nIn, nOut, N, true), (2 * c.null) / N);
  return g;
}
