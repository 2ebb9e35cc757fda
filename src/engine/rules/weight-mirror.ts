import type { RuleSpec } from './rule';

/** R = alpha decay + beta amp (Neural-Alignment's alignment.Mirror, params.py defaults). */
export const weightMirror: RuleSpec = {
  id: 'wm',
  name: 'Weight mirror',
  summary: 'B learns W^T from the correlation of a layer\'s input and output; sensitive to its coefficients.',
  citation: 'Akrout, Wilson, Humphreys, Lillicrap & Tweed 2019',
  locality: 'local',
  feedback: 'backward',
  regularizer: { decay: 1e-3, amp: 1e-3 },
};
