import type { GpuContext } from '../device/gpu-context';
import { type Dispatch, grid1d, makeDispatch, packUniforms } from '../device/dispatch';
import { SHADERS } from './sources';

/** What one layer's recording holds: see spike_record.wgsl for the layout. */
export interface RecordShape {
  /** n, the layer's width. */
  neurons: number;
  /** T, the simulation steps. */
  steps: number;
  /** How many batch rows are recorded. */
  samples: number;
  /** How many neurons' membranes are recorded. */
  traced: number;
}

/** u32 words per spike train: the raster is bit-packed over time. */
export function wordsPerTrain(steps: number): number {
  return Math.ceil(steps / 32);
}

/** Words of a layer's raster [sample, neuron, word] and of its membranes [sample, traced, t]. */
export function recordWords(s: RecordShape): { raster: number; membrane: number; total: number } {
  const raster = s.samples * s.neurons * wordsPerTrain(s.steps);
  const membrane = s.samples * s.traced * s.steps;
  return { raster, membrane, total: raster + membrane };
}

/** Unpacks a bit-packed raster into one byte per (sample, neuron, t), 0 or 1. */
export function unpackRaster(words: Uint32Array, s: Pick<RecordShape, 'neurons' | 'steps' | 'samples'>): Uint8Array {
  const W = wordsPerTrain(s.steps);
  const out = new Uint8Array(s.samples * s.neurons * s.steps);
  for (let train = 0; train < s.samples * s.neurons; train++) {
    for (let t = 0; t < s.steps; t++) out[train * s.steps + t] = (words[train * W + (t >> 5)] >>> (t & 31)) & 1;
  }
  return out;
}

export interface SpikeRecordArgs {
  /** Spikes [T, rows, neurons]. */
  S: GPUBuffer;
  /** Membrane [T, rows, neurons]; needed only when neurons are traced. */
  U?: GPUBuffer;
  rows: number;
  neurons: number;
  steps: number;
  /** Batch rows to record. */
  samples: readonly number[];
  /** Neurons whose membrane is recorded (each below `neurons`). */
  traced: readonly number[];
  /** The ring buffer (u32 words), `slots` x `slotWords`. */
  ring: GPUBuffer;
  /** Words of one slot (every layer's recording) and where this layer's start within it. */
  slotWords: number;
  offset: number;
  /** A fixed slot, or one taken from the step clock: (clock / every) % slots. */
  slot: number | { clock: GPUBuffer; every: number; slots: number };
  label?: string;
}

/** Copies a layer's raster and traced membranes for the chosen samples into a ring slot. */
export async function spikeRecord(ctx: GpuContext, a: SpikeRecordArgs): Promise<Dispatch> {
  for (const r of a.samples) if (!(Number.isInteger(r) && r >= 0 && r < a.rows)) throw new Error(`spikeRecord: sample ${r} is not a row of ${a.rows}`);
  for (const i of a.traced) if (!(Number.isInteger(i) && i >= 0 && i < a.neurons)) throw new Error(`spikeRecord: neuron ${i} is not one of ${a.neurons}`);
  if (a.traced.length > 0 && !a.U) throw new Error('spikeRecord: tracing membranes needs U');
  const clocked = typeof a.slot !== 'number';
  const kernel = await ctx.pipelines.get({
    name: 'spike_record',
    source: SHADERS.spikeRecord,
    bindings: ['uniform', 'read', 'read', 'read', 'read', 'write'],
    constants: { SLOT_FROM_CLOCK: clocked ? 1 : 0 },
  });
  const label = a.label ?? 'spike_record';
  const fixed = typeof a.slot === 'number' ? a.slot : 0;
  const every = typeof a.slot === 'number' ? 1 : a.slot.every;
  const slots = typeof a.slot === 'number' ? 1 : a.slot.slots;
  const u = ctx.uniform(
    `${label}.params`,
    packUniforms([
      ['u32', a.rows], ['u32', a.neurons], ['u32', a.steps], ['u32', a.samples.length], ['u32', a.traced.length],
      ['u32', a.slotWords], ['u32', a.offset], ['u32', fixed], ['u32', every], ['u32', slots],
    ]),
  );
  const picks = ctx.buffers.createWithData(`${label}.picks`, Uint32Array.from([...a.samples, ...a.traced]));
  const U = a.U ?? ctx.dummy('spike_record.U');
  const clock = typeof a.slot === 'number' ? ctx.dummy('spike_record.clock') : a.slot.clock;
  const words = recordWords({ neurons: a.neurons, steps: a.steps, samples: a.samples.length, traced: a.traced.length }).total;
  return makeDispatch(ctx.device, kernel, [u, a.S, U, picks, clock, a.ring], grid1d(words, 64), label);
}
