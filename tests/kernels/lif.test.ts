// lif_forward.wgsl and lif_backward.wgsl against reference/lif.ts: every neuron
// model and reset at shapes that are not multiples of the workgroup size, a
// hand-worked snnTorch Leaky sequence, refractoriness, and the surrogate BPTT
// gradient of a smooth layer against central finite differences.
import { afterAll, describe, expect, it } from 'vitest';
import { type NeuronParams, type SurrogateSpec, lifBackward, lifForward } from '../../src/engine/kernels/lif';
import { type LifRefShape, lifBackwardRef, lifForwardRef } from '../../src/engine/reference/lif';
import { destroyContext, free, getContext, readF32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

const BASE: NeuronParams = { model: 'lif', beta: 0.9, threshold: 1, reset: 'subtract', refractory: 0, alpha: 0.8, rho: 0.95, gamma: 0.3 };

interface LifCase {
  name: string;
  shape: LifRefShape;
  neuron: NeuronParams;
  surrogate: SurrogateSpec;
  gradWrt: 'spikes' | 'membrane';
}

const shapes: LifRefShape[] = [
  { rows: 1, neurons: 1, steps: 1 },
  { rows: 3, neurons: 7, steps: 5 },
  { rows: 17, neurons: 65, steps: 25 },
  { rows: 2, neurons: 257, steps: 3 },
];

const cases: LifCase[] = [];
const variants: Array<[string, Partial<NeuronParams>, SurrogateSpec, 'spikes' | 'membrane']> = [
  ['lif subtract, fast sigmoid', {}, { kind: 'fast-sigmoid', slope: 25 }, 'spikes'],
  ['lif zero, arctan', { reset: 'zero' }, { kind: 'arctan', slope: 2 }, 'spikes'],
  ['lif refractory 2, membrane gradient', { refractory: 2 }, { kind: 'fast-sigmoid', slope: 10 }, 'membrane'],
  ['synaptic subtract', { model: 'synaptic' }, { kind: 'fast-sigmoid', slope: 25 }, 'spikes'],
  ['synaptic zero, refractory 1', { model: 'synaptic', reset: 'zero', refractory: 1 }, { kind: 'arctan', slope: 2 }, 'spikes'],
  ['adaptive subtract', { model: 'alif' }, { kind: 'fast-sigmoid', slope: 25 }, 'spikes'],
  ['adaptive zero, beta 0.5', { model: 'alif', reset: 'zero', beta: 0.5 }, { kind: 'arctan', slope: 2 }, 'spikes'],
];
for (const [name, over, surrogate, gradWrt] of variants) {
  for (const shape of shapes) {
    cases.push({ name: `${name}: ${shape.rows}x${shape.neurons}, T=${shape.steps}`, shape, neuron: { ...BASE, ...over }, surrogate, gradWrt });
  }
}

/**
 * Spikes are a step function of U, so an f32 membrane a rounding error away
 * from the threshold may fire where float64 does not, and the cell's later
 * trajectory then differs. Compares U before any such flip, checks that every
 * flip sits on the threshold, and returns how many cells flipped.
 */
function compareTrajectories(shape: LifRefShape, gpu: { U: Float32Array; S: Float32Array }, ref: { U: Float64Array; S: Float64Array; A: Float64Array }): number {
  const per = shape.rows * shape.neurons;
  let flipped = 0;
  let scale = 1e-30;
  for (const u of ref.U) scale = Math.max(scale, Math.abs(u));
  for (let cell = 0; cell < per; cell++) {
    for (let t = 0; t < shape.steps; t++) {
      const i = t * per + cell;
      expect(Math.abs(gpu.U[i] - ref.U[i]) / scale).toBeLessThan(1e-5);
      if (gpu.S[i] !== ref.S[i]) {
        expect(Math.abs(ref.U[i] - ref.A[i])).toBeLessThan(1e-4);
        flipped++;
        break;
      }
    }
  }
  return flipped;
}

describe('lif_forward and lif_backward', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { rows, neurons, steps } = c.shape;
      const n = rows * neurons * steps;
      // Currents around the threshold's scale, so that cells fire at varied rates.
      const I = seededArray(n, 11 + n, 0.9).map((v) => v + 0.35);
      const bias = seededArray(neurons, 5, 0.2);
      const G = seededArray(n, 17 + n, 1);
      const bufs = {
        I: upload(ctx, I), bias: upload(ctx, bias), G: upload(ctx, G),
        U: zeros(ctx, n + 3), S: zeros(ctx, n + 3), A: zeros(ctx, n), dI: zeros(ctx, n + 3),
      };
      const adaptive = c.neuron.model === 'alif' ? bufs.A : undefined;
      run(ctx, [await lifForward(ctx, { ...c.shape, I: bufs.I, bias: bufs.bias, U: bufs.U, S: bufs.S, A: adaptive, neuron: c.neuron })]);
      const U = await readF32(ctx, bufs.U, n + 3);
      const S = await readF32(ctx, bufs.S, n + 3);
      const A = c.neuron.model === 'alif' ? await readF32(ctx, bufs.A, n) : new Float32Array(n).fill(c.neuron.threshold);
      const ref = lifForwardRef(c.shape, I, bias, c.neuron);
      const flipped = compareTrajectories(c.shape, { U, S }, ref);
      expect(flipped).toBeLessThanOrEqual(Math.ceil(0.01 * rows * neurons));
      expect(Array.from(S.subarray(n))).toEqual([0, 0, 0]);
      expect(S.subarray(0, n).every((s) => s === 0 || s === 1)).toBe(true);
      if (n > 100) {
        // The inputs put cells on both sides of the threshold, so spikes and their resets are exercised.
        const rate = S.subarray(0, n).reduce((a, s) => a + s, 0) / n;
        expect(rate).toBeGreaterThan(0.05);
        expect(rate).toBeLessThan(0.95);
      }

      // The backward runs on the GPU's own forward, so both sides see the same spikes.
      run(ctx, [
        await lifBackward(ctx, { ...c.shape, G: bufs.G, U: bufs.U, S: bufs.S, A: adaptive, dI: bufs.dI, neuron: c.neuron, surrogate: c.surrogate, gradWrt: c.gradWrt }),
      ]);
      const dI = await readF32(ctx, bufs.dI, n + 3);
      const dIRef = lifBackwardRef(c.shape, G, { U, S, A }, c.neuron, c.surrogate, { gradWrt: c.gradWrt });
      expect(relErr(dI.subarray(0, n), dIRef)).toBeLessThanOrEqual(1e-5);
      expect(Array.from(dI.subarray(n))).toEqual([0, 0, 0]);
      free(ctx, Object.values(bufs));
    });
  }

  it('follows snnTorch Leaky (beta 0.5, threshold 1, subtract): input 1.2 then 0', () => {
    const I = [1.2, 0, 0, 0];
    const { U, S } = lifForwardRef({ rows: 1, neurons: 1, steps: 4 }, I, [0], { ...BASE, beta: 0.5 });
    // U[t] = beta U[t-1] + I[t] - S[t-1] theta; S[t] = U[t] > theta.
    expect(Array.from(S)).toEqual([1, 0, 0, 0]);
    expect(Array.from(U).map((u) => +u.toFixed(6))).toEqual([1.2, -0.4, -0.2, -0.1]);
  });

  it('matches the hand-worked sequences on the GPU too', async () => {
    const ctx = await getContext();
    const I = upload(ctx, Float32Array.of(1.2, 0, 0, 0, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5));
    const bias = upload(ctx, Float32Array.of(0));
    const U = zeros(ctx, 11);
    const S = zeros(ctx, 11);
    run(ctx, [await lifForward(ctx, { rows: 1, neurons: 1, steps: 4, I, bias, U, S, neuron: { ...BASE, beta: 0.5 } })]);
    expect(Array.from(await readF32(ctx, S, 4))).toEqual([1, 0, 0, 0]);
    // Refractory 2 under a constant supra-threshold drive (zero reset): a spike every third step.
    const I2 = upload(ctx, new Float32Array(7).fill(1.5));
    const U2 = zeros(ctx, 7);
    const S2 = zeros(ctx, 7);
    run(ctx, [await lifForward(ctx, { rows: 1, neurons: 1, steps: 7, I: I2, bias, U: U2, S: S2, neuron: { ...BASE, reset: 'zero', refractory: 2 } })]);
    expect(Array.from(await readF32(ctx, S2, 7))).toEqual([1, 0, 0, 1, 0, 0, 1]);
    free(ctx, [I, bias, U, S, I2, U2, S2]);
  });
});

