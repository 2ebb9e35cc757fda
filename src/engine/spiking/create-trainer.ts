// The trainer a spiking config needs: the spike-only rules (EMSTDP, BP-STDP)
// bring their own neurons and updates; every other rule runs on LIF layers
// with an optimiser.
import type { GpuDataset } from '../data/gpu-dataset';
import type { GpuContext } from '../device/gpu-context';
import { isStdpRule, type SpikingConfig } from './config';
import { StdpTrainer } from './stdp-trainer';
import { SpikingTrainer, type SpikingTrainerOptions } from './trainer';

export type AnySpikingTrainer = SpikingTrainer | StdpTrainer;

export function createSpikingTrainer(ctx: GpuContext, data: GpuDataset, config: SpikingConfig, opts: SpikingTrainerOptions = {}): Promise<AnySpikingTrainer> {
  return isStdpRule(config.rule) ? StdpTrainer.create(ctx, data, config, opts) : SpikingTrainer.create(ctx, data, config, opts);
}
