// eprop_readout, eprop_filter, eprop_psi, eprop_factor and eprop_online
// against reference/eprop.ts at shapes that are not multiples of the workgroup
// size; the online (per-synapse) update against the factorised one, for LIF and
// ALIF; a trace worked by hand; the passes of small networks against the
// references; and e-prop against BPTT where the two coincide.
import { afterAll, describe, expect, it } from 'vitest';
import { epropFactor, epropFilter, epropOnline, epropPsi, epropReadout } from '../../src/engine/kernels/eprop';
import { columnSum } from '../../src/engine/kernels/column-sum';
import { type NeuronParams, lifForward } from '../../src/engine/kernels/lif';
import { matmul } from '../../src/engine/kernels/matmul';
import { initialParameters } from '../../src/engine/layers/init';
import { RateNetwork } from '../../src/engine/layers/network';
import { columnSumRef } from '../../src/engine/reference/column-sum';
import {
  type EpropOnlineRefShape, type EpropRefShape, epropFactorRef, epropOnlineRef, epropPsiRef, epropReadoutRef, reverseFilterRef,
} from '../../src/engine/reference/eprop';
import { lifForwardRef } from '../../src/engine/reference/lif';
import { matmulRef } from '../../src/engine/reference/matmul';
import { DEFAULT_SPIKING_CONFIG, type SpikingConfig } from '../../src/engine/spiking/config';
import {
  DEFAULT_EPROP_PARAMS, type EpropParams, epropBackward, epropForward, epropReadoutPass, withEpropBuffers,
} from '../../src/engine/spiking/eprop-passes';
import { allocateSpikeBatch } from '../../src/engine/spiking/passes';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

/** C = op(A) op(B), M x N, in float64. */
function mm(A: ArrayLike<number>, B: ArrayLike<number>, M: number, N: number, K: number, transA: boolean, transB: boolean): Float64Array {
  return matmulRef({ M, N, K, A, B, transA, transB }).C;
}

const LIF: NeuronParams = { model: 'lif', beta: 0.85, threshold: 1, reset: 'subtract', refractory: 0, alpha: 0.8, rho: 0.9, gamma: 0.5 };
const ALIF: NeuronParams = { ...LIF, model: 'alif' };
const KAPPA = 0.9;

const SHAPES: EpropRefShape[] = [
  { rows: 1, neurons: 1, steps: 1 },
  { rows: 3, neurons: 7, steps: 5 },
  { rows: 17, neurons: 65, steps: 12 },
  { rows: 2, neurons: 257, steps: 3 },
];
const name = (s: EpropRefShape) => `${s.rows}x${s.neurons}, T=${s.steps}`;

/** A pseudo-derivative-like array: values in [0, 0.3), a quarter of them 0 (far from threshold or refractory). */
function psiLike(n: number, seed: number): Float32Array<ArrayBuffer> {
  return seededArray(n, seed, 0.15).map((v, i) => (i % 4 === 1 ? 0 : v + 0.15));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Number.isNaN(a[i]) ? Infinity : Math.abs(a[i] - b[i]));
  return d;
}

function spikesLike(n: number, seed: number): Float32Array<ArrayBuffer> {
  return seededArray(n, seed).map((v) => (v > 0.1 ? 1 : 0));
}

