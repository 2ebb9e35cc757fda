// A spiking network's prediction, as the spiking trainer's test evaluation
// makes it (spiking/step-program.ts: encode, T steps of every layer, the
// readout and its loss pass), in buffers of the inspection's own. The scores
// are the readout the trainer's accuracy takes the argmax of: Z for the
// surrogate-gradient rules and e-prop, sum_t of the output PSP for TSSL-BP
// (tssl_loss.wgsl's prediction), summed here into Z.
//
// Seed: Poisson input is drawn with the run's noise seed (splitmix fork 4 of
// config.seed, as SpikingTrainer derives it) on the test stream
// (ENCODE_STREAM.test), at a clock of the inspection's own fixed at 0, i.e.
// the draws of the trainer's evaluation before its first step. An inspection
// of the same weights therefore draws the same spikes every time it is asked,
// whatever the trainer's clock. A draw is keyed by its element's place in its
// chunk, so the same example may draw other spikes in another chunking (the
// confusion matrix's chunks of 500 against the sample predictions' one chunk).
import type { GpuContext } from '../device/gpu-context';
import { ConfigError } from '../errors';
import { columnSum } from '../kernels/column-sum';
import { Rng } from '../rng';
import { isStdpRule, type SpikingConfig } from '../spiking/config';
import type { SpikeBatch } from '../spiking/passes';
import { allocateRuleBatch, type StepContext, stepPasses } from '../spiking/step-program';
import type { TsslBatch } from '../spiking/tssl-passes';
import type { ChunkForward } from './forward-chunks';
import type { SpikingInspectTarget } from './target';

/** The clock the inspection's Poisson draws are keyed by. */
export const INSPECT_CLOCK = 0;

/** The seed of the spiking trainer's input noise, derived from the run's seed as SpikingTrainer.build does. */
export function spikingNoiseSeed(config: Pick<SpikingConfig, 'seed'>): number {
  return new Rng(config.seed).fork(4).nextU32();
}

/** Throws where the rule predicts by passes of its own that inspections do not run (the spike-only STDP rules). */
export function checkInspectable(config: Pick<SpikingConfig, 'rule'>, view: string): void {
  if (isStdpRule(config.rule)) {
    throw new ConfigError('inspect', `the ${view} runs the surrogate-gradient, e-prop and TSSL-BP forward pass; ${config.rule} predicts with its own spike-only windows, so it shows accuracy, loss and receptive fields only.`);
  }
}

/** One batch of `chunkRows` rows (allocated in `scratch`) and each chunk's evaluation passes. */
export function spikingForward(scratch: GpuContext, target: SpikingInspectTarget, chunkRows: number, label: string): ChunkForward {
  const { network: net, config, data } = target;
  checkInspectable(config, 'inspection');
  const r = scratch.buffers;
  const batch: SpikeBatch = allocateRuleBatch(scratch, net, config, chunkRows, label, false);
  const step: StepContext = {
    net, config, feedback: target.feedback,
    // The loss pass adds its sums here; nobody reads them.
    metrics: r.storage(`${label}.metrics`, 4),
    clock: r.createWithData(`${label}.clock`, Uint32Array.of(INSPECT_CLOCK, 0, 0, 0)),
    noiseSeed: spikingNoiseSeed(config),
    classes: data.classes,
    pixels: data.pixels,
  };
  const top = net.layers.length;
  return {
    io: (rows) => ({ rows, X: batch.X, labels: batch.labels, scores: batch.Z }),
    pass: async (rows, at) => {
      const chunk = { ...batch, rows };
      const passes = await stepPasses(scratch, step, chunk, false, 0, at, target.propagation ?? []);
      if (config.rule !== 'tssl-bp') return passes;
      // [T, rows x classes] summed over T: the output PSP's total per class.
      const A = (chunk as TsslBatch).A[top - 1];
      return [...passes, await columnSum(scratch, { X: A, out: chunk.Z, rows: chunk.steps, cols: rows * net.classes, label: `${at}.scores` })];
    },
  };
}

