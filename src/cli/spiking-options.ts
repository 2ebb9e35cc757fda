// `plasticity train` for spiking networks: chosen by --neuron or a surrogate-*
// rule. Flags -> a validated SpikingConfig; rate-only flags are refused.
import { ENCODERS } from '../engine/kernels/spike-encode';
import { NEURON_MODELS, RESETS, SURROGATES } from '../engine/kernels/lif';
import { LOSSES } from '../engine/kernels/output-loss';
import { READOUTS } from '../engine/kernels/spike-readout';
import { EPROP_FEEDBACKS, EPROP_UPDATES } from '../engine/spiking/eprop-options';
import { LR_SCHEDULES } from '../engine/training/config';
import { type NeuronInput, SPIKING_RULES, STDP_RULES, type SpikingConfig, type SpikingConfigInput, resolveSpikingConfig } from '../engine/spiking/config';
import { optimizerFlags } from './optimizer-flags';
import { choiceFlag, type FlagKinds, numberFlag, type ParsedArgs, sizeListFlag, UsageError } from './args';

export const SPIKING_FLAGS: FlagKinds = {
  neuron: 'value',
  steps: 'value',
  encoder: 'value',
  'encoder-gain': 'value',
  beta: 'value',
  threshold: 'value',
  reset: 'value',
  refractory: 'value',
  'synapse-decay': 'value',
  'adapt-decay': 'value',
  'adapt-strength': 'value',
  surrogate: 'value',
  'surrogate-slope': 'value',
  readout: 'value',
  'tau-m': 'value',
  dt: 'value',
  'tau-mem': 'value',
  'tau-syn': 'value',
  'tau-adapt': 'value',
  propagation: 'value',
  'eprop-feedback': 'value',
  'eprop-update': 'value',
  'eprop-kappa': 'value',
  'emstdp-feedback': 'value',
  'emstdp-lr': 'value',
  'emstdp-epsilon': 'value',
  'bpstdp-mu': 'value',
  'bpstdp-window': 'value',
  'tau-s': 'value',
};

/** Flags that only mean something for rate networks. */
const RATE_ONLY = ['activation', 'init', 'input', 'coef', 'feedback-lr', 'feedback-input', 'feedback-noise-std', 'update-noise', 'bp-angles'];

/**
 * Flags the spike-only rules never read: they run their own integrate-and-fire
 * neurons, input code, readout and local update (stdp-trainer.ts), so a flag
 * here would change nothing. Refused rather than silently ignored.
 */
const NOT_READ_BY_STDP = [
  'neuron', 'beta', 'threshold', 'reset', 'refractory', 'synapse-decay', 'adapt-decay', 'adapt-strength', 'dt', 'tau-mem', 'tau-syn', 'tau-adapt',
  'encoder', 'surrogate', 'surrogate-slope', 'readout', 'loss', 'propagation', 'optimizer', 'lr', 'momentum', 'weight-decay', 'tied-decay',
  'eprop-feedback', 'eprop-update', 'eprop-kappa', 'tau-m', 'tau-s', 'lr-schedule', 'warmup',
];
const NOT_READ_BY: Record<(typeof STDP_RULES)[number], string[]> = {
  emstdp: [...NOT_READ_BY_STDP, 'bpstdp-mu', 'bpstdp-window'],
  // BP-STDP's input spikes have their own probability (bpstdp.inputGain).
  bpstdp: [...NOT_READ_BY_STDP, 'encoder-gain', 'emstdp-feedback', 'emstdp-lr', 'emstdp-epsilon'],
};

/** A spiking run is asked for by a neuron flag or a surrogate-gradient rule. */
export function wantsSpiking(args: ParsedArgs): boolean {
  const rule = args.values.get('rule');
  return args.values.has('neuron') || (rule !== undefined && (SPIKING_RULES as string[]).includes(rule));
}

