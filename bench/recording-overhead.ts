// What recording for display costs: a spiking 784-256-10 network, T = 25,
// batch 128, trained with recording off and on (2 samples, 8 traced neurons,
// every 10 steps, 4 slots) on one device. Blocks of steps alternate between
// the two trainers, the order flipped each round, so a machine that speeds up
// or slows down penalises neither. The machine is shared, so the overhead is
// given three ways: total on / total off, the median of each round's on / off,
// and best block on / best block off. The recording dispatches are also timed
// alone: the GPU's share without the noise of whole steps.
import type { Dataset } from '../src/engine/data/loader';
import { uploadDataset } from '../src/engine/data/gpu-dataset';
import { encodeDispatches } from '../src/engine/device/dispatch';
import type { GpuContext } from '../src/engine/device/gpu-context';
import { resolveSpikingConfig } from '../src/engine/spiking/config';
import { Recorder, type RecordOptions } from '../src/engine/spiking/recording';
import { SpikingTrainer } from '../src/engine/spiking/trainer';

export const RECORDING_NET = { hidden: [256], steps: 25, batchSize: 128 };
export const RECORD: RecordOptions = { samples: [0, 1], neurons: [0, 1, 2, 3, 4, 5, 6, 7], every: 10, slots: 4 };

export interface RecordingOverhead {
  network: string;
  record: RecordOptions;
  rounds: number;
  stepsPerBlock: number;
  offMsPerStep: number;
  onMsPerStep: number;
  recordingsDelivered: number;
  /** On / off - 1, three ways. */
  overheadTotal: number;
  overheadMedian: number;
  overheadBest: number;
  /** One recording's dispatches alone, and their share of a step at `record.every`. */
  recordingMs: number;
  recordingSharePerStep: number;
}

/** Training examples the measurement needs: no epoch (so no evaluation) ends inside it. */
export function recordingExamples(rounds: number, stepsPerBlock: number): number {
  return (2 + rounds * stepsPerBlock + 2 + 1) * RECORDING_NET.batchSize;
}

export async function measureRecordingOverhead(
  ctx: GpuContext,
  mnist: Dataset,
  rounds: number,
  stepsPerBlock: number,
  log: (line: string) => void = () => {},
): Promise<RecordingOverhead> {
  const config = resolveSpikingConfig(RECORDING_NET);
  const data = uploadDataset(ctx, mnist);
  const off = await SpikingTrainer.create(ctx, data, config);
  const on = await SpikingTrainer.create(ctx, data, config, { record: RECORD });
  let recordings = 0;
  on.onRecording(() => recordings++);

  /** Seconds for `steps` steps, including waiting for the GPU and the readbacks. */
  const block = async (trainer: SpikingTrainer, steps: number): Promise<number> => {
    const t0 = performance.now();
    await trainer.train(steps);
    await ctx.device.queue.onSubmittedWorkDone();
    await trainer.flush();
    return (performance.now() - t0) / 1000;
  };

  // Warm-up: pipelines, first touches, the first staging buffers.
  await block(off, 2);
  await block(on, 2);
  const offTimes: number[] = [];
  const onTimes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const trainer of r % 2 === 0 ? [off, on] : [on, off]) {
      const t = await block(trainer, stepsPerBlock);
      (trainer === on ? onTimes : offTimes).push(t);
      log(`  round ${r + 1}, recording ${trainer === on ? 'on ' : 'off'}: ${((1000 * t) / stepsPerBlock).toFixed(1)} ms/step`);
    }
  }
  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const offMsPerStep = (1000 * sum(offTimes)) / (rounds * stepsPerBlock);

  // The recording dispatches alone, 50 to a submit, best of 5.
  const clock = ctx.buffers.storage('bench.recording.clock', 1);
  const recorder = await Recorder.create(ctx, off.network, off.batch, clock, RECORD);
  let recordingMs = Infinity;
  for (let r = 0; r < 5; r++) {
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (let i = 0; i < 50; i++) encodeDispatches(pass, recorder.dispatches);
    pass.end();
    const t0 = performance.now();
    ctx.device.queue.submit([encoder.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    recordingMs = Math.min(recordingMs, (performance.now() - t0) / 50);
  }
  ctx.throwIfFailed();
  off.destroy();
  on.destroy();
  return {
    network: `784-${RECORDING_NET.hidden.join('-')}-10 LIF, T = ${RECORDING_NET.steps}, batch ${RECORDING_NET.batchSize}`,
    record: RECORD,
    rounds,
    stepsPerBlock,
    offMsPerStep,
    onMsPerStep: (1000 * sum(onTimes)) / (rounds * stepsPerBlock),
    recordingsDelivered: recordings,
    overheadTotal: sum(onTimes) / sum(offTimes) - 1,
    overheadMedian: median(onTimes.map((t, i) => t / offTimes[i])) - 1,
    overheadBest: Math.min(...onTimes) / Math.min(...offTimes) - 1,
    recordingMs,
    recordingSharePerStep: recordingMs / offMsPerStep / RECORD.every,
  };
}
