// tssl_psp, tssl_forward, tssl_loss and tssl_backward against reference/tssl.ts
// at shapes that are not multiples of the workgroup size, the desired spike
// trains, loss and metric values, a backward worked by hand from the spec's
// formula, and the passes of a small network against the references.
import { afterAll, describe, expect, it } from 'vitest';
import { initialParameters } from '../../src/engine/layers/init';
import { RateNetwork } from '../../src/engine/layers/network';
import { desiredSpikes, type TsslNeuron, tsslLayerBackward, tsslLayerForward, tsslLoss, tsslPsp } from '../../src/engine/kernels/tssl';
import { matmulRef } from '../../src/engine/reference/matmul';
import {
  desiredPspRef, synA, type TsslRefShape, tsslLayerBackwardRef, tsslLayerForwardRef, tsslLossRef, tsslPspRef, tsslSurrogateRef,
} from '../../src/engine/reference/tssl';
import { allocateSpikeBatch } from '../../src/engine/spiking/passes';
import { DEFAULT_SPIKING_CONFIG } from '../../src/engine/spiking/config';
import { DEFAULT_TSSL_PARAMS, type TsslParams, tsslBackward, tsslForward, tsslLossPass, withTsslBuffers } from '../../src/engine/spiking/tssl-passes';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

/** C = op(A) op(B), M x N, in float64. */
function mm(A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number, transA: boolean, transB: boolean): Float64Array {
  return matmulRef({ M, N, K, A, B, transA, transB }).C;
}

const NEURON: TsslNeuron = { tauM: 5, tauS: 3, threshold: 1 };

const SIZES = [
  { rows: 1, neurons: 1 },
  { rows: 3, neurons: 7 },
  { rows: 17, neurons: 65 },
  { rows: 2, neurons: 257 },
];
const STEPS = [1, 5, 12];
const shapes: TsslRefShape[] = SIZES.flatMap((s) => STEPS.map((steps) => ({ ...s, steps })));

interface LayerCase {
  name: string;
  shape: TsslRefShape;
  neuron: TsslNeuron;
  bias: boolean;
  spikeTimesOnly: boolean;
}

const variants: Array<[string, TsslNeuron, boolean, boolean]> = [
  ['spec defaults', NEURON, false, true],
  ['tau_m 8, tau_s 4, bias', { tauM: 8, tauS: 4, threshold: 1 }, true, true],
  ['dt/du at every step (code revision)', NEURON, false, false],
];
const layerCases: LayerCase[] = [];
for (const [name, neuron, bias, spikeTimesOnly] of variants) {
  for (const shape of shapes) {
    layerCases.push({ name: `${name}: ${shape.rows}x${shape.neurons}, T=${shape.steps}`, shape, neuron, bias, spikeTimesOnly });
  }
}

/**
 * As in lif.test.ts: an f32 membrane a rounding error from the threshold may
 * fire where float64 does not, and that cell's later steps then differ.
 * Compares U and the PSP before any such flip, checks that every flip sits on
 * the threshold, and returns how many cells flipped.
 */
function compareTrajectories(
  shape: TsslRefShape,
  threshold: number,
  gpu: { U: Float32Array; S: Float32Array; A: Float32Array },
  ref: { U: Float64Array; S: Float64Array; A: Float64Array },
): number {
  const per = shape.rows * shape.neurons;
  let flipped = 0;
  let scale = 1e-30;
  for (const u of ref.U) scale = Math.max(scale, Math.abs(u));
  for (let cell = 0; cell < per; cell++) {
    for (let t = 0; t < shape.steps; t++) {
      const i = t * per + cell;
      expect(Math.abs(gpu.U[i] - ref.U[i]) / scale).toBeLessThan(1e-5);
      if (gpu.S[i] !== ref.S[i]) {
        expect(Math.abs(ref.U[i] - threshold)).toBeLessThan(1e-4);
        flipped++;
        break;
      }
      // A is at most 1: an absolute bound is a relative one.
      expect(Math.abs(gpu.A[i] - ref.A[i])).toBeLessThan(1e-6);
    }
  }
  return flipped;
}