/** `epochs`: the run's length, which a cosine schedule spans. */
export function spikingConfig(args: ParsedArgs, epochs: number): SpikingConfig {
  for (const flag of RATE_ONLY) {
    if (args.values.has(flag) || args.switches.has(flag)) {
      throw new UsageError(`--${flag}`, `applies to rate networks, not spiking ones (--neuron or a surrogate-* rule); remove it.`);
    }
  }
  const rule = choiceFlag(args, 'rule', SPIKING_RULES, ` Spiking networks train with ${SPIKING_RULES.join(', ')}.`);
  if (rule === 'emstdp' || rule === 'bpstdp') {
    const unread = NOT_READ_BY[rule].find((flag) => args.values.has(flag));
    if (unread) {
      throw new UsageError(`--${unread}`, `is not read by ${rule}, which runs its own integrate-and-fire neurons, input code and local updates; remove it (see 'plasticity train --help' for ${rule}'s own flags).`);
    }
  }
  const neuron: NeuronInput = {};
  const setN = <K extends keyof NeuronInput>(key: K, v: NeuronInput[K] | undefined) => {
    if (v !== undefined) neuron[key] = v;
  };
  setN('model', choiceFlag(args, 'neuron', NEURON_MODELS));
  setN('beta', numberFlag(args, 'beta', { min: 0 }));
  setN('threshold', numberFlag(args, 'threshold'));
  setN('reset', choiceFlag(args, 'reset', RESETS));
  setN('refractory', numberFlag(args, 'refractory', { integer: true, min: 0 }));
  setN('alpha', numberFlag(args, 'synapse-decay', { min: 0 }));
  setN('rho', numberFlag(args, 'adapt-decay', { min: 0 }));
  setN('gamma', numberFlag(args, 'adapt-strength', { min: 0 }));
  setN('dt', numberFlag(args, 'dt'));
  setN('tauMem', numberFlag(args, 'tau-mem'));
  setN('tauSyn', numberFlag(args, 'tau-syn'));
  setN('tauAdapt', numberFlag(args, 'tau-adapt'));

  const optimizer = optimizerFlags(args);

  const partial: SpikingConfigInput = { neuron, optimizer };
  const set = <K extends keyof SpikingConfigInput>(key: K, v: SpikingConfigInput[K] | undefined) => {
    if (v !== undefined) partial[key] = v;
  };
  set('rule', rule);
  set('hidden', sizeListFlag(args, 'hidden'));
  set('steps', numberFlag(args, 'steps', { integer: true, min: 1 }));
  set('encoder', choiceFlag(args, 'encoder', ENCODERS));
  set('encoderGain', numberFlag(args, 'encoder-gain', { min: 0 }));
  set('readout', choiceFlag(args, 'readout', READOUTS));
  set('loss', choiceFlag(args, 'loss', LOSSES));
  set('seed', numberFlag(args, 'seed', { integer: true, min: 0 }));
  set('batchSize', numberFlag(args, 'batch', { integer: true, min: 1 }));
  set('tiedDecay', numberFlag(args, 'tied-decay', { min: 0 }));
  set('lrSchedule', choiceFlag(args, 'lr-schedule', LR_SCHEDULES));
  set('warmupEpochs', numberFlag(args, 'warmup', { min: 0 }));
  partial.scheduleEpochs = epochs;
  const tauM = numberFlag(args, 'tau-m', { min: 1 });
  const tauS = numberFlag(args, 'tau-s', { min: 1 });
  if (tauM !== undefined || tauS !== undefined) partial.tssl = { ...(tauM !== undefined ? { tauM } : {}), ...(tauS !== undefined ? { tauS } : {}) };
  const epropFeedback = choiceFlag(args, 'eprop-feedback', EPROP_FEEDBACKS);
  const epropUpdate = choiceFlag(args, 'eprop-update', EPROP_UPDATES);
  const kappa = numberFlag(args, 'eprop-kappa', { min: 0 });
  partial.eprop = {
    ...(epropFeedback ? { feedback: epropFeedback } : {}),
    ...(epropUpdate ? { update: epropUpdate } : {}),
    ...(kappa !== undefined ? { kappa } : {}),
  };
  const emstdpFeedback = choiceFlag(args, 'emstdp-feedback', ['symmetric', 'random', 'direct'] as const);
  const emstdpLr = numberFlag(args, 'emstdp-lr', { min: 0 });
  const emstdpEpsilon = numberFlag(args, 'emstdp-epsilon', { min: 0 });
  partial.emstdp = {
    ...(emstdpFeedback ? { feedback: emstdpFeedback } : {}),
    ...(emstdpLr !== undefined ? { lr: emstdpLr } : {}),
    ...(emstdpEpsilon !== undefined ? { epsilon: emstdpEpsilon } : {}),
  };
  const mu = numberFlag(args, 'bpstdp-mu', { min: 0 });
  const window = numberFlag(args, 'bpstdp-window', { integer: true, min: 1 });
  partial.bpstdp = { ...(mu !== undefined ? { mu } : {}), ...(window !== undefined ? { window } : {}) };
  const kind = choiceFlag(args, 'surrogate', SURROGATES);
  const slope = numberFlag(args, 'surrogate-slope');
  if (kind !== undefined || slope !== undefined) partial.surrogate = { ...(kind ? { kind } : {}), ...(slope !== undefined ? { slope } : {}) };
  return resolveSpikingConfig(partial);
}

export const PROPAGATIONS = ['auto', 'dense', 'event'] as const;

/** How input currents are computed (--propagation); 'auto' by measured firing rate. */
export function propagationFlag(args: ParsedArgs): (typeof PROPAGATIONS)[number] {
  return choiceFlag(args, 'propagation', PROPAGATIONS) ?? 'auto';
}