describe('eprop_readout', () => {
  const LOSS_SHAPES = [
    { rows: 1, classes: 1 },
    { rows: 3, classes: 7 },
    { rows: 17, classes: 65 },
    { rows: 300, classes: 10 },
  ];
  const SLOT = 2;
  const METRICS0 = Float32Array.from([100, 200, 300, 400, 500, 600, 700]);
  const CLOCK0 = 9;

  for (const { rows, classes } of LOSS_SHAPES) {
    for (const steps of [1, 5, 12]) {
      for (const training of [true, false]) {
        it(`${rows}x${classes}, T=${steps}, ${training ? 'training' : 'evaluation'}`, async () => {
          const ctx = await getContext();
          const per = rows * classes;
          const n = steps * per;
          const I = seededArray(n, 31 + n, 1.5);
          const bias = seededArray(classes, 3, 0.3);
          // Every fourth row ties classes 0 and last at every step (same current and bias): the first wins.
          bias[classes - 1] = bias[0];
          for (let r = 0; r < rows && classes > 1; r += 4) {
            for (let t = 0; t < steps; t++) I[(t * rows + r) * classes + classes - 1] = I[(t * rows + r) * classes];
          }
          const Y = Uint32Array.from(seededArray(rows, 41 + rows), (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
          for (let r = 0; r < rows; r += 4) Y[r] = r % 8 === 0 ? 0 : classes - 1;
          const sentinel = new Float32Array(n + 3).fill(-7);
          const bufs = {
            I: upload(ctx, I), bias: upload(ctx, bias), labels: upload(ctx, Y), Y: zeros(ctx, n + 3), Z: zeros(ctx, per + 3),
            E: upload(ctx, sentinel), metrics: upload(ctx, METRICS0), clock: upload(ctx, Uint32Array.of(CLOCK0)),
          };
          const scale = training ? 1 / rows : 1;
          run(ctx, [
            await epropReadout(ctx, {
              I: bufs.I, bias: bufs.bias, labels: bufs.labels, Y: bufs.Y, Z: bufs.Z, E: training ? bufs.E : undefined,
              metrics: bufs.metrics, clock: bufs.clock, rows, classes, steps, kappa: KAPPA, scale, slot: SLOT, tick: training,
            }),
          ]);
          const ref = epropReadoutRef({ I, bias, labels: Y, rows, classes, steps, kappa: KAPPA, scale });
          if (rows >= 8 && classes <= 10) expect(ref.correct).toBeGreaterThan(0);
          const y = await readF32(ctx, bufs.Y, n + 3);
          expect(relErr(y.subarray(0, n), ref.Y)).toBeLessThanOrEqual(1e-5);
          const z = await readF32(ctx, bufs.Z, per + 3);
          expect(relErr(z.subarray(0, per), ref.Z)).toBeLessThanOrEqual(1e-5);
          for (const x of [y.subarray(n), z.subarray(per)]) expect(Array.from(x)).toEqual([0, 0, 0]);
          const m = await readF32(ctx, bufs.metrics, METRICS0.length);
          for (const i of [0, 1, 5, 6]) expect(m[i]).toBe(METRICS0[i]);
          expect(relErr([m[SLOT] - METRICS0[SLOT]], [ref.lossSum])).toBeLessThanOrEqual(1e-4);
          expect(m[SLOT + 1]).toBe(METRICS0[SLOT + 1] + ref.correct);
          expect(m[SLOT + 2]).toBe(METRICS0[SLOT + 2] + rows);
          expect((await readU32(ctx, bufs.clock, 1))[0]).toBe(training ? CLOCK0 + 1 : CLOCK0);
          const E = await readF32(ctx, bufs.E, n + 3);
          if (training) expect(relErr(E.subarray(0, n), ref.E)).toBeLessThanOrEqual(1e-5);
          else expect(Array.from(E.subarray(0, n))).toEqual(Array.from(sentinel.subarray(0, n)));
          expect(Array.from(E.subarray(n))).toEqual([-7, -7, -7]);
          free(ctx, Object.values(bufs));
        });
      }
    }
  }

  it('worked by hand: y = 1, 1.5 and 0, 2 (kappa 0.5), loss per step, prediction from sum_t y', () => {
    // Two classes, T = 2, label 1: y[0] = (1, 0), y[1] = (0.5 + 1, 0 + 2) = (1.5, 2); Z = (2.5, 2).
    const ref = epropReadoutRef({ I: [1, 0, 1, 2], bias: [0, 0], labels: [1], rows: 1, classes: 2, steps: 2, kappa: 0.5, scale: 1 });
    expect(Array.from(ref.Y)).toEqual([1, 0, 1.5, 2]);
    expect(Array.from(ref.Z)).toEqual([2.5, 2]);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(ref.lossSum).toBeCloseTo((Math.log(1 + Math.exp(1)) + Math.log(1 + Math.exp(-0.5))) / 2, 12);
    expect(relErr(ref.E, [sig(1), -sig(1), sig(-0.5), -sig(-0.5)])).toBeLessThan(1e-12);
    // Class 0 has the larger sum although class 1 wins the last step.
    expect(ref.correct).toBe(0);
  });
});

describe('eprop_filter', () => {
  for (const shape of SHAPES) {
    for (const decay of [KAPPA, 0]) {
      it(`${name(shape)}, decay ${decay}`, async () => {
        const ctx = await getContext();
        const n = shape.steps * shape.rows * shape.neurons;
        const X = seededArray(n, 7 + n);
        const bufs = { X: upload(ctx, X), out: zeros(ctx, n + 3) };
        run(ctx, [await epropFilter(ctx, { X: bufs.X, out: bufs.out, rows: shape.rows, cols: shape.neurons, steps: shape.steps, decay })]);
        const out = await readF32(ctx, bufs.out, n + 3);
        expect(relErr(out.subarray(0, n), reverseFilterRef(shape, X, decay))).toBeLessThanOrEqual(1e-6);
        if (decay === 0) expect(relErr(out.subarray(0, n), X)).toBe(0);
        expect(Array.from(out.subarray(n))).toEqual([0, 0, 0]);
        free(ctx, Object.values(bufs));
      });
    }
  }
});

describe('eprop_psi on a LIF forward', () => {
  const variants: Array<[string, NeuronParams]> = [
    ['lif', LIF],
    ['lif, refractory 2', { ...LIF, refractory: 2 }],
    ['alif', ALIF],
    ['alif, refractory 1, threshold 0.6', { ...ALIF, refractory: 1, threshold: 0.6 }],
  ];
  for (const [label, neuron] of variants) {
    for (const shape of SHAPES) {
      it(`${label}: ${name(shape)}`, async () => {
        const ctx = await getContext();
        const n = shape.steps * shape.rows * shape.neurons;
        const I = seededArray(n, 11 + n, 0.9).map((v) => v + 0.35 * neuron.threshold);
        const bias = seededArray(shape.neurons, 5, 0.1);
        const bufs = { I: upload(ctx, I), bias: upload(ctx, bias), U: zeros(ctx, n), S: zeros(ctx, n), A: zeros(ctx, n), psi: zeros(ctx, n + 3) };
        const A = neuron.model === 'alif' ? bufs.A : undefined;
        run(ctx, [
          await lifForward(ctx, { ...shape, I: bufs.I, bias: bufs.bias, U: bufs.U, S: bufs.S, A, neuron }),
          await epropPsi(ctx, { ...shape, U: bufs.U, S: bufs.S, A, psi: bufs.psi, neuron, dampening: 0.3 }),
        ]);
        // The reference reads the GPU's own forward, so both see the same spikes.
        const fwd = { U: await readF32(ctx, bufs.U, n), S: await readF32(ctx, bufs.S, n), A: await readF32(ctx, bufs.A, n) };
        const psi = await readF32(ctx, bufs.psi, n + 3);
        const ref = epropPsiRef(shape, fwd, neuron, 0.3);
        // An absolute bound: 1 - |U - A| / v_th cancels near the triangle's edges, and psi is at most gamma_pd / v_th.
        expect(maxAbsDiff(psi.subarray(0, n), ref)).toBeLessThanOrEqual(1e-6);
        expect(Array.from(psi.subarray(n))).toEqual([0, 0, 0]);
        expect(psi.every((v) => v >= 0 && v <= 0.3 / neuron.threshold + 1e-7)).toBe(true);
        if (n > 1000) {
          // Cells inside and outside the triangle, and (with refractoriness) blocked cells near threshold.
          const inside = ref.filter((v) => v > 0).length / n;
          expect(inside).toBeGreaterThan(0.1);
          expect(inside).toBeLessThan(0.95);
          if (neuron.refractory > 0) {
            const plain = epropPsiRef(shape, fwd, { ...neuron, refractory: 0 }, 0.3);
            expect(plain.some((v, i) => v > 0 && ref[i] === 0)).toBe(true);
          }
        }
        free(ctx, Object.values(bufs));
      });
    }
  }

  it('is the triangle (gamma_pd / v_th) max(0, 1 - |U - A| / v_th)', () => {
    const shape = { rows: 1, neurons: 1, steps: 5 };
    const U = [1, 1.5, 0.5, 2.5, 0.2];
    const S = [0, 1, 0, 1, 0];
    // v_th = 2 (the base threshold), A = 1.5 (adaptive) at every step.
    const psi = epropPsiRef(shape, { U, S, A: [1.5, 1.5, 1.5, 1.5, 1.5] }, { ...ALIF, threshold: 2 }, 0.3);
    expect(relErr(psi, [0.15 * 0.75, 0.15, 0.15 * 0.5, 0.15 * 0.5, 0.15 * 0.35])).toBeLessThan(1e-12);
    // Refractory 1: the step after each spike is 0.
    const blocked = epropPsiRef(shape, { U, S, A: [1.5, 1.5, 1.5, 1.5, 1.5] }, { ...ALIF, threshold: 2, refractory: 1 }, 0.3);
    expect(relErr(blocked, [0.15 * 0.75, 0.15, 0, 0.15 * 0.5, 0])).toBeLessThan(1e-12);
  });
});

describe('eprop_factor', () => {
  for (const neuron of [LIF, ALIF]) {
    for (const shape of SHAPES) {
      it(`${neuron.model}: ${name(shape)}`, async () => {
        const ctx = await getContext();
        const n = shape.steps * shape.rows * shape.neurons;
        const Lbar = seededArray(n, 13 + n);
        const psi = psiLike(n, 19 + n);
        const bufs = { Lbar: upload(ctx, Lbar), psi: upload(ctx, psi), D: zeros(ctx, n + 3) };
        run(ctx, [await epropFactor(ctx, { ...shape, Lbar: bufs.Lbar, psi: bufs.psi, D: bufs.D, neuron })]);
        const D = await readF32(ctx, bufs.D, n + 3);
        expect(relErr(D.subarray(0, n), epropFactorRef(shape, Lbar, psi, neuron))).toBeLessThanOrEqual(1e-5);
        expect(Array.from(D.subarray(n))).toEqual([0, 0, 0]);
        free(ctx, Object.values(bufs));
      });
    }
  }
});

const ONLINE_SHAPES: EpropOnlineRefShape[] = [
  { rows: 1, nIn: 1, nOut: 1, steps: 1 },
  { rows: 3, nIn: 7, nOut: 5, steps: 4 },
  { rows: 4, nIn: 70, nOut: 9, steps: 6 },
  { rows: 2, nIn: 13, nOut: 67, steps: 7 },
];
const onlineName = (s: EpropOnlineRefShape) => `${s.rows} rows, ${s.nIn} -> ${s.nOut}, T=${s.steps}`;

function onlineInputs(s: EpropOnlineRefShape) {
  const nx = s.steps * s.rows * s.nIn;
  const ny = s.steps * s.rows * s.nOut;
  return { X: spikesLike(nx, 3 + nx), psi: psiLike(ny, 5 + ny), L: seededArray(ny, 7 + ny) };
}

describe('eprop_online: the per-synapse recursion', () => {
  for (const neuron of [LIF, ALIF]) {
    for (const s of ONLINE_SHAPES) {
      it(`${neuron.model}: ${onlineName(s)}`, async () => {
        const ctx = await getContext();
        const { X, psi, L } = onlineInputs(s);
        const bufs = { X: upload(ctx, X), psi: upload(ctx, psi), L: upload(ctx, L), dW: zeros(ctx, s.nOut * s.nIn + 3), db: zeros(ctx, s.nOut + 3) };
        run(ctx, [await epropOnline(ctx, { ...s, X: bufs.X, psi: bufs.psi, L: bufs.L, dW: bufs.dW, db: bufs.db, neuron, kappa: KAPPA })]);
        const ref = epropOnlineRef(s, X, psi, L, neuron, KAPPA);
        const dW = await readF32(ctx, bufs.dW, s.nOut * s.nIn + 3);
        const db = await readF32(ctx, bufs.db, s.nOut + 3);
        expect(relErr(dW.subarray(0, s.nOut * s.nIn), ref.dW)).toBeLessThanOrEqual(1e-5);
        expect(relErr(db.subarray(0, s.nOut), ref.db)).toBeLessThanOrEqual(1e-5);
        expect(Array.from(dW.subarray(s.nOut * s.nIn))).toEqual([0, 0, 0]);
        expect(Array.from(db.subarray(s.nOut))).toEqual([0, 0, 0]);
        free(ctx, Object.values(bufs));
      });
    }
  }

  it('ALIF worked by hand: one synapse, T = 3', async () => {
    // beta 0.5, kappa 0.8, rho 0.9, gamma 2; x = 1, 0, 1; psi = 0.2, 0.1, 0.3; L = 1, -2, 0.5.
    //   zbar = 1, 0.5, 1.25;  eps_a = 0, 0.2, 0.1*0.5 + (0.9 - 0.2)*0.2 = 0.19
    //   e = 0.2, 0.1*(0.5 - 0.4) = 0.01, 0.3*(1.25 - 0.38) = 0.261;  ebar = 0.2, 0.17, 0.397
    //   dW = 0.2 - 0.34 + 0.1985 = 0.0585
    // The bias (x = 1, 1, 1): zbar = 1, 1.5, 1.75; eps_a = 0, 0.2, 0.29; e = 0.2, 0.11, 0.351;
    //   ebar = 0.2, 0.27, 0.567; db = 0.2 - 0.54 + 0.2835 = -0.0565
    const neuron: NeuronParams = { ...ALIF, beta: 0.5, rho: 0.9, gamma: 2 };
    const s = { rows: 1, nIn: 1, nOut: 1, steps: 3 };
    const X = [1, 0, 1];
    const psi = [0.2, 0.1, 0.3];
    const L = [1, -2, 0.5];
    const ref = epropOnlineRef(s, X, psi, L, neuron, 0.8);
    expect(ref.dW[0]).toBeCloseTo(0.0585, 12);
    expect(ref.db[0]).toBeCloseTo(-0.0565, 12);
    // The factorised form: D from the kappa-filtered signal, then dW = sum D x, db = sum D.
    const D = epropFactorRef({ rows: 1, neurons: 1, steps: 3 }, reverseFilterRef({ rows: 1, neurons: 1, steps: 3 }, L, 0.8), psi, neuron);
    expect(D[0] + D[2]).toBeCloseTo(0.0585, 12);
    expect(D[0] + D[1] + D[2]).toBeCloseTo(-0.0565, 12);

    const ctx = await getContext();
    const bufs = { X: upload(ctx, Float32Array.from(X)), psi: upload(ctx, Float32Array.from(psi)), L: upload(ctx, Float32Array.from(L)), dW: zeros(ctx, 1), db: zeros(ctx, 1) };
    run(ctx, [await epropOnline(ctx, { ...s, X: bufs.X, psi: bufs.psi, L: bufs.L, dW: bufs.dW, db: bufs.db, neuron, kappa: 0.8 })]);
    expect((await readF32(ctx, bufs.dW, 1))[0]).toBeCloseTo(0.0585, 6);
    expect((await readF32(ctx, bufs.db, 1))[0]).toBeCloseTo(-0.0565, 6);
    free(ctx, Object.values(bufs));
  });
});

describe('the online update equals the factorised one', () => {
  // dW = sum_t L[t] ebar[t] with ebar the kappa filter of e = psi (zbar - gamma eps_a):
  // e is linear in zbar_i with coefficients of neuron j alone, so the sum reorders into
  // sum_t D_j[t] x_i[t] (eprop_factor.wgsl). Exact for LIF, and for ALIF too.
  for (const neuron of [LIF, ALIF, { ...ALIF, gamma: 3, rho: 0.7, beta: 0.6 }]) {
    for (const s of ONLINE_SHAPES.slice(1)) {
      it(`${neuron.model} (gamma ${neuron.gamma}): ${onlineName(s)}`, async () => {
        const { X, psi, L } = onlineInputs(s);
        const shape = { rows: s.rows, neurons: s.nOut, steps: s.steps };
        const R = s.steps * s.rows;
        // In float64 the two are the same sum reordered.
        const online = epropOnlineRef(s, X, psi, L, neuron, KAPPA);
        const D = epropFactorRef(shape, reverseFilterRef(shape, L, KAPPA), psi, neuron);
        expect(relErr(mm(D, X, s.nOut, s.nIn, R, true, false), online.dW)).toBeLessThan(1e-12);
        expect(relErr(columnSumRef(D, R, s.nOut), online.db)).toBeLessThan(1e-12);

        // On the GPU: eprop_online against filter, factor, matmul and column sum.
        const ctx = await getContext();
        const n = R * s.nOut;
        const bufs = {
          X: upload(ctx, X), psi: upload(ctx, psi), L: upload(ctx, L), Lbar: zeros(ctx, n), D: zeros(ctx, n),
          dW: zeros(ctx, s.nOut * s.nIn), db: zeros(ctx, s.nOut), gW: zeros(ctx, s.nOut * s.nIn), gb: zeros(ctx, s.nOut),
        };
        run(ctx, [
          await epropOnline(ctx, { ...s, X: bufs.X, psi: bufs.psi, L: bufs.L, dW: bufs.dW, db: bufs.db, neuron, kappa: KAPPA }),
          await epropFilter(ctx, { X: bufs.L, out: bufs.Lbar, rows: s.rows, cols: s.nOut, steps: s.steps, decay: KAPPA }),
          await epropFactor(ctx, { ...shape, Lbar: bufs.Lbar, psi: bufs.psi, D: bufs.D, neuron }),
          await matmul(ctx, { M: s.nOut, N: s.nIn, K: R, A: bufs.D, B: bufs.X, C: bufs.gW, transA: true }),
          await columnSum(ctx, { X: bufs.D, out: bufs.gb, rows: R, cols: s.nOut }),
        ]);
        const dW = await readF32(ctx, bufs.dW, s.nOut * s.nIn);
        const gW = await readF32(ctx, bufs.gW, s.nOut * s.nIn);
        expect(relErr(gW, dW)).toBeLessThan(1e-5);
        expect(relErr(await readF32(ctx, bufs.gb, s.nOut), await readF32(ctx, bufs.db, s.nOut))).toBeLessThan(1e-5);
        expect(relErr(gW, online.dW)).toBeLessThan(1e-5);
        free(ctx, Object.values(bufs));
      });
    }
  }
});

/**
 * As in lif.test.ts: an f32 membrane a rounding error from the threshold may
 * fire where float64 does not, and that cell's later steps then differ.
 * Compares U before any such flip and checks that every flip sits on the threshold.
 */
function compareTrajectories(shape: EpropRefShape, gpu: { U: Float32Array; S: Float32Array }, ref: { U: Float64Array; S: Float64Array; A: Float64Array }): void {
  const per = shape.rows * shape.neurons;
  let scale = 1e-30;
  for (const u of ref.U) scale = Math.max(scale, Math.abs(u));
  for (let cell = 0; cell < per; cell++) {
    for (let t = 0; t < shape.steps; t++) {
      const i = t * per + cell;
      expect(Math.abs(gpu.U[i] - ref.U[i]) / scale).toBeLessThan(1e-5);
      if (gpu.S[i] !== ref.S[i]) {
        expect(Math.abs(ref.U[i] - ref.A[i])).toBeLessThan(1e-4);
        break;
      }
    }
  }
}

interface NetCase {
  name: string;
  sizes: number[];
  steps: number;
  rows: number;
  neuron: NeuronParams;
  layerNeurons: Array<Partial<NeuronParams>>;
  params: EpropParams;
}

/** A small network with seeded weights and biases, its batch with random input spikes, run forward, readout and backward. */
async function runNetwork(c: NetCase) {
  const ctx = await getContext();
  const config: SpikingConfig = { ...DEFAULT_SPIKING_CONFIG, hidden: c.sizes.slice(1, -1), steps: c.steps, neuron: c.neuron, layerNeurons: c.layerNeurons };
  const init = initialParameters(c.sizes, 'relu', 'auto', 'direct', 3);
  init.forEach((l, j) => l.b.forEach((_, i) => (l.b[i] = 0.1 * (((i + j) % 3) - 1))));
  const net = RateNetwork.create(ctx, init, 'relu', 'direct', c.params.feedback === 'adaptive');
  const batch = withEpropBuffers(ctx, net, allocateSpikeBatch(ctx, net, config, c.rows, 'eprop.test', true), 'eprop.test');
  const input = spikesLike(c.steps * c.rows * c.sizes[0], 17);
  const labels = Uint32Array.from({ length: c.rows }, (_, r) => r % net.classes);
  ctx.device.queue.writeBuffer(batch.input, 0, input);
  ctx.device.queue.writeBuffer(batch.labels, 0, labels);
  const metrics = zeros(ctx, 3);
  const clock = zeros(ctx, 1);
  run(ctx, [
    ...(await epropForward(ctx, net, batch, config, 'eprop.test')),
    await epropReadoutPass(ctx, net, batch, c.params, { metrics, clock, slot: 0, training: true, label: 'eprop.test.readout' }),
    ...(await epropBackward(ctx, net, batch, config, c.params)),
  ]);
  const R = c.steps * c.rows;
  const read = (b: GPUBuffer, n: number) => readF32(ctx, b, n);
  const layers = [];
  for (const layer of net.layers) {
    const n = R * layer.nOut;
    layers.push({
      I: await read(batch.I[layer.index - 1], n), U: await read(batch.U[layer.index - 1], n), S: await read(batch.S[layer.index - 1], n),
      A: batch.A[layer.index - 1] ? await read(batch.A[layer.index - 1]!, n) : null,
      G: await read(batch.G[layer.index - 1], n), dI: await read(batch.dI[layer.index - 1], n),
      psi: layer.index < net.layers.length ? await read(batch.psi[layer.index - 1], n) : null,
      gW: await read(layer.gW, layer.nOut * layer.nIn), gb: await read(layer.gb, layer.nOut),
      gB: layer.gB ? await read(layer.gB, layer.nIn * net.classes) : null,
    });
  }
  const out = { ctx, config, init, net, input, labels, R, layers, metrics: await read(metrics, 3), clock: (await readU32(ctx, clock, 1))[0] };
  free(ctx, [metrics, clock]);
  return out;
}

describe('e-prop passes of small networks', () => {
  const cases: NetCase[] = [
    { name: '13-11-4 LIF, symmetric, factorised', sizes: [13, 11, 4], steps: 6, rows: 5, neuron: LIF, layerNeurons: [], params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA } },
    {
      name: '13-11-9-4 ALIF, random, online', sizes: [13, 11, 9, 4], steps: 5, rows: 3, neuron: ALIF, layerNeurons: [],
      params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA, feedback: 'random', update: 'online' },
    },
    {
      name: '13-11-9-4 LIF then ALIF with refractory 1, adaptive, factorised', sizes: [13, 11, 9, 4], steps: 7, rows: 4, neuron: LIF,
      layerNeurons: [{}, { model: 'alif', refractory: 1 }], params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA, feedback: 'adaptive' },
    },
    {
      name: '13-11-9-4 ALIF, symmetric, online', sizes: [13, 11, 9, 4], steps: 4, rows: 6, neuron: ALIF, layerNeurons: [],
      params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA, update: 'online' },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: every stage equals its reference on the GPU's own inputs`, async () => {
      const { ctx, config, init, net, input, labels, R, layers, metrics, clock } = await runNetwork(c);
      const top = net.layers.length;
      const { rows, steps, params } = { ...c };
      // Forward: currents, LIF trajectories, then the leaky readout and its loss.
      let below: Float32Array = input;
      for (const layer of net.layers) {
        const l = layer.index;
        const g = layers[l - 1];
        expect(relErr(g.I, mm(below, init[l - 1].W, R, layer.nOut, layer.nIn, false, true))).toBeLessThan(1e-5);
        if (l < top) {
          const shape = { rows, neurons: layer.nOut, steps };
          const neuron = { ...config.neuron, ...(config.layerNeurons[l - 1] ?? {}) };
          compareTrajectories(shape, g, lifForwardRef(shape, g.I, init[l - 1].b, neuron));
          const rate = g.S.reduce((a, s) => a + s, 0) / g.S.length;
          expect(rate).toBeGreaterThan(0.02);
          expect(rate).toBeLessThan(0.9);
        }
        below = g.S;
      }
      const out = layers[top - 1];
      const ref = epropReadoutRef({ I: out.I, bias: init[top - 1].b, labels, rows, classes: net.classes, steps, kappa: params.kappa, scale: 1 / (rows * steps) });
      expect(relErr(out.U, ref.Y)).toBeLessThan(1e-5);
      expect(relErr(out.G, ref.E)).toBeLessThan(1e-5);
      expect(relErr([metrics[0]], [ref.lossSum])).toBeLessThan(1e-5);
      expect([metrics[1], metrics[2], clock]).toEqual([ref.correct, rows, 1]);

      // Backward: Ebar, the readout's gradients, then per hidden layer signal, psi and update.
      const C = net.classes;
      const Ebar = out.dI;
      expect(relErr(Ebar, reverseFilterRef({ rows, neurons: C, steps }, out.G, params.kappa))).toBeLessThan(1e-5);
      const zTop = layers[top - 2].S;
      expect(relErr(out.gW, mm(Ebar, zTop, C, net.layers[top - 1].nIn, R, true, false))).toBeLessThan(1e-5);
      expect(relErr(out.gb, columnSumRef(Ebar, R, C))).toBeLessThan(1e-5);
      for (let l = top - 1; l >= 1; l--) {
        const layer = net.layers[l - 1];
        const g = layers[l - 1];
        const shape = { rows, neurons: layer.nOut, steps };
        const neuron = { ...config.neuron, ...(config.layerNeurons[l - 1] ?? {}) };
        const source = params.update === 'online' ? out.G : Ebar;
        const symmetric = params.feedback === 'symmetric' && l === top - 1;
        const signal = symmetric ? mm(source, init[top - 1].W, R, layer.nOut, C, false, false) : mm(source, init[l].B!, R, layer.nOut, C, false, true);
        expect(relErr(g.G, signal)).toBeLessThan(1e-5);
        expect(maxAbsDiff(g.psi!, epropPsiRef(shape, { U: g.U, S: g.S, A: g.A ?? undefined }, neuron, params.dampening))).toBeLessThan(1e-6);
        const x = l === 1 ? input : layers[l - 2].S;
        if (params.update === 'online') {
          const r = epropOnlineRef({ rows, nIn: layer.nIn, nOut: layer.nOut, steps }, x, g.psi!, g.G, neuron, params.kappa);
          expect(relErr(g.gW, r.dW)).toBeLessThan(1e-5);
          expect(relErr(g.gb, r.db)).toBeLessThan(1e-5);
        } else {
          expect(relErr(g.dI, epropFactorRef(shape, g.G, g.psi!, neuron))).toBeLessThan(1e-5);
          expect(relErr(g.gW, mm(g.dI, x, layer.nOut, layer.nIn, R, true, false))).toBeLessThan(1e-5);
          expect(relErr(g.gb, columnSumRef(g.dI, R, layer.nOut))).toBeLessThan(1e-5);
        }
        expect(g.gW.some((v) => v !== 0)).toBe(true);
        if (params.feedback === 'adaptive') {
          const gB = layers[l].gB!;
          expect(relErr(gB, mm(g.S, Ebar, layer.nOut, C, R, true, false))).toBeLessThan(1e-5);
          // The top layer's B gets exactly the transpose of W_out's update (Kolen-Pollack).
          if (l === top - 1) {
            const transposed = Array.from(gB, (_, i) => out.gW[(i % C) * layer.nOut + Math.floor(i / C)]);
            expect(relErr(gB, transposed)).toBeLessThan(1e-6);
          }
        }
      }
      ctx.throwIfFailed();
    });
  }

  it('refuses synaptic neurons, the zero reset, and feedback without a direct B', async () => {
    const ctx = await getContext();
    const init = initialParameters([5, 4, 3], 'relu', 'auto', 'transpose', 1);
    const net = RateNetwork.create(ctx, init, 'relu', 'transpose', false);
    const config = { ...DEFAULT_SPIKING_CONFIG, hidden: [4], steps: 2 };
    const batch = withEpropBuffers(ctx, net, allocateSpikeBatch(ctx, net, config, 2, 'eprop.refuse', true), 'eprop.refuse');
    await expect(epropBackward(ctx, net, batch, { ...config, neuron: { ...config.neuron, model: 'synaptic' } }, DEFAULT_EPROP_PARAMS)).rejects.toThrow(/synaptic/);
    await expect(epropBackward(ctx, net, batch, { ...config, neuron: { ...config.neuron, reset: 'zero' } }, DEFAULT_EPROP_PARAMS)).rejects.toThrow(/subtractive/);
    await expect(epropBackward(ctx, net, batch, config, { ...DEFAULT_EPROP_PARAMS, feedback: 'random' })).rejects.toThrow(/direct/);
    // Symmetric feedback with one hidden layer reads W_out and needs no B.
    expect((await epropBackward(ctx, net, batch, config, DEFAULT_EPROP_PARAMS)).length).toBeGreaterThan(0);
  });
});

