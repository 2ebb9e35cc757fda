// bpstdp_forward.wgsl, bpstdp_error.wgsl and the BP-STDP passes built around
// them (bpstdp-passes.ts) against reference/bpstdp.ts: whole teacher-driven
// windows of small networks (one and two hidden layers) at batch sizes and
// widths off the workgroup sizes, training and evaluation. Weights are
// multiples of 1/64, so every membrane and error sum is exact in f32 and
// spikes, counts and errors must match exactly; only the update rounds.
import { afterAll, describe, expect, it } from 'vitest';
import { bpstdpForward as bpstdpLayer, type BpstdpParams } from '../../src/engine/kernels/bpstdp';
import type { LayerInit } from '../../src/engine/layers/init';
import { RateNetwork } from '../../src/engine/layers/network';
import { bpstdpTeacherRef, bpstdpUpdateRef, bpstdpWindowRef } from '../../src/engine/reference/bpstdp';
import { spikeEncodeRef } from '../../src/engine/reference/spike-encode';
import { allocateBpstdpBatch, bpstdpBackward, bpstdpForward, bpstdpOutputPass, bpstdpParams } from '../../src/engine/spiking/bpstdp-passes';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

const dyadic = (a: Float32Array, bias = 0) => a.map((v) => Math.round((v + bias) * 64) / 64);

interface WindowCase {
  name: string;
  sizes: number[];
  steps: number;
  rows: number;
  window: number;
  training: boolean;
}

const cases: WindowCase[] = [];
for (const sizes of [[13, 7, 3], [30, 17, 10], [11, 9, 6, 4]]) {
  for (const [steps, rows, window] of [[8, 1, 1], [21, 3, 3], [40, 5, 5], [33, 2, 2]]) {
    cases.push({ name: `${sizes.join('-')}, T=${steps}, batch ${rows}, ε ${window}`, sizes, steps, rows, window, training: true });
  }
  cases.push({ name: `${sizes.join('-')} evaluation, T=17, batch 4`, sizes, steps: 17, rows: 4, window: 5, training: false });
}

function makeInit(sizes: number[], seed: number): LayerInit[] {
  return sizes.slice(1).map((nOut, l) => ({
    nIn: sizes[l], nOut, W: dyadic(seededArray(nOut * sizes[l], seed + l, 0.5), 0.1), b: new Float32Array(nOut), B: null, kappa: 0,
  }));
}

