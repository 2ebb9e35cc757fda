// e-prop's choices, apart from its passes so the config can name them.

/** The learning signal's weights: W_out^T, fixed random, or trained like W_out (Kolen-Pollack-like). */
export const EPROP_FEEDBACKS = ['symmetric', 'random', 'adaptive'] as const;
export type EpropFeedback = (typeof EPROP_FEEDBACKS)[number];

/** One matmul over the reordered sum, or per-synapse traces walked forward in time (the paper's form). */
export const EPROP_UPDATES = ['factorised', 'online'] as const;
export type EpropUpdate = (typeof EPROP_UPDATES)[number];
