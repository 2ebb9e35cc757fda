// spike_record.wgsl against reference/spike-record.ts: rasters bit-packed over
// one to four words per train (T = 1, 31, 32, 33, 100), traced membranes, the
// slot taken from a fixed uniform or from the step clock, and layers side by
// side in one slot; shapes are not multiples of the workgroup size.
import { afterAll, describe, expect, it } from 'vitest';
import { recordWords, spikeRecord, unpackRaster, wordsPerTrain } from '../../src/engine/kernels/spike-record';
import { type SpikeRecordRefShape, spikeRecordRef } from '../../src/engine/reference/spike-record';
import { destroyContext, free, getContext, readU32, run, seededArray, upload, zeros } from '../gpu-harness';

afterAll(destroyContext);

interface RecordCase {
  name: string;
  shape: SpikeRecordRefShape;
  samples: number[];
  traced: number[];
  /** Where the layer sits: slot count, slot, and its offset within a slot of slotWords. */
  slots: number;
  slot: number;
  offset: number;
}

const cases: RecordCase[] = [
  { name: '1 row, 1 neuron, T=1', shape: { rows: 1, neurons: 1, steps: 1 }, samples: [0], traced: [0], slots: 1, slot: 0, offset: 0 },
  { name: '5x7, T=31, two samples, slot 2 of 3', shape: { rows: 5, neurons: 7, steps: 31 }, samples: [4, 1], traced: [6, 0, 3], slots: 3, slot: 2, offset: 5 },
  { name: '3x65, T=32 (one full word), no traces', shape: { rows: 3, neurons: 65, steps: 32 }, samples: [2], traced: [], slots: 2, slot: 1, offset: 0 },
  { name: '17x257, T=33 (two words)', shape: { rows: 17, neurons: 257, steps: 33 }, samples: [0, 16, 9], traced: [256, 1], slots: 4, slot: 3, offset: 11 },
  { name: '9x130, T=100 (four words), a sample twice', shape: { rows: 9, neurons: 130, steps: 100 }, samples: [3, 3, 8], traced: [129], slots: 2, slot: 0, offset: 1 },
];

/** Spikes at about 30% and membranes around the threshold's scale. */
function layerData(shape: SpikeRecordRefShape, seed: number): { S: Float32Array<ArrayBuffer>; U: Float32Array<ArrayBuffer> } {
  const n = shape.rows * shape.neurons * shape.steps;
  const S = seededArray(n, seed).map((v) => (v > 0.4 ? 1 : 0));
  const U = seededArray(n, seed + 1, 2);
  return { S, U };
}

