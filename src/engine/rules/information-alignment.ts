import type { RuleSpec } from './rule';

/** R = alpha amp + beta null + gamma decay (alignment.Information defaults). */
export const informationAlignment: RuleSpec = {
  id: 'ia',
  name: 'Information alignment',
  summary: 'Weight mirror plus a null-space penalty that keeps B\'s scale in check: local and robust.',
  citation: 'Kunin, Nayebi, Sagastuy-Brena, Ganguli, Bloom & Yamins 2020',
  locality: 'local',
  feedback: 'backward',
  regularizer: { amp: 2e-3, null: 1e-3, decay: 1e-3 },
};