describe('BP-STDP windows: GPU passes against the reference', () => {
  cases.forEach((c, k) => {
    it(c.name, async () => {
      const ctx = await getContext();
      const { sizes, rows, steps } = c;
      const L = sizes.length - 1;
      const init = makeInit(sizes, 10 * k);
      const net = RateNetwork.create(ctx, init, 'relu', 'transpose', false);
      // A high teacher rate and hidden thresholds under 1, so the short windows see errors.
      const p: BpstdpParams = bpstdpParams(L, { steps, window: c.window, mu: 0.01, inputGain: 0.5, teacherRate: 0.4, thresholds: sizes.slice(1).map((_, l) => (l === L - 1 ? 1 : 0.75)) });
      const batch = allocateBpstdpBatch(ctx, net, p, rows, 'test.bpstdp', c.training);
      const X = seededArray(rows * sizes[0], k + 3, 0.5).map((v) => v + 0.5);
      const labels = Uint32Array.from({ length: rows }, (_, r) => (r * 5 + k) % sizes[L]);
      ctx.device.queue.writeBuffer(batch.X, 0, X);
      ctx.device.queue.writeBuffer(batch.labels, 0, labels);
      const clockValue = 3 + k;
      const clock = upload(ctx, Uint32Array.of(clockValue));
      const metrics = upload(ctx, Float32Array.of(0.5, 1, 2, 0));
      const draws = { clock, seed: 77 + k, stream: 9 };
      run(ctx, [
        ...(await bpstdpForward(ctx, net, batch, p, draws, 'test')),
        ...(await bpstdpOutputPass(ctx, net, batch, p, { metrics, clock, slot: 0, draws: c.training ? draws : undefined, label: 'test.out' })),
        ...(c.training ? await bpstdpBackward(ctx, net, batch, p) : []),
      ]);

      const input = spikeEncodeRef({ X, rows, n: sizes[0], steps, encoder: 'poisson', gain: p.inputGain, seed: draws.seed, stream: draws.stream, clock: clockValue });
      const teacher = c.training ? bpstdpTeacherRef({ rows, steps, rate: p.teacherRate, seed: draws.seed, stream: draws.stream + 1, clock: clockValue }) : new Float64Array(steps * rows);
      const W = init.map((l) => Float64Array.from(l.W));
      const ref = bpstdpWindowRef(sizes, W, p, input, labels, teacher, rows);
      for (let l = 0; l <= L; l++) {
        const n = steps * rows * sizes[l];
        expect(Array.from(await readF32(ctx, batch.S[l], n)), `spikes of layer ${l}`).toEqual(Array.from(ref.S[l]));
        if (c.training) expect(Array.from(await readF32(ctx, batch.C[l], n)), `recent counts of layer ${l}`).toEqual(Array.from(ref.C[l]));
      }
      const Z = await readF32(ctx, batch.Z, rows * sizes[L]);
      expect(Array.from(Z)).toEqual(Array.from(ref.Z));
      let hits = 0;
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let q = 1; q < sizes[L]; q++) if (ref.Z[r * sizes[L] + q] > ref.Z[r * sizes[L] + best]) best = q;
        if (best === labels[r]) hits++;
      }
      const lossSum = ref.loss.reduce((a, v) => a + v, 0);
      expect(Array.from(await readF32(ctx, metrics, 4))).toEqual([0.5 + lossSum, 1 + hits, 2 + rows, 0]);
      expect((await readU32(ctx, clock, 1))[0]).toBe(clockValue + (c.training ? 1 : 0));
      if (steps >= 17) for (const s of ref.S.slice(1)) expect(s.some((v) => v === 1)).toBe(true);
      if (!c.training) {
        free(ctx, [clock, metrics]);
        return;
      }

      for (let l = 1; l <= L; l++) {
        // The gate multiplies by 0, which leaves -0 where the sum was negative.
        const D = Array.from(await readF32(ctx, batch.D[l - 1], steps * rows * sizes[l]), (v) => v + 0);
        expect(D, `errors of layer ${l}`).toEqual(Array.from(ref.delta[l - 1]));
      }
      expect(Array.from(await readF32(ctx, batch.loss!, rows * sizes[L]))).toEqual(Array.from(ref.loss));
      if (steps >= 21) {
        // Errors of both signs reach the first hidden layer, so the update has work to do.
        expect(ref.delta[0].some((v) => v > 0) && ref.delta[0].some((v) => v < 0)).toBe(true);
      }
      bpstdpUpdateRef(sizes, W, p, ref, rows);
      for (let l = 1; l <= L; l++) {
        const w = await readF32(ctx, net.layers[l - 1].W, W[l - 1].length);
        expect(relErr(w, W[l - 1])).toBeLessThan(1e-6);
      }
      free(ctx, [clock, metrics]);
    });
  });
});

describe('bpstdp_forward', () => {
  it('hand-worked: a constant current of 0.375 against θ = 1 fires every third step; counts over ε = 4', async () => {
    const ctx = await getContext();
    const I = upload(ctx, new Float32Array(9).fill(0.375));
    const S = zeros(ctx, 9);
    const C = zeros(ctx, 9);
    const Cin = zeros(ctx, 9);
    run(ctx, [
      await bpstdpLayer(ctx, { rows: 1, neurons: 1, steps: 9, I, S, C, window: 4, threshold: 1 }),
      // The input relay counts given spikes the same way.
      await bpstdpLayer(ctx, { rows: 1, neurons: 1, steps: 9, I: S, C: Cin, window: 4, threshold: 0, relay: true }),
    ]);
    // U = 0.375, 0.75, 1.125 -> spike and reset, ...
    expect(Array.from(await readF32(ctx, S, 9))).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(await readF32(ctx, C, 9))).toEqual([0, 0, 1, 1, 1, 2, 1, 1, 2]);
    expect(Array.from(await readF32(ctx, Cin, 9))).toEqual([0, 0, 1, 1, 1, 2, 1, 1, 2]);
    free(ctx, [I, S, C, Cin]);
  });
});
