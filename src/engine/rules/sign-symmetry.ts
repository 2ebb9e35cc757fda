import type { RuleSpec } from './rule';

export const signSymmetry: RuleSpec = {
  id: 'ss',
  name: 'Sign symmetry',
  summary: 'Backward weights share only the signs of the forward weights: B = kappa sign(W)^T.',
  citation: 'Liao, Leibo & Poggio 2016; Xiao et al. 2018',
  locality: 'non-local',
  feedback: 'sign',
  regularizer: {},
};