describe('spike_record', () => {
  for (const [ci, c] of cases.entries()) {
    it(c.name, async () => {
      const ctx = await getContext();
      const { S, U } = layerData(c.shape, 30 + ci);
      const words = recordWords({ ...c.shape, samples: c.samples.length, traced: c.traced.length });
      // Room for a neighbour on both sides of the layer within its slot.
      const slotWords = c.offset + words.total + 3;
      const sentinel = 0xdeadbeef;
      const ring = upload(ctx, new Uint32Array(c.slots * slotWords).fill(sentinel));
      const bufS = upload(ctx, S);
      const bufU = upload(ctx, U);
      run(ctx, [
        await spikeRecord(ctx, { ...c.shape, S: bufS, U: bufU, samples: c.samples, traced: c.traced, ring, slotWords, offset: c.offset, slot: c.slot }),
      ]);
      const got = await readU32(ctx, ring, c.slots * slotWords);
      const ref = spikeRecordRef(c.shape, S, U, c.samples, c.traced);
      const start = c.slot * slotWords + c.offset;
      expect(Array.from(got.subarray(start, start + words.raster))).toEqual(Array.from(ref.raster));
      // Membranes come back bit for bit: a copy, no arithmetic.
      const membrane = new Float32Array(got.buffer, got.byteOffset + 4 * (start + words.raster), words.membrane);
      expect(Array.from(membrane)).toEqual(Array.from(ref.membrane));
      for (let i = 0; i < got.length; i++) if (i < start || i >= start + words.total) expect(got[i]).toBe(sentinel);
      free(ctx, [ring, bufS, bufU]);
    });
  }

  it('takes the slot from the clock: (clock / every) % slots', async () => {
    const ctx = await getContext();
    const shape = { rows: 3, neurons: 5, steps: 7 };
    const { S, U } = layerData(shape, 50);
    const samples = [2];
    const traced = [4];
    const slotWords = recordWords({ ...shape, samples: 1, traced: 1 }).total;
    const ref = spikeRecordRef(shape, S, U, samples, traced);
    const bufS = upload(ctx, S);
    const bufU = upload(ctx, U);
    const clock = upload(ctx, Uint32Array.of(0));
    const ring = zeros(ctx, 3 * slotWords);
    const record = await spikeRecord(ctx, { ...shape, S: bufS, U: bufU, samples, traced, ring, slotWords, offset: 0, slot: { clock, every: 10, slots: 3 } });
    // Steps 10, 20, 30 and 40 fill slots 1, 2, 0, then 1 again.
    for (const [step, slot] of [[10, 1], [20, 2], [30, 0], [40, 1]] as const) {
      ctx.device.queue.writeBuffer(ring, 0, new Uint32Array(3 * slotWords));
      ctx.device.queue.writeBuffer(clock, 0, Uint32Array.of(step));
      run(ctx, [record]);
      const got = await readU32(ctx, ring, 3 * slotWords);
      for (let s = 0; s < 3; s++) {
        const words = Array.from(got.subarray(s * slotWords, (s + 1) * slotWords));
        if (s === slot) expect(words.slice(0, ref.raster.length)).toEqual(Array.from(ref.raster));
        else expect(words.every((w) => w === 0)).toBe(true);
      }
    }
    free(ctx, [bufS, bufU, clock, ring]);
  });

  it('records the encoded input, which has no membrane, next to a layer', async () => {
    const ctx = await getContext();
    const input = { rows: 4, neurons: 33, steps: 3 };
    const layer = { rows: 4, neurons: 6, steps: 3 };
    const a = layerData(input, 60);
    const b = layerData(layer, 62);
    const samples = [3, 0];
    const first = recordWords({ ...input, samples: 2, traced: 0 }).total;
    const second = recordWords({ ...layer, samples: 2, traced: 2 }).total;
    const ring = zeros(ctx, first + second);
    const bufs = [upload(ctx, a.S), upload(ctx, b.S), upload(ctx, b.U)];
    run(ctx, [
      await spikeRecord(ctx, { ...input, S: bufs[0], samples, traced: [], ring, slotWords: first + second, offset: 0, slot: 0, label: 'input' }),
      await spikeRecord(ctx, { ...layer, S: bufs[1], U: bufs[2], samples, traced: [5, 2], ring, slotWords: first + second, offset: first, slot: 0, label: 'layer' }),
    ]);
    const got = await readU32(ctx, ring, first + second);
    expect(Array.from(got.subarray(0, first))).toEqual(Array.from(spikeRecordRef(input, a.S, a.U, samples, []).raster));
    const ref = spikeRecordRef(layer, b.S, b.U, samples, [5, 2]);
    expect(Array.from(got.subarray(first, first + ref.raster.length))).toEqual(Array.from(ref.raster));
    expect(Array.from(new Float32Array(got.buffer, 4 * (first + ref.raster.length), ref.membrane.length))).toEqual(Array.from(ref.membrane));
    free(ctx, [ring, ...bufs]);
  });

  it('unpackRaster gives back [sample, neuron, t] spikes', () => {
    for (const shape of [{ rows: 2, neurons: 3, steps: 5 }, { rows: 3, neurons: 2, steps: 70 }]) {
      const { S, U } = layerData(shape, 70 + shape.steps);
      const samples = [1, 0];
      const unpacked = unpackRaster(spikeRecordRef(shape, S, U, samples, []).raster, { ...shape, samples: 2 });
      expect(unpacked.length).toBe(2 * shape.neurons * shape.steps);
      samples.forEach((row, k) => {
        for (let i = 0; i < shape.neurons; i++) {
          for (let t = 0; t < shape.steps; t++) {
            expect(unpacked[(k * shape.neurons + i) * shape.steps + t]).toBe(S[(t * shape.rows + row) * shape.neurons + i]);
          }
        }
      });
      expect(wordsPerTrain(shape.steps)).toBe(Math.ceil(shape.steps / 32));
    }
  });

  it('refuses samples and neurons outside the layer', async () => {
    const ctx = await getContext();
    const S = zeros(ctx, 8);
    const base = { rows: 2, neurons: 4, steps: 1, S, U: S, ring: S, slotWords: 8, offset: 0, slot: 0 };
    await expect(spikeRecord(ctx, { ...base, samples: [2], traced: [] })).rejects.toThrow(/sample 2 is not a row of 2/);
    await expect(spikeRecord(ctx, { ...base, samples: [0], traced: [4] })).rejects.toThrow(/neuron 4 is not one of 4/);
    free(ctx, [S]);
  });
});
