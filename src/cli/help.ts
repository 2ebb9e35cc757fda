// Help texts; defaults are read from the engine so they cannot drift.
import { ACTIVATIONS } from '../engine/kernels/activation';
import { OPTIMIZERS } from '../engine/kernels/optimizer';
import { LOSSES } from '../engine/kernels/output-loss';
import { PRIMITIVES } from '../engine/rules/rule';
import { ENCODERS } from '../engine/kernels/spike-encode';
import { NEURON_MODELS, RESETS, SURROGATES } from '../engine/kernels/lif';
import { READOUTS } from '../engine/kernels/spike-readout';
import { DEFAULT_SPIKING_CONFIG, SPIKING_RULES } from '../engine/spiking/config';
import { DEFAULT_CONFIG, INITS, INPUT_SCALINGS, LR_SCHEDULES } from '../engine/training/config';
import { sci } from './format';
import { DATASET_NAMES, RULE_IDS, TRAIN_DEFAULTS } from './train-options';

const EXIT_CODES = `Exit codes: 0 done, 1 engine, GPU or dataset error, 2 bad arguments, 3 training diverged, 130 interrupted.`;

export function mainHelp(version: string): string {
  return `plasticity ${version}: train MLPs with biologically plausible learning rules on WebGPU.

Usage:
  plasticity train [options]     train a network and report progress (see 'plasticity train --help')
  plasticity rules [--json]      list the learning rules
  plasticity --help | --version

Example:
  npx plasticity train --dataset mnist --rule fa --hidden 256,256 --epochs 5 --seed 1

${EXIT_CODES}
`;
}

