// Recording for display: every `every` steps, the chosen samples' spike
// rasters (the encoded input and every layer) and the traced neurons'
// membranes go into one slot of a GPU ring buffer of `slots`; the slot comes
// from the step clock, so recording needs no uniform writes. The ring comes
// back through a small pool of staging buffers, as the metrics do: a submit
// with fresh slots copies the ring if a staging buffer is free; if none is,
// the slots wait for a later submit and the oldest are overwritten (dropped).
import type { Dispatch } from '../device/dispatch';
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { recordWords, spikeRecord, unpackRaster } from '../kernels/spike-record';
import type { RateNetwork } from '../layers/network';
import { type MetricsTicket, MetricsReader } from '../metrics/metrics-reader';
import type { SpikeBatch } from './passes';

export interface RecordOptions {
  /** Batch rows to record: rows of each recorded step's shuffled batch. */
  samples: number[];
  /** Neurons whose membranes are traced, in every layer that has them. */
  neurons: number[];
  /** Steps between recordings. */
  every: number;
  /** Ring slots: recordings that can wait on the GPU for a staging buffer. */
  slots: number;
}

export interface LayerRecording {
  /** 0 is the encoded input (spikes only), 1... the network's layers. */
  layer: number;
  /** The layer's width. */
  neurons: number;
  /** Spikes [sample, neuron, t], 0 or 1. */
  raster: Uint8Array;
  /** The traced neurons this layer has (indices below its width). */
  traced: number[];
  /** Membrane [sample, traced, t]; empty for the input. */
  membrane: Float32Array;
}

export interface SpikingRecording {
  step: number;
  samples: number[];
  /** T, the time axis of every raster and trace. */
  steps: number;
  layers: LayerRecording[];
}

interface RecordedLayer {
  layer: number;
  neurons: number;
  traced: number[];
  offset: number;
  rasterWords: number;
}

/** A ring copy on its way back, and the steps whose slots it holds. */
export interface RecordingCapture {
  ticket: MetricsTicket;
  steps: number[];
}

const STAGING_BUFFERS = 2;

export function validateRecordOptions(o: RecordOptions, batchSize: number): void {
  const indices = (xs: unknown, below = Infinity) => Array.isArray(xs) && xs.every((x) => Number.isInteger(x) && x >= 0 && x < below);
  if (!indices(o.samples, batchSize)) {
    throw new ConfigError('record.samples', `must list batch rows, whole numbers from 0 to ${batchSize - 1} (got ${JSON.stringify(o.samples)}).`);
  }
  if (o.samples.length === 0) throw new ConfigError('record.samples', 'must name at least one batch row to record.');
  // A neuron index past a layer's width just traces nothing there (the output layer is narrow).
  if (!indices(o.neurons)) {
    throw new ConfigError('record.neurons', `must list neuron indices, whole numbers 0 or more (got ${JSON.stringify(o.neurons)}).`);
  }
  for (const field of ['every', 'slots'] as const) {
    if (!Number.isInteger(o[field]) || o[field] < 1) {
      throw new ConfigError(`record.${field}`, `must be a whole number of at least 1 (got ${o[field]}).`);
    }
  }
}

export class Recorder {
  private fresh: number[] = [];

  private constructor(
    private readonly options: RecordOptions,
    private readonly steps: number,
    private readonly layers: RecordedLayer[],
    private readonly slotWords: number,
    private readonly reader: MetricsReader,
    /** The dispatches of a recorded step, after the forward pass. */
    readonly dispatches: Dispatch[],
  ) {}

  static async create(ctx: GpuContext, net: RateNetwork, batch: SpikeBatch, clock: GPUBuffer, options: RecordOptions): Promise<Recorder> {
    validateRecordOptions(options, batch.rows);
    const samples = options.samples.length;
    const layers: RecordedLayer[] = [];
    let offset = 0;
    for (const [layer, neurons] of net.sizes.entries()) {
      const traced = layer === 0 ? [] : options.neurons.filter((i) => i < neurons);
      const words = recordWords({ neurons, steps: batch.steps, samples, traced: traced.length });
      layers.push({ layer, neurons, traced, offset, rasterWords: words.raster });
      offset += words.total;
    }
    const slotWords = offset;
    const ring = ctx.buffers.storage('snn.record.ring', options.slots * slotWords);
    const reader = new MetricsReader(ctx, ring, options.slots * slotWords * 4, STAGING_BUFFERS);
    const slot = { clock, every: options.every, slots: options.slots };
    const dispatches = await Promise.all(
      layers.map((l) =>
        spikeRecord(ctx, {
          S: l.layer === 0 ? batch.input : batch.S[l.layer - 1], U: l.layer === 0 ? undefined : batch.U[l.layer - 1],
          rows: batch.rows, neurons: l.neurons, steps: batch.steps, samples: options.samples, traced: l.traced,
          ring, slotWords, offset: l.offset, slot, label: `snn.record${l.layer}`,
        }),
      ),
    );
    return new Recorder(options, batch.steps, layers, slotWords, reader, dispatches);
  }

  /** Whether step (1-based, counted as the GPU clock counts) is recorded. */
  due(step: number): boolean {
    return step % this.options.every === 0;
  }

  /** Notes that `step`'s dispatches were encoded: its slot is fresh. */
  recorded(step: number): void {
    this.fresh.push(step);
  }

  /**
   * Records a copy of the ring when slots are fresh and a staging buffer is
   * free (`required`: grow the pool instead). Only the newest `slots` fresh
   * steps survive on the GPU; older ones were overwritten.
   */
  capture(encoder: GPUCommandEncoder, required = false): RecordingCapture | null {
    this.fresh = this.fresh.slice(-this.options.slots);
    if (this.fresh.length === 0) return null;
    const ticket = this.reader.capture(encoder, 0, required);
    if (!ticket) return null;
    const steps = this.fresh;
    this.fresh = [];
    return { ticket, steps };
  }

  get pending(): boolean {
    return this.fresh.length > 0;
  }

  async collect(c: RecordingCapture): Promise<SpikingRecording[]> {
    const values = await this.reader.collect(c.ticket);
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
    return c.steps.map((step) => this.decode(values, words, step));
  }

  private decode(values: Float32Array, words: Uint32Array, step: number): SpikingRecording {
    const { samples, every, slots } = this.options;
    const base = (Math.floor(step / every) % slots) * this.slotWords;
    const layers = this.layers.map((l): LayerRecording => {
      const start = base + l.offset;
      const shape = { neurons: l.neurons, steps: this.steps, samples: samples.length };
      const membraneStart = start + l.rasterWords;
      return {
        layer: l.layer,
        neurons: l.neurons,
        raster: unpackRaster(words.subarray(start, membraneStart), shape),
        traced: l.traced.slice(),
        membrane: values.slice(membraneStart, membraneStart + samples.length * l.traced.length * this.steps),
      };
    });
    return { step, samples: samples.slice(), steps: this.steps, layers };
  }
}
