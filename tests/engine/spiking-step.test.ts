// One training step of every surrogate-gradient rule on a small spiking
// network (12-7-5-3, T = 4, batch 4) against the float64 references, stage by
// stage: each stage's reference reads the GPU's output of the stage before, so
// a spike that an f32 sum tips over the threshold cannot cascade. Then the
// update itself: W = W0 - lr gW, and Kolen-Pollack's B.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type GpuDataset, uploadDataset } from '../../src/engine/data/gpu-dataset';
import { initialParameters, type LayerInit } from '../../src/engine/layers/init';
import { lifBackwardRef, lifForwardRef } from '../../src/engine/reference/lif';
import { matmulRef } from '../../src/engine/reference/matmul';
import { outputLossRef } from '../../src/engine/reference/output-loss';
import { spikeReadoutGradRef, spikeReadoutRef } from '../../src/engine/reference/spike-readout';
import { findRule } from '../../src/engine/rules/registry';
import { feedbackRuleOf, layerNeuron, resolveSpikingConfig, SURROGATE_RULES, type SpikingConfigInput, type SurrogateRule } from '../../src/engine/spiking/config';
import { readoutScale } from '../../src/engine/spiking/passes';
import { SpikingTrainer } from '../../src/engine/spiking/trainer';
import { destroyContext, getContext, readF32, readU32, relErr } from '../gpu-harness';
import { syntheticDataset } from './synthetic-data';

let data: GpuDataset;
beforeAll(async () => {
  data = uploadDataset(await getContext(), syntheticDataset(12, 3, 8, 4));
});
afterAll(destroyContext);

const LR = 0.05;

