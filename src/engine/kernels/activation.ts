/** Layer nonlinearities; the index is the ACT override constant of the kernels. */
export const ACTIVATIONS = ['identity', 'relu', 'tanh', 'sigmoid', 'softplus', 'sign', 'step'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function activationId(act: Activation): number {
  return ACTIVATIONS.indexOf(act);
}
