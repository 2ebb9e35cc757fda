import type { RuleSpec } from './rule';

export const feedbackAlignment: RuleSpec = {
  id: 'fa',
  name: 'Feedback alignment',
  summary: 'Fixed random backward weights; the forward weights learn to align with them.',
  citation: 'Lillicrap, Cownden, Tweed & Akerman 2016',
  locality: 'local',
  feedback: 'backward',
  regularizer: {},
};