async function stepAndCheck(settings: SpikingConfigInput): Promise<void> {
  const ctx = await getContext();
  const config = resolveSpikingConfig({
    hidden: [7, 5], steps: 4, batchSize: 4, encoder: 'current', seed: 3,
    optimizer: { method: 'sgd', lr: LR }, ...settings,
    neuron: { beta: 0.9, threshold: 0.4, ...settings.neuron },
  });
  const rule = findRule(feedbackRuleOf(config.rule));
  const sizes = [12, 7, 5, 3];
  const init: LayerInit[] = initialParameters(sizes, 'relu', 'auto', rule.feedback, config.seed);
  const trainer = await SpikingTrainer.create(ctx, data, config, { metricsEvery: 1000, evalRows: 4, propagation: 'dense' });
  await trainer.train(1);
  await trainer.flush();

  const b = trainer.batch;
  const rows = 4;
  const T = 4;
  const R = rows * T;
  const read = (buf: GPUBuffer, n: number) => readF32(ctx, buf, n);
  const X = await read(b.X, rows * 12);
  const labels = await readU32(ctx, b.labels, rows);

  // Encoding: the current encoder repeats the clamped intensities every step.
  const input = await read(b.input, R * 12);
  expect(relErr(input, Float64Array.from(input, (_, i) => Math.min(1, Math.max(0, X[i % (rows * 12)]))))).toBeLessThan(1e-7);

  const S: Float32Array[] = [];
  const U: Float32Array[] = [];
  const A: Float32Array[] = [];
  let below: ArrayLike<number> = input;
  let spiking = 0;
  for (const [i, layer] of trainer.network.layers.entries()) {
    const l = i + 1;
    const n = R * layer.nOut;
    const I = await read(b.I[i], n);
    expect(relErr(I, matmulRef({ M: R, N: layer.nOut, K: layer.nIn, A: below, B: init[i].W, transB: true }).C)).toBeLessThan(1e-5);
    U.push(await read(b.U[i], n));
    S.push(await read(b.S[i], n));
    const neuron = layerNeuron(config, l);
    A.push(b.A[i] ? await read(b.A[i]!, n) : new Float32Array(n).fill(neuron.threshold));
    const ref = lifForwardRef({ rows, neurons: layer.nOut, steps: T }, I, init[i].b, neuron);
    expect(relErr(U[i], ref.U)).toBeLessThan(1e-5);
    expect(Array.from(S[i])).toEqual(Array.from(ref.S));
    spiking += S[i].reduce((a, s) => a + s, 0);
    below = S[i];
  }
  // The step exercised spikes, not a silent network.
  expect(spiking).toBeGreaterThan(0);

  const top = trainer.network.layers.length;
  const shape = { rows, classes: 3, steps: T, readout: config.readout, scale: readoutScale(config) };
  const readout = spikeReadoutRef(shape, S[top - 1], U[top - 1]);
  const Z = await read(b.Z, rows * 3);
  expect(relErr(Z, readout.Z)).toBeLessThan(1e-6);
  const loss = outputLossRef({ logits: Z, labels, rows, classes: 3, scale: 1 / rows, loss: config.loss });
  const dZ = await read(b.dZ, rows * 3);
  expect(relErr(dZ, loss.grad)).toBeLessThan(1e-5);
  const peak = await readU32(ctx, b.peak, rows * 3);
  const Gtop = await read(b.G[top - 1], R * 3);
  expect(relErr(Gtop, spikeReadoutGradRef(shape, dZ, peak))).toBeLessThan(1e-6);

  const dI: Float32Array[] = [];
  for (let l = top; l >= 1; l--) {
    const layer = trainer.network.layers[l - 1];
    const G = await read(b.G[l - 1], R * layer.nOut);
    const gradWrt = l === top && config.readout === 'membrane' ? 'membrane' : 'spikes';
    const ref = lifBackwardRef({ rows, neurons: layer.nOut, steps: T }, G, { U: U[l - 1], S: S[l - 1], A: A[l - 1] }, layerNeuron(config, l), config.surrogate, { gradWrt });
    dI[l - 1] = await read(b.dI[l - 1], R * layer.nOut);
    expect(relErr(dI[l - 1], ref)).toBeLessThan(1e-5);
    const inputOf = l === 1 ? input : S[l - 2];
    const gW = await read(layer.gW, layer.nOut * layer.nIn);
    const gWRef = matmulRef({ M: layer.nOut, N: layer.nIn, K: R, A: dI[l - 1], B: inputOf, transA: true }).C;
    expect(relErr(gW, gWRef)).toBeLessThan(1e-5);
    const gb = await read(layer.gb, layer.nOut);
    const gbRef = new Float64Array(layer.nOut);
    dI[l - 1].forEach((v, i) => (gbRef[i % layer.nOut] += v));
    expect(relErr(gb, gbRef)).toBeLessThan(1e-5);
    if (l > 1) {
      // The error sent down: through W (bp), own B (fa, kp), sign(W)^T (ss), or the output's error through B (dfa).
      const w0 = init[l - 1];
      let Gbelow: Float64Array;
      if (rule.feedback === 'transpose') Gbelow = matmulRef({ M: R, N: layer.nIn, K: layer.nOut, A: dI[l - 1], B: w0.W }).C;
      else if (rule.feedback === 'sign') {
        const Bsign = Float64Array.from({ length: layer.nIn * layer.nOut }, (_, k) => w0.kappa * Math.sign(w0.W[(k % layer.nOut) * layer.nIn + Math.floor(k / layer.nOut)]));
        Gbelow = matmulRef({ M: R, N: layer.nIn, K: layer.nOut, A: dI[l - 1], B: Bsign, transB: true }).C;
      } else {
        const source = rule.feedback === 'direct' ? await read(b.dI[top - 1], R * 3) : dI[l - 1];
        Gbelow = matmulRef({ M: R, N: layer.nIn, K: layer.feedbackCols, A: source, B: w0.B!, transB: true }).C;
      }
      expect(relErr(await read(b.G[l - 2], R * layer.nIn), Gbelow)).toBeLessThan(1e-5);
    }
    // The update: plain SGD, and for Kolen-Pollack the same step (transposed) on B, both decayed.
    const W = await read(layer.W, layer.nOut * layer.nIn);
    const decay = rule.tied ? (config.tiedDecay ?? rule.tiedDecay ?? 0) : 0;
    const W0 = init[l - 1].W;
    expect(relErr(W, Float64Array.from(W0, (w, k) => (1 - LR * decay) * w - LR * gWRef[k]))).toBeLessThan(1e-5);
    if (rule.tied) {
      const B = await read(layer.B!, layer.nIn * layer.nOut);
      const B0 = init[l - 1].B!;
      const BRef = Float64Array.from(B0, (v, k) => (1 - LR * decay) * v - LR * gWRef[(k % layer.nOut) * layer.nIn + Math.floor(k / layer.nOut)]);
      expect(relErr(B, BRef)).toBeLessThan(1e-5);
    }
  }
  trainer.destroy();
}

describe('one spiking step of every surrogate-gradient rule matches the float64 references', () => {
  for (const rule of Object.keys(SURROGATE_RULES) as SurrogateRule[]) {
    test(rule, () => stepAndCheck({ rule }));
  }
  test('surrogate-bp with adaptive neurons, a refractory step, arctan and a count readout', () =>
    stepAndCheck({ rule: 'surrogate-bp', neuron: { model: 'alif', refractory: 1 }, surrogate: { kind: 'arctan', slope: 2 }, readout: 'count' }));
  test('surrogate-fa with synaptic neurons, reset to zero and MSE on rates', () =>
    stepAndCheck({ rule: 'surrogate-fa', neuron: { model: 'synaptic', reset: 'zero' }, readout: 'count', loss: 'mse' }));
});