/**
 * BPTT of the same network in float64, written as the plain reverse-mode loop:
 * through the leaky readout (gy[t] = E[t] + kappa gy[t+1]) and the hidden
 * layer's membrane and adaptation, with e-prop's pseudo-derivative as the
 * surrogate (dS/dU = psi, dS/dA = -psi) and the reset detached.
 */
function bpttRef(
  shape: EpropRefShape,
  fwd: { S: ArrayLike<number>; psi: ArrayLike<number> },
  E: ArrayLike<number>,
  Wout: ArrayLike<number>,
  x: ArrayLike<number>,
  nIn: number,
  classes: number,
  n: NeuronParams,
  kappa: number,
) {
  const { rows, neurons: H, steps: T } = shape;
  const R = T * rows;
  const gy = reverseFilterRef({ rows, neurons: classes, steps: T }, E, kappa);
  // dloss/dz through the readout alone, at every step.
  const gz = mm(gy, Wout, R, H, classes, false, false);
  const dI = new Float64Array(R * H);
  for (let cell = 0; cell < rows * H; cell++) {
    let guNext = 0;
    let gaNext = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * rows * H + cell;
      // z[t] reaches the readout and, through a[t+1] = rho a[t] + z[t], the next threshold.
      const gs = gz[i] + (n.model === 'alif' ? gaNext : 0);
      const gu = fwd.psi[i] * gs + n.beta * guNext;
      if (n.model === 'alif') gaNext = n.rho * gaNext - n.gamma * fwd.psi[i] * gs;
      dI[i] = gu;
      guNext = gu;
    }
  }
  return {
    gW: mm(dI, x, H, nIn, R, true, false), gb: columnSumRef(dI, R, H),
    gWout: mm(gy, fwd.S, classes, H, R, true, false), gbOut: columnSumRef(gy, R, classes),
  };
}

