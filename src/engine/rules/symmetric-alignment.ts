import type { RuleSpec } from './rule';

/** R = alpha decay + beta self; with beta = 2 alpha, R = alpha |W - B^T|^2 (alignment.Symmetric). */
export const symmetricAlignment: RuleSpec = {
  id: 'sa',
  name: 'Symmetric alignment',
  summary: 'B relaxes towards W^T: weight estimation rather than instantaneous transport.',
  citation: 'Kunin et al. 2020',
  locality: 'non-local',
  feedback: 'backward',
  regularizer: { decay: 1e-3, self: 2e-3 },
};
