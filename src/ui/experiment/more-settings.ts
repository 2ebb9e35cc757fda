// The settings beyond the form's main ones (the "More settings" section): which of them
// matter to an experiment, and their text, which is the share link's.
// Pure: no DOM, so it is tested in Node.
import { RULES } from '../../engine/rules/registry';
import { feedbackRuleOf, isStdpRule, type SpikingRule } from '../../engine/spiking/config';
import type { Experiment } from './experiment';
import { fieldBySetting, LinkValueError } from './link-fields';

/** In the order the form shows them. */
export const MORE_SETTINGS = [
  'training.loss',
  'training.init',
  'training.inputScaling',
  'training.lrSchedule',
  'training.warmupEpochs',
  'optimizer.weightDecay',
  'optimizer.beta1',
  'optimizer.beta2',
  'optimizer.eps',
  'training.tiedDecay',
  'training.feedbackLr',
  'training.feedbackInput',
  'training.feedbackNoiseStd',
  'training.feedbackUpdateNoise',
  'spiking.encoderGain',
  'spiking.surrogateSlope',
  'spiking.alpha',
  'spiking.rho',
  'spiking.gamma',
  'spikingRules.tsslTauM',
  'spikingRules.tsslTauS',
  'spikingRules.epropFeedback',
  'spikingRules.epropUpdate',
  'spikingRules.epropKappa',
  'spikingRules.emstdpFeedback',
  'spikingRules.emstdpLr',
  'spikingRules.emstdpEpsilon',
  'spikingRules.bpstdpMu',
  'spikingRules.bpstdpWindow',
  'spikingRules.bpstdpInputGain',
  'spikingRules.bpstdpTeacherRate',
] as const;
export type MoreSetting = (typeof MORE_SETTINGS)[number];

export function isMoreSetting(s: string): s is MoreSetting {
  return (MORE_SETTINGS as readonly string[]).includes(s);
}

/** The rules a run of `e` trains: its own and every compared one. */
function rulesRun(e: Experiment): readonly string[] {
  return [e.rule, ...e.compare];
}

/** Whether `rule` (rate, or spiking through its rate pathway) ties B to W as Kolen-Pollack does. */
function tiesFeedback(rule: string, spiking: boolean): boolean {
  const rateRule = spiking ? feedbackRuleOf(rule as SpikingRule) : rule;
  return RULES.find((r) => r.id === rateRule)?.tied === true;
}

/** Rate rules whose B is its own matrix, which the feedback settings train. */
function learnsFeedback(rule: string): boolean {
  return RULES.find((r) => r.id === rule)?.feedback === 'backward';
}

/**
 * Whether `setting` changes a run of `e`, so the form shows it: spiking-only settings for spiking
 * networks, a rule's options while it is trained (or compared), Adam's for Adam. A setting that
 * does not matter keeps its value, so switching back loses nothing.
 */
export function mattersTo(setting: MoreSetting, e: Experiment): boolean {
  const spiking = e.network === 'spiking';
  const rules = rulesRun(e);
  const training = (rule: string) => rules.includes(rule);
  switch (setting) {
    case 'training.loss':
    case 'optimizer.weightDecay':
      return true;
    case 'training.init':
    case 'training.inputScaling':
      return !spiking;
    case 'training.lrSchedule':
    case 'training.warmupEpochs':
      // The spike-only rules update without an optimiser, so without a schedule.
      return !spiking || rules.some((r) => !isStdpRule(r as SpikingRule));
    case 'optimizer.beta1':
    case 'optimizer.beta2':
    case 'optimizer.eps':
      return e.optimizer.method === 'adam';
    case 'training.tiedDecay':
      return rules.some((r) => tiesFeedback(r, spiking));
    case 'training.feedbackLr':
    case 'training.feedbackInput':
    case 'training.feedbackUpdateNoise':
      return !spiking && rules.some(learnsFeedback);
    case 'training.feedbackNoiseStd':
      return !spiking && rules.some(learnsFeedback) && e.training.feedbackInput === 'noise';
    case 'spiking.encoderGain':
    case 'spiking.surrogateSlope':
      return spiking;
    case 'spiking.alpha':
      return spiking && e.spiking.model === 'synaptic';
    case 'spiking.rho':
    case 'spiking.gamma':
      return spiking && e.spiking.model === 'alif';
    case 'spikingRules.tsslTauM':
    case 'spikingRules.tsslTauS':
      return spiking && training('tssl-bp');
    case 'spikingRules.epropFeedback':
    case 'spikingRules.epropUpdate':
    case 'spikingRules.epropKappa':
      return spiking && training('eprop');
    case 'spikingRules.emstdpFeedback':
    case 'spikingRules.emstdpLr':
    case 'spikingRules.emstdpEpsilon':
      return spiking && training('emstdp');
    case 'spikingRules.bpstdpMu':
    case 'spikingRules.bpstdpWindow':
    case 'spikingRules.bpstdpInputGain':
    case 'spikingRules.bpstdpTeacherRate':
      return spiking && training('bpstdp');
  }
}

/** `setting`'s text in `e`, as a link writes it ('' for none). */
export function moreText(e: Experiment, setting: MoreSetting): string {
  return linkField(setting).write(e);
}

/**
 * `e` with `setting` read from `text` as a link reads it (empty is none where a setting may be none);
 * throws LinkValueError with a sentence for the form. Ranges are validateExperiment's to judge.
 */
export function withMoreText(e: Experiment, setting: MoreSetting, text: string): Experiment {
  try {
    return linkField(setting).read(e, text);
  } catch (err) {
    if (!(err instanceof LinkValueError)) throw err;
    throw new LinkValueError(text.trim() === '' ? 'Enter a value.' : err.message.charAt(0).toUpperCase() + err.message.slice(1));
  }
}

function linkField(setting: MoreSetting) {
  const f = fieldBySetting(setting);
  // Every setting here has a link key (more-settings.test.ts checks it).
  if (!f) throw new Error(`"${setting}" has no link key.`);
  return f;
}