describe('tssl_psp', () => {
  for (const shape of shapes) {
    for (const input of ['static', 'train'] as const) {
      it(`${input} ${shape.rows}x${shape.neurons}, T=${shape.steps}`, async () => {
        const ctx = await getContext();
        const per = shape.rows * shape.neurons;
        const n = shape.steps * per;
        // Intensities in [0, 1) or 0/1 spikes.
        const X = input === 'static' ? seededArray(per, 3 + per, 0.5).map((v) => v + 0.5) : seededArray(n, 7 + n).map((v) => (v > 0.2 ? 1 : 0));
        const bufs = { X: upload(ctx, X), A: zeros(ctx, n + 3) };
        run(ctx, [await tsslPsp(ctx, { ...shape, X: bufs.X, input, A: bufs.A, tauS: 3 })]);
        const A = await readF32(ctx, bufs.A, n + 3);
        expect(relErr(A.subarray(0, n), tsslPspRef(shape, X, input, 3))).toBeLessThanOrEqual(1e-6);
        expect(Array.from(A.subarray(n))).toEqual([0, 0, 0]);
        free(ctx, Object.values(bufs));
      });
    }
  }

  it('filters a constant 1 into 1 - (2/3)^(t+1) (tau_s 3)', () => {
    const A = tsslPspRef({ rows: 1, neurons: 1, steps: 4 }, [1], 'static', 3);
    expect(Array.from(A).map((a) => +a.toFixed(12))).toEqual([1 / 3, 5 / 9, 19 / 27, 65 / 81].map((a) => +a.toFixed(12)));
  });
});

describe('tssl_forward and tssl_backward', () => {
  for (const c of layerCases) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { rows, neurons, steps } = c.shape;
      const n = rows * neurons * steps;
      // With tau_m 5 a constant current I holds u near 5 I: currents of 0.3 +- 0.5 fire at varied rates.
      const I = seededArray(n, 11 + n, 0.5).map((v) => v + 0.3);
      const bias = seededArray(neurons, 5, 0.1);
      const G = seededArray(n, 17 + n, 1);
      const bufs = {
        I: upload(ctx, I), bias: upload(ctx, bias), G: upload(ctx, G),
        U: zeros(ctx, n + 3), S: zeros(ctx, n + 3), A: zeros(ctx, n + 3), dI: zeros(ctx, n + 3),
      };
      run(ctx, [
        await tsslLayerForward(ctx, { ...c.shape, I: bufs.I, bias: c.bias ? bufs.bias : undefined, U: bufs.U, S: bufs.S, A: bufs.A, neuron: c.neuron }),
      ]);
      const U = await readF32(ctx, bufs.U, n + 3);
      const S = await readF32(ctx, bufs.S, n + 3);
      const A = await readF32(ctx, bufs.A, n + 3);
      const ref = tsslLayerForwardRef(c.shape, I, c.neuron, c.bias ? bias : undefined);
      const flipped = compareTrajectories(c.shape, c.neuron.threshold, { U, S, A }, ref);
      expect(flipped).toBeLessThanOrEqual(Math.ceil(0.01 * rows * neurons));
      for (const x of [U, S, A]) expect(Array.from(x.subarray(n))).toEqual([0, 0, 0]);
      expect(S.subarray(0, n).every((s) => s === 0 || s === 1)).toBe(true);
      const weak = 1 / (4 * c.neuron.tauS);
      if (rows * neurons > 1000 && steps >= 5) {
        // Spikes, quiet steps after spikes (a >= 1/(4 tau_s)) and weak units (the surrogate) all occur.
        const rate = S.subarray(0, n).reduce((a, s) => a + s, 0) / n;
        expect(rate).toBeGreaterThan(0.05);
        expect(rate).toBeLessThan(0.6);
        let quietActive = 0;
        let weakSteps = 0;
        for (let i = 0; i < n; i++) {
          if (S[i] === 0 && A[i] >= weak) quietActive++;
          if (A[i] < weak) weakSteps++;
        }
        expect(quietActive).toBeGreaterThan(0.05 * n);
        expect(weakSteps).toBeGreaterThan(0.05 * n);
      }

      // The backward runs on the GPU's own forward, so both sides see the same spikes.
      run(ctx, [
        await tsslLayerBackward(ctx, { ...c.shape, G: bufs.G, U: bufs.U, S: bufs.S, A: bufs.A, dI: bufs.dI, neuron: c.neuron, spikeTimesOnly: c.spikeTimesOnly }),
      ]);
      const dI = await readF32(ctx, bufs.dI, n + 3);
      const dIRef = tsslLayerBackwardRef(c.shape, G, { U, S, A }, c.neuron, c.spikeTimesOnly);
      expect(relErr(dI.subarray(0, n), dIRef)).toBeLessThanOrEqual(1e-5);
      expect(Array.from(dI.subarray(n))).toEqual([0, 0, 0]);
      free(ctx, Object.values(bufs));
    });
  }
});

