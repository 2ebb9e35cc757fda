// The optimiser flags, read the same way for rate and spiking runs.
import { OPTIMIZERS } from '../engine/kernels/optimizer';
import type { OptimizerConfig } from '../engine/training/config';
import { choiceFlag, numberFlag, type ParsedArgs } from './args';

/** --optimizer, --lr, --momentum and --weight-decay: the optimiser settings given, for rate and spiking runs alike. */
export function optimizerFlags(args: ParsedArgs): Partial<OptimizerConfig> {
  const optimizer: Partial<OptimizerConfig> = {};
  const method = choiceFlag(args, 'optimizer', OPTIMIZERS);
  if (method !== undefined) optimizer.method = method;
  const lr = numberFlag(args, 'lr', { min: 0 });
  if (lr !== undefined) optimizer.lr = lr;
  const momentum = numberFlag(args, 'momentum', { min: 0 });
  if (momentum !== undefined) optimizer.momentum = momentum;
  const weightDecay = numberFlag(args, 'weight-decay', { min: 0 });
  if (weightDecay !== undefined) optimizer.weightDecay = weightDecay;
  return optimizer;
}
