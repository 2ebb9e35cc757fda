/**
 * A credit-assignment rule, declared rather than coded: which weights carry
 * the error backwards, and how those backward weights B learn. The engine
 * turns this into kernels (layers/backward-pass.ts, layers/feedback-update.ts).
 */

/** The regularisation primitives of Kunin et al. 2020 (see primitives.ts). */
export const PRIMITIVES = ['decay', 'amp', 'null', 'sparse', 'self'] as const;
export type Primitive = (typeof PRIMITIVES)[number];
export type Coefficients = Partial<Record<Primitive, number>>;

/**
 * - `transpose`: the error goes back through W^T (backprop, weight transport).
 * - `backward`: through each layer's own B (n_in x n_out).
 * - `direct`: the output error goes straight to every hidden layer through B (n_in x n_classes).
 * - `sign`: through B = kappa * sign(W)^T, recomputed every step.
 */
export type Feedback = 'transpose' | 'backward' | 'direct' | 'sign';

export interface RuleSpec {
  /** Short id used in configs, links and the command line. */
  id: string;
  name: string;
  /** One sentence for menus and `plasticity rules`. */
  summary: string;
  citation: string;
  /** Local: B's update uses only what is available at B's synapses. */
  locality: 'local' | 'non-local' | 'weight transport';
  feedback: Feedback;
  /** Default coefficients of R(W, B, x), whose gradient trains B. */
  regularizer: Coefficients;
  /** Kolen-Pollack: B receives exactly the transpose of W's update, and the same decay. */
  tied?: boolean;
  /** Default decoupled decay of W and B for tied rules. */
  tiedDecay?: number;
}

export function usesActivity(c: Coefficients): boolean {
  return !!(c.amp || c.null || c.sparse);
}

export function trainsFeedback(rule: RuleSpec, c: Coefficients): boolean {
  return rule.tied === true || Object.values(c).some((v) => v !== undefined && v !== 0);
}