describe('e-prop equals BPTT where the approximations coincide', () => {
  // e-prop drops the terms of the gradient that pass through other neurons'
  // states. With one hidden layer, no recurrent weights and B = W_out^T there are
  // none: z_j reaches the loss only through the readout (L_j filtered by kappa is
  // dloss/dz_j) and through its own state, which the eligibility trace follows.
  // It is then exact BPTT when BPTT (a) uses psi as its surrogate, (b) detaches the
  // reset, as e-prop's traces do, and (c) has no refractory period, during which
  // the forward blocks the input that e-prop's trace keeps integrating.
  it('T = 1, LIF, by hand: gW_1 = sum_rows psi (E W_out) x^T', async () => {
    // One step: U = x W^T + b, z = H(U - theta), y = z W_out^T + b_out. BPTT's only path is
    // x -> U -> z -> y, e-prop's L = E W_out is dloss/dz, and e = psi x: the two are one product.
    const c: NetCase = { name: 't1', sizes: [13, 11, 4], steps: 1, rows: 9, neuron: LIF, layerNeurons: [], params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA } };
    const { init, input, layers } = await runNetwork(c);
    const [h, out] = layers;
    const psi = Array.from(h.U, (u) => 0.3 * Math.max(0, 1 - Math.abs(u - 1)));
    expect(psi.filter((v) => v > 0).length).toBeGreaterThan(20);
    const gW = new Float64Array(11 * 13);
    for (let r = 0; r < 9; r++) {
      for (let j = 0; j < 11; j++) {
        let signal = 0;
        for (let k = 0; k < 4; k++) signal += out.G[r * 4 + k] * init[1].W[k * 11 + j];
        for (let i = 0; i < 13; i++) gW[j * 13 + i] += psi[r * 11 + j] * signal * input[r * 13 + i];
      }
    }
    expect(relErr(h.gW, gW)).toBeLessThan(1e-5);
    expect(relErr(out.gW, mm(out.G, h.S, 4, 11, 9, true, false))).toBeLessThan(1e-5);
  });

  for (const [model, update] of [['lif', 'factorised'], ['alif', 'factorised'], ['alif', 'online'], ['lif', 'online']] as const) {
    it(`T = 8, ${model}, ${update}: every gradient equals float64 BPTT`, async () => {
      const neuron = model === 'lif' ? LIF : ALIF;
      const c: NetCase = {
        name: 'bptt', sizes: [13, 11, 4], steps: 8, rows: 5, neuron, layerNeurons: [], params: { ...DEFAULT_EPROP_PARAMS, kappa: KAPPA, update },
      };
      const { init, input, layers } = await runNetwork(c);
      const [h, out] = layers;
      const shape = { rows: 5, neurons: 11, steps: 8 };
      const psi = epropPsiRef(shape, { U: h.U, S: h.S, A: h.A ?? undefined }, neuron, 0.3);
      const bptt = bpttRef(shape, { S: h.S, psi }, out.G, init[1].W, input, 13, 4, neuron, KAPPA);
      expect(relErr(h.gW, bptt.gW)).toBeLessThan(1e-5);
      expect(relErr(h.gb, bptt.gb)).toBeLessThan(1e-5);
      expect(relErr(out.gW, bptt.gWout)).toBeLessThan(1e-5);
      expect(relErr(out.gb, bptt.gbOut)).toBeLessThan(1e-5);
      if (model === 'alif') {
        // The adaptation path matters here: dropping it from BPTT changes the gradient.
        const lif = bpttRef(shape, { S: h.S, psi }, out.G, init[1].W, input, 13, 4, { ...neuron, model: 'lif' }, KAPPA);
        expect(relErr(lif.gW, bptt.gW)).toBeGreaterThan(1e-3);
      }
    });
  }
});
