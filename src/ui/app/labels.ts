// What the controls call each setting and choice, and the short explanation each shows on hover and focus.
import type { Activation } from '../../engine/kernels/activation';
import type { NeuronModel, Reset, Surrogate } from '../../engine/kernels/lif';
import type { OptimizerName } from '../../engine/kernels/optimizer';
import type { Encoder } from '../../engine/kernels/spike-encode';
import type { Readout } from '../../engine/kernels/spike-readout';
import type { Primitive } from '../../engine/rules/rule';
import { RULES } from '../../engine/rules/registry';
import { TEACHING_SETS } from '../../engine/data/teaching-sets';
import type { ExperimentDataset } from '../experiment/experiment';
import type { Setting } from './setting-edit';

export const DATASET_LABELS: Record<ExperimentDataset, string> = {
  mnist: 'MNIST digits',
  'fashion-mnist': 'Fashion-MNIST clothing',
  spirals: 'Spirals (2-D)',
  xor: 'XOR (2-D)',
  circles: 'Circles (2-D)',
  blobs: 'Gaussian blobs (2-D)',
};

export const DATASET_NOTES: Record<ExperimentDataset, string> = {
  mnist: 'Handwritten digits 0–9, 28×28 grey pixels; 60,000 to train on, 10,000 to test.',
  'fashion-mnist': 'Ten kinds of clothing, 28×28 grey pixels; harder than the digits.',
  spirals: TEACHING_SETS.spirals.description,
  xor: TEACHING_SETS.xor.description,
  circles: TEACHING_SETS.circles.description,
  blobs: TEACHING_SETS.blobs.description,
};

/** The select's value for the user's own file; not an experiment dataset, since it cannot travel in a link. */
export const OWN_FILE = 'own-file';

export const ACTIVATION_LABELS: Record<Activation, string> = {
  identity: 'Identity (linear)',
  relu: 'ReLU',
  tanh: 'tanh',
  sigmoid: 'Sigmoid',
  softplus: 'Softplus',
  sign: 'Sign',
  step: 'Step',
};

export const NEURON_LABELS: Record<NeuronModel, string> = { lif: 'LIF', synaptic: 'Synaptic (two-state)', alif: 'Adaptive LIF' };
export const RESET_LABELS: Record<Reset, string> = { subtract: 'Subtract threshold', zero: 'To zero' };
export const ENCODER_LABELS: Record<Encoder, string> = { poisson: 'Poisson spikes', rate: 'Regular rate', latency: 'Latency (first spike)', current: 'Direct current' };
export const SURROGATE_LABELS: Record<Surrogate, string> = { 'fast-sigmoid': 'Fast sigmoid', arctan: 'Arctan' };
export const READOUT_LABELS: Record<Readout, string> = { count: 'Spike count', membrane: 'Peak membrane', 'first-spike': 'First spike' };
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = { sgd: 'SGD', momentum: 'SGD with momentum', adam: 'Adam' };

export const SPIKING_RULE_LABELS: Readonly<Record<string, string>> = {
  'surrogate-bp': 'Surrogate gradient, backprop (BPTT)',
  'surrogate-fa': 'Surrogate gradient, feedback alignment',
  'surrogate-dfa': 'Surrogate gradient, direct feedback alignment',
  'surrogate-ss': 'Surrogate gradient, sign symmetry',
  'surrogate-kp': 'Surrogate gradient, Kolen-Pollack',
  'tssl-bp': 'TSSL-BP (spike-time backprop)',
  eprop: 'e-prop (eligibility traces)',
  emstdp: 'EMSTDP (spike-only)',
  bpstdp: 'BP-STDP (spike-only)',
};

export function ruleLabel(id: string): string {
  return RULES.find((r) => r.id === id)?.name ?? SPIKING_RULE_LABELS[id] ?? id;
}

export const COEFFICIENT_LABELS: Record<Primitive, string> = {
  decay: 'Decay',
  amp: 'Amplification',
  null: 'Null-space',
  sparse: 'Sparsity',
  self: 'Self-alignment',
};

