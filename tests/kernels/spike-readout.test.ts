// spike_readout.wgsl and spike_readout_grad.wgsl against the reference: every
// readout at odd shapes, silent neurons, and the backward of each.
import { afterAll, describe, expect, it } from 'vitest';
import { READOUTS, spikeReadout, spikeReadoutGrad } from '../../src/engine/kernels/spike-readout';
import { spikeReadoutGradRef, spikeReadoutRef } from '../../src/engine/reference/spike-readout';
import { destroyContext, free, getContext, readF32, readU32, relErr, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

const shapes = [
  { rows: 1, classes: 1, steps: 1 },
  { rows: 3, classes: 10, steps: 5 },
  { rows: 17, classes: 7, steps: 25 },
  { rows: 65, classes: 3, steps: 100 },
];

describe('spike readouts', () => {
  for (const readout of READOUTS) {
    for (const shape of shapes) {
      it(`${readout}: ${shape.rows}x${shape.classes}, T=${shape.steps}`, async () => {
        const ctx = await getContext();
        const n = shape.rows * shape.classes * shape.steps;
        const per = shape.rows * shape.classes;
        // Sparse spikes, with the first cell silent throughout.
        const S = Float32Array.from(seededArray(n, n + 1), (v, i) => (i % per !== 0 && v > 0.6 ? 1 : 0));
        const U = seededArray(n, n + 2, 2);
        const dZ = seededArray(per, n + 3);
        const scale = readout === 'count' ? 1 / shape.steps : 1;
        const a = { ...shape, readout, scale };
        const bufs = { S: upload(ctx, S), U: upload(ctx, U), dZ: upload(ctx, dZ), Z: zeros(ctx, per + 2), peak: zeros(ctx, per), G: zeros(ctx, n + 2) };
        run(ctx, [
          await spikeReadout(ctx, { ...a, S: bufs.S, U: bufs.U, Z: bufs.Z, peak: bufs.peak }),
          await spikeReadoutGrad(ctx, { ...a, dZ: bufs.dZ, peak: bufs.peak, G: bufs.G }),
        ]);
        const ref = spikeReadoutRef(a, S, U);
        const Z = await readF32(ctx, bufs.Z, per + 2);
        expect(relErr(Z.subarray(0, per), ref.Z)).toBeLessThan(1e-6);
        expect(Array.from(Z.subarray(per))).toEqual([0, 0]);
        if (readout === 'membrane') expect(Array.from(await readU32(ctx, bufs.peak, per))).toEqual(Array.from(ref.peak));
        if (readout === 'first-spike') expect(Z[0]).toBe(0);
        const G = await readF32(ctx, bufs.G, n + 2);
        expect(relErr(G.subarray(0, n), spikeReadoutGradRef(a, dZ, ref.peak))).toBeLessThan(1e-6);
        expect(Array.from(G.subarray(n))).toEqual([0, 0]);
        free(ctx, Object.values(bufs));
      });
    }
  }

  it('first spike wins over count', () => {
    // Neuron 0 fires once at t=1; neuron 1 fires at t=2, 3, 4: neuron 0 scores higher.
    const S = [0, 0, 1, 0, 0, 1, 0, 1, 0, 1];
    const { Z } = spikeReadoutRef({ rows: 1, classes: 2, steps: 5, readout: 'first-spike' }, S, new Array(10).fill(0));
    expect(Z[0]).toBeGreaterThan(Z[1]);
    expect(Math.floor(Z[0])).toBe(4);
    expect(Math.floor(Z[1])).toBe(3);
  });
});
