import { ConfigError } from '../errors';
import { activationAlignment } from './activation-alignment';
import { backprop } from './backprop';
import { directFeedbackAlignment } from './direct-feedback-alignment';
import { feedbackAlignment } from './feedback-alignment';
import { informationAlignment } from './information-alignment';
import { kolenPollack } from './kolen-pollack';
import type { RuleSpec } from './rule';
import { signSymmetry } from './sign-symmetry';
import { symmetricAlignment } from './symmetric-alignment';
import { weightMirror } from './weight-mirror';

/** Every rule the engine knows; adding a rule is adding its file and one entry here. */
export const RULES: readonly RuleSpec[] = [
  backprop,
  feedbackAlignment,
  directFeedbackAlignment,
  signSymmetry,
  weightMirror,
  informationAlignment,
  symmetricAlignment,
  activationAlignment,
  kolenPollack,
];

export function findRule(id: string): RuleSpec {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new ConfigError('rule', `unknown rule "${id}". Choose one of: ${RULES.map((r) => r.id).join(', ')}.`);
  return rule;
}