export function trainHelp(): string {
  const d = DEFAULT_CONFIG;
  const sd = DEFAULT_SPIKING_CONFIG;
  const o = d.optimizer;
  return `Usage: plasticity train [options]

Trains a multilayer perceptron on the GPU and prints progress to stderr.

Data
  --dataset NAME            ${DATASET_NAMES.join(' | ')} (default ${TRAIN_DEFAULTS.dataset})
  --data-dir DIR            folder with the .gz IDX files (default: the package's public/datasets)
  --train-subset N          use the first N training examples
  --test-subset N           use the first N test examples

Network and rule
  --rule ID                 ${RULE_IDS.join(' | ')} (default ${d.rule}; see 'plasticity rules')
  --hidden SIZES            hidden layer sizes, comma-separated (default ${d.hidden.join(',')})
  --activation NAME         ${ACTIVATIONS.join(' | ')} (default ${d.activation})
  --loss NAME               ${LOSSES.join(' | ')} (default ${d.loss})
  --init NAME               ${INITS.join(' | ')} (default ${d.init})
  --input NAME              ${INPUT_SCALINGS.join(' | ')}: pixels standardised with the
                            training set's mean and std, or left in [0, 1] (default ${d.inputScaling})
  --seed N                  seeds init, shuffling and noise (default ${d.seed})

Spiking networks (chosen by --neuron or a surrogate-* rule)
  --rule ID                 ${SPIKING_RULES.join(' | ')}:
                            surrogate-gradient BPTT with the error carried down by W^T,
                            random B, direct B, sign(W)^T or Kolen-Pollack's B; or
                            TSSL-BP (PSP neurons, errors at spike times; try --steps 5);
                            or e-prop (eligibility traces, a leaky readout); or the
                            spike-only emstdp and bpstdp (IF neurons, local updates)
                            (default ${sd.rule})
  --neuron NAME             ${NEURON_MODELS.join(' | ')} (default ${sd.neuron.model})
  --steps T                 simulation steps per example (default ${sd.steps})
  --encoder NAME            ${ENCODERS.join(' | ')} (default ${sd.encoder})
  --encoder-gain X          spike-probability (or current) multiplier (default ${sd.encoderGain})
  --beta X                  membrane decay per step, in [0, 1] (default ${sd.neuron.beta})
  --threshold X             firing threshold, > 0 (default ${sd.neuron.threshold})
  --reset NAME              ${RESETS.join(' | ')} (default ${sd.neuron.reset})
  --refractory N            steps without input after a spike (default ${sd.neuron.refractory})
  --synapse-decay X         synaptic-current decay, neuron synaptic (default ${sd.neuron.alpha})
  --adapt-decay X           threshold-adaptation decay, neuron alif (default ${sd.neuron.rho})
  --adapt-strength X        threshold increase per spike, neuron alif (default ${sd.neuron.gamma})
  --dt X --tau-mem X        decays as time constants instead: beta = exp(-dt/tau-mem);
  --tau-syn X --tau-adapt X likewise the synaptic and adaptation decays (dt, taus in one unit)
  --surrogate NAME          ${SURROGATES.join(' | ')} (default ${sd.surrogate.kind})
  --surrogate-slope X       the surrogate's sharpness (default ${sd.surrogate.slope})
  --readout NAME            ${READOUTS.join(' | ')} (default ${sd.readout})
  --propagation NAME        auto | dense | event: input currents by matmul, or summing
                            only inputs that spiked; auto picks per layer from the
                            measured firing rate (default auto)
  --eprop-feedback NAME     symmetric | random | adaptive: e-prop's learning-signal
                            weights (default ${sd.eprop.feedback})
  --eprop-update NAME       factorised | online: one matmul, or per-synapse traces
                            walked forward in time (default ${sd.eprop.update})
  --eprop-kappa X           e-prop's readout decay (default ${sd.eprop.kappa.toFixed(4)})
  --emstdp-feedback NAME    symmetric | random | direct: EMSTDP's error network
                            (default ${sd.emstdp.feedback})
  --emstdp-lr X             EMSTDP's learning rate (default ${sci(sd.emstdp.lr)})
  --emstdp-epsilon X        output error accumulated per error spike (default: the
                            code's 3 at T = 100, scaled to T's phase window, at least 1)
  --bpstdp-mu X             BP-STDP's learning rate mu (default ${sci(sd.bpstdp.mu)})
  --bpstdp-window N         BP-STDP's activity window eps in steps (default ${sd.bpstdp.window})
                            emstdp and bpstdp run their own IF neurons, input code and
                            updates: they read --hidden, --steps, --batch, --seed, their
                            own flags (and emstdp --encoder-gain); others are refused
  --tau-m X, --tau-s X      TSSL-BP's membrane and PSP time constants in steps
                            (default ${sd.tssl.tauM}, ${sd.tssl.tauS})
  Spiking runs default to --optimizer ${sd.optimizer.method} --lr ${sci(sd.optimizer.lr)}, batch ${sd.batchSize},
  and add each layer's firingRate, and warnings (silent, saturated, exploding
  or NaN layers), to the --json records.

Optimiser
  --epochs N                passes over the training set (default ${TRAIN_DEFAULTS.epochs})
  --batch N                 minibatch size (default ${d.batchSize})
  --optimizer NAME          ${OPTIMIZERS.join(' | ')} (default ${o.method})
  --lr X                    learning rate (default ${sci(o.lr)})
  --lr-schedule NAME        ${LR_SCHEDULES.join(' | ')}: cosine falls from --lr to 0 over
                            the run's --epochs (default ${d.lrSchedule})
  --warmup N                epochs of linear learning-rate warm-up from ~0
                            before the schedule (default ${d.warmupEpochs})
  --momentum X              for --optimizer momentum (default ${o.momentum})
  --weight-decay X          L2 on forward weights and biases (default ${o.weightDecay})

Backward weights B
  --coef NAME=X,...         regulariser coefficients training B, overriding the rule's
                            (${PRIMITIVES.join(', ')}), e.g. --coef amp=2e-3,null=1e-3
  --feedback-lr X           B's own learning rate (default: the forward --lr)
  --feedback-input KIND     activity | noise: what drives B's regulariser (default ${d.feedbackInput})
  --feedback-noise-std X    std of that noise (default ${d.feedbackNoiseStd})
  --update-noise X          variance of noise added to B's updates (default ${d.feedbackUpdateNoise})
  --tied-decay X            decay of W and B for tied rules (kp; default: the rule's)

Output
  --metrics-every N         steps between metric records (default ${TRAIN_DEFAULTS.metricsEvery})
  --bp-angles               also measure the angle to backprop's update (slower)
  --json                    one JSON object per metric record on stdout, nothing else:
                            {epoch, step, trainLoss, trainAcc, testAcc, testLoss, layers:[{layer,
                            weightAngle, gradientAngle, bpAngle, weightNorm, feedbackNorm}],
                            samplesPerSec, elapsedSec, device}
  -h, --help                this text

${EXIT_CODES}
`;
}

export function rulesHelp(): string {
  return `Usage: plasticity rules [--json]

Lists every learning rule: id, name, locality, feedback pathway, the default
coefficients of the regulariser that trains B, tied decay, and a summary.
  --json      a JSON array instead of text
`;
}