export const COEFFICIENT_HELP: Record<Primitive, string> = {
  decay: 'Shrinks B towards zero each step; keeps the backward weights from growing without bound.',
  amp: 'Pulls B towards the correlation of a layer’s input and output, which points along Wᵀ.',
  null: 'Penalises ‖B W x‖² on the layer’s own activity, so B’s scale stays in check.',
  sparse: 'Penalises ‖Bᵀx‖² on the layer’s own input, keeping the backward weights small where the activity lies.',
  self: 'Pulls B straight towards Wᵀ (−tr(W B)).',
};

export const LABELS: Record<Exclude<Setting, `coefficients.${string}`>, string> = {
  dataset: 'Dataset',
  trainSubset: 'Training examples',
  testSubset: 'Test examples',
  network: 'Neurons',
  hidden: 'Hidden layers',
  activation: 'Activation',
  'spiking.model': 'Neuron model',
  'spiking.beta': 'Membrane decay β',
  'spiking.threshold': 'Threshold θ',
  'spiking.reset': 'Reset',
  'spiking.refractory': 'Refractory steps',
  'spiking.steps': 'Time steps T',
  'spiking.encoder': 'Input encoding',
  'spiking.surrogate': 'Surrogate gradient',
  'spiking.readout': 'Readout',
  rule: 'Learning rule',
  'optimizer.method': 'Optimiser',
  'optimizer.lr': 'Learning rate',
  'optimizer.momentum': 'Momentum',
  batchSize: 'Batch size',
  seed: 'Seed',
  epochs: 'Epochs',
};

export const HELP: Record<Exclude<Setting, `coefficients.${string}`>, string> = {
  dataset: 'What the network learns to classify: images of digits or clothing, points in the plane, or a file of your own (CSV, or IDX images and labels).',
  trainSubset: 'Train on the first n examples only; empty uses the whole training set (800 points for the 2-D sets). Smaller runs faster.',
  testSubset: 'Score on the first n test examples; empty uses the whole test set (200 points for the 2-D sets).',
  network: 'Rate neurons pass real numbers through an activation; spiking (leaky integrate-and-fire) neurons send 0/1 spikes over T time steps.',
  hidden: 'Width of each hidden layer, separated by commas: "256,256" is two layers of 256 units.',
  activation: 'The rate neurons’ nonlinearity, applied to each hidden layer.',
  'spiking.model': 'LIF leaks and fires; the synaptic model adds a decaying input current; adaptive LIF raises its threshold after each spike.',
  'spiking.beta': 'How much membrane potential is kept from one time step to the next (0 to 1); closer to 1 remembers longer.',
  'spiking.threshold': 'The membrane potential at which a neuron spikes.',
  'spiking.reset': 'After a spike, subtract the threshold from the membrane or set it to zero.',
  'spiking.refractory': 'Time steps after a spike during which the neuron cannot fire again.',
  'spiking.steps': 'Time steps each example is shown for. More steps carry more information but cost time and memory.',
  'spiking.encoder': 'How pixels become input spikes: random at a rate set by brightness, regularly spaced, one spike earlier for brighter pixels, or the pixel as a current.',
  'spiking.surrogate': 'The smooth stand-in for the spike’s derivative that lets errors flow back through the threshold.',
  'spiking.readout': 'How the output layer’s activity becomes class scores.',
  rule: 'How the output error reaches the hidden layers. Backprop sends it back through the transposed forward weights; the others avoid that weight transport. Can change while training.',
  'optimizer.method': 'How each weight update is made from the error signal.',
  'optimizer.lr': 'Step size of each update. Too large and the loss diverges. Can change while training.',
  'optimizer.momentum': 'Share of the previous update carried into the next (0 to just under 1).',
  batchSize: 'Examples averaged per update.',
  seed: 'Fixes the initial weights, the shuffling and the noise: the same seed gives the same run.',
  epochs: 'Passes over the training set; the test set is scored after each.',
};