describe('the backward equals the spec formula worked by hand', () => {
  // One neuron, T = 5, tau_m 5, tau_s 3, V_th 1. Currents 0.6, 0.7, 0.1, 1.2, 0.3:
  //   u = 0.6, 0.8*0.6 + 0.7 = 1.18 (spike, reset), 0.1, 0.08 + 1.2 = 1.28 (spike, reset), 0.3
  //   a = 0, 1/3, 2/9, 4/27 + 1/3 = 13/27, 26/81      (weak below 1/12: only t = 0)
  const I = [0.6, 0.7, 0.1, 1.2, 0.3];
  const G = [0.5, -1, 2, 0.25, -0.5];
  const shape: TsslRefShape = { rows: 1, neurons: 1, steps: 5 };
  // P[t] = sum_{m >= t} syn_a[m - t] G[m], syn_a[n] = (2/3)^n / 3.
  const P = (t: number) => G.slice(t).reduce((acc, g, j) => acc + ((2 / 3) ** j / 3) * g, 0);
  const sigmoidPrime = (x: number) => Math.exp(x) / (1 + Math.exp(x)) ** 2;

  function byHand(spikeTimesOnly: boolean): number[] {
    const d = [0, 0, 0, 0, 0];
    if (spikeTimesOnly) {
      // t = 4: no spike after it, not a spike: 0.
      // t = 3: spike, du = 1.28 - 0.1 (t = 2 did not fire): inter only, no later spike.
      d[3] = (1 / 1.18) * P(3);
      // t = 2: between spikes, the next spike's delta decayed once.
      d[2] = 0.8 * d[3];
      // t = 1: spike, du = 1.18 - 0.6; theta = d[3] decayed over step 2; intra = theta u (-1/tau_m) dt/du.
      const theta = 0.8 * d[3];
      d[1] = (1 / 0.58) * P(1) + theta * 1.18 * -0.2 * (-1 / 0.58);
    } else {
      // dt/du at every step: t = 4 has du = 0.3, t = 2 has du = 0.1, clamped to -1/0.125.
      d[4] = (1 / 0.3) * P(4);
      d[3] = (1 / 1.18) * P(3);
      d[2] = 8 * P(2) + d[3] * 0.1 * -0.2 * -8 + 0.8 * d[3];
      const theta = 0.8 * d[3];
      d[1] = (1 / 0.58) * P(1) + theta * 1.18 * -0.2 * (-1 / 0.58);
    }
    // t = 0: a = 0 is weak: the surrogate P[0] sigmoid'((1 - 0.6)/0.2) / 0.2.
    d[0] = (P(0) * sigmoidPrime(2)) / 0.2;
    return d;
  }

  for (const spikeTimesOnly of [true, false]) {
    it(`spike times only: ${spikeTimesOnly}`, async () => {
      const fwd = tsslLayerForwardRef(shape, I, NEURON);
      expect(Array.from(fwd.S)).toEqual([0, 1, 0, 1, 0]);
      expect(relErr(fwd.U, [0.6, 1.18, 0.1, 1.28, 0.3])).toBeLessThan(1e-12);
      expect(relErr(fwd.A, [0, 1 / 3, 2 / 9, 13 / 27, 26 / 81])).toBeLessThan(1e-12);
      expect(tsslSurrogateRef(0.6, 1)).toBeCloseTo(sigmoidPrime(2) / 0.2, 12);
      const expected = byHand(spikeTimesOnly);
      expect(relErr(tsslLayerBackwardRef(shape, G, fwd, NEURON, spikeTimesOnly), expected)).toBeLessThan(1e-12);

      const ctx = await getContext();
      const bufs = { I: upload(ctx, Float32Array.from(I)), G: upload(ctx, Float32Array.from(G)), U: zeros(ctx, 5), S: zeros(ctx, 5), A: zeros(ctx, 5), dI: zeros(ctx, 5) };
      const common = { ...shape, U: bufs.U, S: bufs.S, A: bufs.A, neuron: NEURON };
      run(ctx, [
        await tsslLayerForward(ctx, { ...common, I: bufs.I }),
        await tsslLayerBackward(ctx, { ...common, G: bufs.G, dI: bufs.dI, spikeTimesOnly }),
      ]);
      expect(Array.from(await readF32(ctx, bufs.S, 5))).toEqual([0, 1, 0, 1, 0]);
      expect(relErr(await readF32(ctx, bufs.dI, 5), expected)).toBeLessThan(1e-5);
      free(ctx, Object.values(bufs));
    });
  }

  it('uses the PSP kernel syn_a of global_v.py', () => {
    // syn_a[0] = 1, syn_a[t+1] = syn_a[t] - syn_a[t]/tau_s, then all / tau_s.
    let s = 1;
    for (let t = 0; t < 6; t++) {
      expect(synA(3, t)).toBeCloseTo(s / 3, 14);
      s -= s / 3;
    }
  });
});

