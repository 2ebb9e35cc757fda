import type { RuleSpec } from './rule';

export const backprop: RuleSpec = {
  id: 'bp',
  name: 'Backpropagation',
  summary: 'The error travels back through the transpose of the forward weights (weight transport).',
  citation: 'Rumelhart, Hinton & Williams 1986',
  locality: 'weight transport',
  feedback: 'transpose',
  regularizer: {},
};
