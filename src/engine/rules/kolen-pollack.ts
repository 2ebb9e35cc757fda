import type { RuleSpec } from './rule';

/**
 * B receives the transpose of W's update (after the optimiser) and both decay
 * at the same rate, so W - B^T shrinks by (1 - lr decay) each step. The decay
 * 2e-3 is Neural-Alignment's P_decay gradient 2 alpha with alpha = 1e-3,
 * applied to both W and B (decoupled) so that the rates match.
 */
export const kolenPollack: RuleSpec = {
  id: 'kp',
  name: 'Kolen-Pollack',
  summary: 'B gets exactly the transposed update of W, and both decay: W and B^T converge.',
  citation: 'Kolen & Pollack 1994; Akrout et al. 2019',
  locality: 'non-local',
  feedback: 'backward',
  regularizer: {},
  tied: true,
  tiedDecay: 2e-3,
};