describe('tssl_loss', () => {
  const LOSS_SHAPES = [
    { rows: 1, classes: 1 },
    { rows: 3, classes: 7 },
    { rows: 17, classes: 65 },
    { rows: 2, classes: 257 },
    { rows: 300, classes: 10 },
  ];
  const SLOT = 2;
  const METRICS0 = Float32Array.from([100, 200, 300, 400, 500, 600, 700]);
  const CLOCK0 = 9;

  for (const { rows, classes } of LOSS_SHAPES) {
    for (const steps of STEPS) {
      for (const training of [true, false]) {
        it(`${rows}x${classes}, T=${steps}, ${training ? 'training' : 'evaluation'}`, async () => {
          const ctx = await getContext();
          const n = steps * rows * classes;
          // PSPs in [0, 0.8); every fourth row has a tie at the top (classes 0 and last alike).
          const A = seededArray(n, 31 + n, 0.4).map((v) => v + 0.4);
          for (let r = 0; r < rows && classes > 1; r += 4) {
            for (let t = 0; t < steps; t++) {
              const base = (t * rows + r) * classes;
              A[base] = 0.9;
              A[base + classes - 1] = 0.9;
            }
          }
          const Y = Uint32Array.from(seededArray(rows, 41 + rows), (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
          for (let r = 0; r < rows; r += 4) Y[r] = r % 8 === 0 ? 0 : classes - 1;
          const sentinel = new Float32Array(n + 3).fill(-7);
          const bufs = { A: upload(ctx, A), Y: upload(ctx, Y), G: upload(ctx, sentinel), metrics: upload(ctx, METRICS0), clock: upload(ctx, Uint32Array.of(CLOCK0)) };
          const scale = training ? 1 / rows : 1;
          run(ctx, [
            await tsslLoss(ctx, {
              A: bufs.A, labels: bufs.Y, grad: training ? bufs.G : undefined, metrics: bufs.metrics, clock: bufs.clock,
              rows, classes, steps, tauS: 3, scale, slot: SLOT, tick: training,
            }),
          ]);
          const ref = tsslLossRef({ A, labels: Y, rows, classes, steps, tauS: 3, scale });
          if (rows >= 8) expect(ref.correct).toBeGreaterThan(0);
          const m = await readF32(ctx, bufs.metrics, METRICS0.length);
          for (const i of [0, 1, 5, 6]) expect(m[i]).toBe(METRICS0[i]);
          expect(relErr([m[SLOT]], [METRICS0[SLOT] + ref.lossSum])).toBeLessThanOrEqual(1e-5);
          expect(m[SLOT + 1]).toBe(METRICS0[SLOT + 1] + ref.correct);
          expect(m[SLOT + 2]).toBe(METRICS0[SLOT + 2] + rows);
          expect((await readU32(ctx, bufs.clock, 1))[0]).toBe(training ? CLOCK0 + 1 : CLOCK0);
          const g = await readF32(ctx, bufs.G, n + 3);
          if (training) expect(relErr(g.subarray(0, n), ref.grad)).toBeLessThanOrEqual(1e-5);
          else expect(Array.from(g.subarray(0, n))).toEqual(Array.from(sentinel.subarray(0, n)));
          expect(Array.from(g.subarray(n))).toEqual([-7, -7, -7]);
          free(ctx, Object.values(bufs));
        });
      }
    }
  }

  it('desired trains: [0,1,1,1,1] at T = 5, 0,1 alternating from T = 10, and the choices between', async () => {
    expect(desiredSpikes(5)).toEqual([0, 1, 1, 1, 1]);
    expect(desiredSpikes(10)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(desiredSpikes(20)).toEqual([...desiredSpikes(10), ...desiredSpikes(10)]);
    expect(desiredSpikes(12)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(desiredSpikes(7)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(desiredSpikes(3)).toEqual([0, 1, 1]);
    expect(desiredSpikes(1)).toEqual([1]);

    // The kernel's trains, read back from the error of silent outputs: G = -e * scale
    // on the label (e the PSP of d), 0 elsewhere; d[t] = tau_s (e[t] - (1 - 1/tau_s) e[t-1]).
    const ctx = await getContext();
    for (const steps of [1, 2, 3, 5, 7, 9, 10, 12, 20]) {
      const classes = 3;
      const A = zeros(ctx, steps * classes);
      const Y = upload(ctx, Uint32Array.of(1));
      const G = zeros(ctx, steps * classes);
      const metrics = zeros(ctx, 3);
      const clock = zeros(ctx, 1);
      run(ctx, [await tsslLoss(ctx, { A, labels: Y, grad: G, metrics, clock, rows: 1, classes, steps, tauS: 3, scale: 0.5, slot: 0, tick: false })]);
      const g = await readF32(ctx, G, steps * classes);
      const e = Array.from({ length: steps }, (_, t) => -g[t * classes + 1] / 0.5);
      const d = e.map((v, t) => Math.round(3 * (v - (t > 0 ? (2 / 3) * e[t - 1] : 0)) * 1e4) / 1e4 + 0);
      expect(d).toEqual(desiredSpikes(steps));
      expect(relErr(e, desiredPspRef(steps, 3))).toBeLessThan(1e-6);
      for (let t = 0; t < steps; t++) {
        expect(g[t * classes]).toBe(0);
        expect(g[t * classes + 2]).toBe(0);
      }
      // Silent outputs: the loss is the target's energy; every sum ties at 0, so class 0 wins and label 1 misses.
      const m = await readF32(ctx, metrics, 3);
      expect(relErr([m[0]], [0.5 * e.reduce((acc, v) => acc + v * v, 0)])).toBeLessThan(1e-6);
      expect([m[1], m[2]]).toEqual([0, 1]);
      free(ctx, [A, Y, G, metrics, clock]);
    }
  });

  it('loss of silent outputs at T = 5 by hand: 1/2 (1/9 + 25/81 + 361/729 + 4225/6561)', () => {
    // e = PSP of [0,1,1,1,1] = 0, 1/3, 5/9, 19/27, 65/81.
    const r = tsslLossRef({ A: new Float64Array(10), labels: [1], rows: 1, classes: 2, steps: 5, tauS: 3, scale: 1 });
    expect(r.lossSum).toBeCloseTo(0.5 * (1 / 9 + 25 / 81 + 361 / 729 + 4225 / 6561), 12);
    expect(r.correct).toBe(0);
  });
});

describe('TSSL-BP passes of a 13-9-5-3 network', () => {
  for (const [input, bias] of [['static', false], ['spikes', true]] as const) {
    it(`input ${input}, bias ${bias}: forward, loss and backward equal the references on the GPU's spikes`, async () => {
      const ctx = await getContext();
      const sizes = [13, 9, 5, 3];
      const rows = 7;
      const steps = 5;
      const params: TsslParams = { ...DEFAULT_TSSL_PARAMS, input, bias };
      const init = initialParameters(sizes, 'relu', 'auto', 'transpose', 2);
      // Larger weights than the rate init, growing with depth as the PSPs thin out, so every layer fires.
      init.forEach((l, j) => l.W.forEach((w, i) => (l.W[i] = 4 * 3 ** j * w)));
      for (const l of init) l.b.forEach((_, i) => (l.b[i] = 0.05 * ((i % 3) - 1)));
      const net = RateNetwork.create(ctx, init, 'relu', 'transpose', false);
      const spikeBatch = allocateSpikeBatch(ctx, net, { ...DEFAULT_SPIKING_CONFIG, steps }, rows, 'tssl.test', true);
      const batch = withTsslBuffers(ctx, net, spikeBatch, params, 'tssl.test');
      const X = seededArray(rows * sizes[0], 5, 0.5).map((v) => v + 0.5);
      const spikes = seededArray(steps * rows * sizes[0], 6).map((v) => (v > 0 ? 1 : 0));
      const labels = Uint32Array.from({ length: rows }, (_, r) => r % 3);
      ctx.device.queue.writeBuffer(batch.X, 0, X);
      ctx.device.queue.writeBuffer(batch.input, 0, spikes);
      ctx.device.queue.writeBuffer(batch.labels, 0, labels);
      const metrics = zeros(ctx, 3);
      const clock = zeros(ctx, 1);
      run(ctx, [
        ...(await tsslForward(ctx, net, batch, params, 'tssl.test')),
        await tsslLossPass(ctx, net, batch, params, { metrics, clock, slot: 0, training: true, label: 'tssl.test.loss' }),
        ...(await tsslBackward(ctx, net, batch, params)),
      ]);

      // Each stage is checked against its reference on the GPU's own inputs, so spikes that
      // flip at the threshold (checked per kernel above) cannot make the stages disagree.
      const R = steps * rows;
      const pspShape = { rows, neurons: 13, steps };
      const inputRef = input === 'static' ? tsslPspRef(pspShape, X, 'static', 3) : tsslPspRef(pspShape, spikes, 'train', 3);
      const inputPsp = await readF32(ctx, batch.inputPsp, R * 13);
      expect(relErr(inputPsp, inputRef)).toBeLessThan(1e-6);
      let below: Float32Array = inputPsp;
      const fired: number[] = [];
      const layers: Array<{ U: Float32Array; S: Float32Array; A: Float32Array; below: Float32Array }> = [];
      for (const layer of net.layers) {
        const l = layer.index;
        const W = init[l - 1].W;
        const I = await readF32(ctx, batch.I[l - 1], R * layer.nOut);
        expect(relErr(I, mm(below, W, R, layer.nOut, layer.nIn, false, true))).toBeLessThan(1e-5);
        const shape = { rows, neurons: layer.nOut, steps };
        const U = await readF32(ctx, batch.U[l - 1], R * layer.nOut);
        const S = await readF32(ctx, batch.S[l - 1], R * layer.nOut);
        const A = await readF32(ctx, batch.A[l - 1], R * layer.nOut);
        const ref = tsslLayerForwardRef(shape, I, params, bias ? init[l - 1].b : undefined);
        compareTrajectories(shape, 1, { U, S, A }, ref);
        fired.push(S.reduce((acc, s) => acc + s, 0) / S.length);
        layers.push({ U, S, A, below });
        below = A;
      }
      // Every layer fires, so the inter- and intra-neuron terms carry gradient down.
      for (const f of fired) expect(f).toBeGreaterThan(0);

      const top = layers.at(-1)!;
      const loss = tsslLossRef({ A: top.A, labels, rows, classes: 3, steps, tauS: 3, scale: 1 / rows });
      const m = await readF32(ctx, metrics, 3);
      expect(relErr([m[0]], [loss.lossSum])).toBeLessThan(1e-5);
      expect([m[1], m[2]]).toEqual([loss.correct, rows]);
      expect((await readU32(ctx, clock, 1))[0]).toBe(1);
      let G = await readF32(ctx, batch.G[net.layers.length - 1], R * 3);
      expect(relErr(G, loss.grad)).toBeLessThan(1e-5);
      for (let l = net.layers.length; l >= 1; l--) {
        const layer = net.layers[l - 1];
        const { U, S, A, below: prev } = layers[l - 1];
        const dI = await readF32(ctx, batch.dI[l - 1], R * layer.nOut);
        expect(dI.some((v) => v !== 0)).toBe(true);
        expect(relErr(dI, tsslLayerBackwardRef({ rows, neurons: layer.nOut, steps }, G, { U, S, A }, params))).toBeLessThan(1e-5);
        const gW = await readF32(ctx, layer.gW, layer.nOut * layer.nIn);
        expect(relErr(gW, mm(dI, prev, layer.nOut, layer.nIn, R, true, false))).toBeLessThan(1e-5);
        const gb = await readF32(ctx, layer.gb, layer.nOut);
        if (bias) {
          const sums = Array.from({ length: layer.nOut }, (_, j) => Array.from({ length: R }, (_, r) => dI[r * layer.nOut + j]).reduce((x, y) => x + y, 0));
          expect(relErr(gb, sums)).toBeLessThan(1e-5);
        } else {
          expect(Array.from(gb).every((v) => v === 0)).toBe(true);
        }
        if (l > 1) {
          G = await readF32(ctx, batch.G[l - 2], R * layer.nIn);
          expect(relErr(G, mm(dI, init[l - 1].W, R, layer.nIn, layer.nOut, false, false))).toBeLessThan(1e-5);
        }
      }
      free(ctx, [metrics, clock]);
    });
  }
});
