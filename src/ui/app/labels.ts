// What the controls call each setting and choice, and the short explanation each shows on hover and focus.
import type { Activation } from '../../engine/kernels/activation';
import type { NeuronModel, Reset, Surrogate } from '../../engine/kernels/lif';
import type { OptimizerName } from '../../engine/kernels/optimizer';
import type { Loss } from '../../engine/kernels/output-loss';
import type { Encoder } from '../../engine/kernels/spike-encode';
import type { Readout } from '../../engine/kernels/spike-readout';
import type { Primitive } from '../../engine/rules/rule';
import { RULES } from '../../engine/rules/registry';
import { TEACHING_SETS } from '../../engine/data/teaching-sets';
import type { EpropFeedback, EpropUpdate } from '../../engine/spiking/eprop-options';
import type { Init, InputScaling, LrSchedule } from '../../engine/training/config';
import type { EmstdpFeedback, ExperimentDataset, FeedbackInput } from '../experiment/experiment';
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
export const LOSS_LABELS: Record<Loss, string> = { 'cross-entropy': 'Cross-entropy', mse: 'Squared error' };
export const INIT_LABELS: Record<Init, string> = { auto: 'Automatic', xavier: 'Xavier', kaiming: 'Kaiming' };
export const INPUT_SCALING_LABELS: Record<InputScaling, string> = { unit: 'As is, [0, 1]', standardize: 'Standardised' };
export const LR_SCHEDULE_LABELS: Record<LrSchedule, string> = { constant: 'Constant', cosine: 'Cosine to 0' };
export const FEEDBACK_INPUT_LABELS: Record<FeedbackInput, string> = { activity: 'Activity', noise: 'White noise' };
export const EPROP_FEEDBACK_LABELS: Record<EpropFeedback, string> = { symmetric: 'Symmetric', random: 'Fixed random', adaptive: 'Adaptive' };
export const EPROP_UPDATE_LABELS: Record<EpropUpdate, string> = { factorised: 'Factorised', online: 'Online' };
export const EMSTDP_FEEDBACK_LABELS: Record<EmstdpFeedback, string> = { symmetric: 'Symmetric', random: 'Fixed random', direct: 'Direct' };

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
  'optimizer.beta1': 'Adam β₁',
  'optimizer.beta2': 'Adam β₂',
  'optimizer.eps': 'Adam ε',
  'optimizer.weightDecay': 'Weight decay',
  'training.loss': 'Loss',
  'training.tiedDecay': 'Tied decay',
  'training.init': 'Initial weights',
  'training.inputScaling': 'Input scaling',
  'training.lrSchedule': 'LR schedule',
  'training.warmupEpochs': 'Warm-up epochs',
  'training.feedbackLr': 'B’s learning rate',
  'training.feedbackInput': 'B’s input',
  'training.feedbackNoiseStd': 'Noise std',
  'training.feedbackUpdateNoise': 'B update noise',
  'spiking.encoderGain': 'Encoder gain',
  'spiking.surrogateSlope': 'Surrogate slope',
  'spiking.alpha': 'Synaptic decay α',
  'spiking.rho': 'Adaptation decay ρ',
  'spiking.gamma': 'Adaptation strength γ',
  'spikingRules.tsslTauM': 'Membrane τ (steps)',
  'spikingRules.tsslTauS': 'Synaptic τ (steps)',
  'spikingRules.epropFeedback': 'Learning signal',
  'spikingRules.epropUpdate': 'Update form',
  'spikingRules.epropKappa': 'Readout decay κ',
  'spikingRules.emstdpFeedback': 'Error pathway',
  'spikingRules.emstdpLr': 'Learning rate',
  'spikingRules.emstdpEpsilon': 'Error threshold ε',
  'spikingRules.bpstdpMu': 'Learning rate μ',
  'spikingRules.bpstdpWindow': 'Window (steps)',
  'spikingRules.bpstdpInputGain': 'Input spike probability',
  'spikingRules.bpstdpTeacherRate': 'Teacher spike probability',
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
  'optimizer.beta1': 'Adam’s decay of its running mean of gradients (0 to just under 1).',
  'optimizer.beta2': 'Adam’s decay of its running mean of squared gradients (0 to just under 1).',
  'optimizer.eps': 'Added to Adam’s denominator so a tiny gradient variance cannot blow up a step.',
  'optimizer.weightDecay': 'L2 penalty on the forward weights and biases: each step shrinks them a little towards zero. 0 turns it off.',
  'training.loss': 'What the output is scored with: cross-entropy of the softmax, or the squared error to the one-hot label. Spiking MSE needs spike counts, not the membrane readout.',
  'training.tiedDecay': 'Kolen-Pollack’s decay of W and B together, which makes B converge to Wᵀ. Empty uses the rule’s own.',
  'training.init': 'How the initial weights are drawn. Automatic picks Kaiming for ReLU-like activations and Xavier for the others.',
  'training.inputScaling': 'Pixels as given in [0, 1], or standardised with the training set’s mean and std (faster for backprop, riskier for random feedback).',
  'training.lrSchedule': 'Keep the learning rate, or let it fall along a cosine to 0 by the last epoch.',
  'training.warmupEpochs': 'Epochs over which the learning rate rises linearly from near 0; keeps rules whose B starts random from blowing up early. 0 turns it off.',
  'training.feedbackLr': 'The learning rate of the backward weights B. Empty uses the forward learning rate.',
  'training.feedbackInput': 'What B’s regulariser sees: the layer’s own activity on the batch, or fresh white noise (as weight mirror does during sleep).',
  'training.feedbackNoiseStd': 'Standard deviation of the white noise driving B’s regulariser.',
  'training.feedbackUpdateNoise': 'Variance of noise added to each update of B, to test how robust the rule is. 0 turns it off.',
  'spiking.encoderGain': 'Multiplies the input: the spike probability of the rate encoders, or the current of direct-current coding.',
  'spiking.surrogateSlope': 'Sharpness of the surrogate derivative: larger is closer to the true step but passes errors only near threshold.',
  'spiking.alpha': 'How much synaptic current is kept from one step to the next (0 to 1).',
  'spiking.rho': 'How much of the raised threshold is kept from one step to the next (0 to 1).',
  'spiking.gamma': 'How far the threshold rises after each spike.',
  'spikingRules.tsslTauM': 'TSSL-BP’s membrane time constant, in steps (at least 1).',
  'spikingRules.tsslTauS': 'TSSL-BP’s post-synaptic potential time constant, in steps (at least 1).',
  'spikingRules.epropFeedback': 'The weights that carry e-prop’s learning signal to the hidden layer: the readout’s transpose, fixed random ones, or ones trained like the readout.',
  'spikingRules.epropUpdate': 'The same update computed two ways: one matrix product over the whole example, or traces per synapse walked forward in time as in the paper.',
  'spikingRules.epropKappa': 'How much of e-prop’s leaky readout is kept from one step to the next (0 to just under 1).',
  'spikingRules.emstdpFeedback': 'How EMSTDP’s error spikes reach the hidden layers: through Wᵀ, fixed random weights, or straight from the output.',
  'spikingRules.emstdpLr': 'EMSTDP’s own learning rate (it uses no optimiser).',
  'spikingRules.emstdpEpsilon': 'Output error accumulated per error spike. Empty scales the paper’s 3 to T.',
  'spikingRules.bpstdpMu': 'BP-STDP’s own learning rate μ (it uses no optimiser).',
  'spikingRules.bpstdpWindow': 'The steps over which BP-STDP counts pre-synaptic spikes before a post-synaptic one.',
  'spikingRules.bpstdpInputGain': 'Spike probability per step of a fully bright input pixel (0 to 1).',
  'spikingRules.bpstdpTeacherRate': 'Spike probability per step of the teacher signal driving the right output (0 to 1).',
};
