// Turns anything thrown into one line on stderr and an exit code. Users see
// what went wrong and what to do; stack traces only for bugs, and only on request.
import { DatasetError } from '../engine/data/errors';
import { ConfigError, PlasticityError } from '../engine/errors';
import { UsageError } from './args';

export const EXIT = { ok: 0, failed: 1, usage: 2, diverged: 3, interrupted: 130 } as const;

export interface Failure {
  message: string;
  code: number;
}

/** Engine config fields and the flags that set them. */
const FIELD_FLAGS: Record<string, string> = {
  hidden: '--hidden',
  activation: '--activation',
  loss: '--loss',
  init: '--init',
  rule: '--rule',
  coefficients: '--coef',
  feedbackInput: '--feedback-input',
  feedbackNoiseStd: '--feedback-noise-std',
  feedbackUpdateNoise: '--update-noise',
  feedbackLr: '--feedback-lr',
  tiedDecay: '--tied-decay',
  'optimizer.method': '--optimizer',
  'optimizer.lr': '--lr',
  'optimizer.momentum': '--momentum',
  'optimizer.weightDecay': '--weight-decay',
  batchSize: '--batch',
  seed: '--seed',
  metricsEvery: '--metrics-every',
  inputScaling: '--input',
  lrSchedule: '--lr-schedule',
  warmupEpochs: '--warmup',
  steps: '--steps',
  encoder: '--encoder',
  encoderGain: '--encoder-gain',
  readout: '--readout',
  'neuron.model': '--neuron',
  'neuron.beta': '--beta',
  'neuron.threshold': '--threshold',
  'neuron.reset': '--reset',
  'neuron.refractory': '--refractory',
  'neuron.alpha': '--synapse-decay',
  'neuron.rho': '--adapt-decay',
  'neuron.gamma': '--adapt-strength',
  'neuron.dt': '--dt',
  'neuron.tauMem': '--tau-mem',
  'neuron.tauSyn': '--tau-syn',
  'neuron.tauAdapt': '--tau-adapt',
  'surrogate.kind': '--surrogate',
  'surrogate.slope': '--surrogate-slope',
  'tssl.tauM': '--tau-m',
  'eprop.feedback': '--eprop-feedback',
  'eprop.update': '--eprop-update',
  'eprop.kappa': '--eprop-kappa',
  'emstdp.feedback': '--emstdp-feedback',
  'emstdp.lr': '--emstdp-lr',
  'emstdp.epsilon': '--emstdp-epsilon',
  'bpstdp.mu': '--bpstdp-mu',
  'bpstdp.window': '--bpstdp-window',
  'tssl.tauS': '--tau-s',
};

/** "hidden[1]" -> "--hidden", "coefficients.amp" -> "--coef amp", unknown fields as they are. */
export function flagForField(field: string): string {
  if (FIELD_FLAGS[field]) return FIELD_FLAGS[field];
  const base = field.replace(/\[\d+\]$/, '');
  if (FIELD_FLAGS[base]) return FIELD_FLAGS[base];
  if (field.startsWith('coefficients.')) return `--coef ${field.slice('coefficients.'.length)}`;
  return field;
}

export function describeFailure(e: unknown): Failure {
  if (e instanceof UsageError) return { message: e.message, code: EXIT.usage };
  if (e instanceof ConfigError) {
    const problem = e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message;
    return { message: `${flagForField(e.field)}: ${problem}`, code: EXIT.usage };
  }
  if (e instanceof DatasetError) return { message: `dataset: ${e.message}`, code: EXIT.failed };
  if (e instanceof PlasticityError) return { message: e.message, code: EXIT.failed };
  const detail = e instanceof Error ? e.message : String(e);
  const stack = process.env.PLASTICITY_DEBUG && e instanceof Error && e.stack ? `\n${e.stack}` : ' (set PLASTICITY_DEBUG=1 for a stack trace)';
  return { message: `internal error: ${detail}${stack}`, code: EXIT.failed };
}

/** Writes the failure on stderr and returns its exit code. */
export function reportFailure(e: unknown): number {
  const f = describeFailure(e);
  process.stderr.write(`plasticity: ${f.message}\n`);
  return f.code;
}
