import type { RuleSpec } from './rule';

export const directFeedbackAlignment: RuleSpec = {
  id: 'dfa',
  name: 'Direct feedback alignment',
  summary: 'The output error reaches every hidden layer directly through its own fixed random matrix.',
  citation: 'Nøkland 2016',
  locality: 'local',
  feedback: 'direct',
  regularizer: {},
};
