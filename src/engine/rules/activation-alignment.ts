import type { RuleSpec } from './rule';

/** R = alpha sparse + beta amp; with beta = 2 alpha, R = alpha E|W x - B^T x|^2 (alignment.Activation). */
export const activationAlignment: RuleSpec = {
  id: 'aa',
  name: 'Activation alignment',
  summary: 'B^T x is pulled towards W x on the layer\'s own activity.',
  citation: 'Kunin et al. 2020',
  locality: 'non-local',
  feedback: 'backward',
  regularizer: { sparse: 1e-3, amp: 2e-3 },
};
