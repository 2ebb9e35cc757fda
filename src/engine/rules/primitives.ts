import type { Primitive } from './rule';

/**
 * The layer-local regularisers from which Kunin et al. (ICML 2020) build every
 * alignment rule; B learns by descending sum_p c_p P_p. With y = W x, r = B^T x
 * and E the batch mean (neuroailab/Neural-Alignment, Alignments/primitives.py):
 */
export const PRIMITIVE_INFO: Record<Primitive, { value: string; gradient: string }> = {
  decay: { value: '|W|^2 + |B|^2', gradient: '2 B' },
  amp: { value: '-E[y . r]', gradient: '-E[x y^T]' },
  null: { value: 'E|B W x|^2', gradient: '2 B E[y y^T] = (2/N) (Y B^T)^T Y' },
  sparse: { value: 'E|W x|^2 + E|B^T x|^2', gradient: '2 E[x x^T] B = (2/N) X^T (X B)' },
  self: { value: '-tr(W B)', gradient: '-W^T' },
};