describe('surrogate BPTT of a smooth layer equals finite differences', () => {
  // With sigmoid spikes, the exact sigmoid derivative and the reset kept in the
  // graph, the backward is the true gradient of L = sum c S + sum d U.
  const shape: LifRefShape = { rows: 2, neurons: 3, steps: 6 };
  const n = shape.rows * shape.neurons * shape.steps;
  const slope = 4;
  const I = Array.from(seededArray(n, 3, 0.8), (v) => v + 0.4);
  const bias = Array.from(seededArray(shape.neurons, 4, 0.1));
  const c = Array.from(seededArray(n, 5, 1));

  for (const model of ['lif', 'synaptic', 'alif'] as const) {
    it(`${model}: reference gradient = finite differences; GPU gradient = reference`, async () => {
      const neuron: NeuronParams = { ...BASE, model, beta: 0.8 };
      const loss = (input: number[]) => {
        const { S } = lifForwardRef(shape, input, bias, neuron, slope);
        return S.reduce((acc, s, i) => acc + c[i] * s, 0);
      };
      const fwd = lifForwardRef(shape, I, bias, neuron, slope);
      const surrogate: SurrogateSpec = { kind: 'sigmoid-exact', slope };
      const grad = lifBackwardRef(shape, c, fwd, neuron, surrogate, { detachReset: false });
      const h = 1e-6;
      for (let i = 0; i < n; i++) {
        const plus = I.slice();
        const minus = I.slice();
        plus[i] += h;
        minus[i] -= h;
        const fd = (loss(plus) - loss(minus)) / (2 * h);
        expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }

      const ctx = await getContext();
      const bufs = {
        I: upload(ctx, Float32Array.from(I)), bias: upload(ctx, Float32Array.from(bias)), G: upload(ctx, Float32Array.from(c)),
        U: zeros(ctx, n), S: zeros(ctx, n), A: zeros(ctx, n), dI: zeros(ctx, n),
      };
      const A = model === 'alif' ? bufs.A : undefined;
      run(ctx, [
        await lifForward(ctx, { ...shape, I: bufs.I, bias: bufs.bias, U: bufs.U, S: bufs.S, A, neuron, smoothSlope: slope }),
        await lifBackward(ctx, { ...shape, G: bufs.G, U: bufs.U, S: bufs.S, A, dI: bufs.dI, neuron, surrogate, detachReset: false }),
      ]);
      expect(relErr(await readF32(ctx, bufs.S, n), fwd.S)).toBeLessThan(1e-5);
      expect(relErr(await readF32(ctx, bufs.dI, n), grad)).toBeLessThan(1e-4);
      free(ctx, Object.values(bufs));
    });
  }
});
