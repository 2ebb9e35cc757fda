// One control's text applied to an experiment: parsed, checked with the rest of the
// experiment, and refused with a message a person can act on when it cannot run.
// Pure: no DOM, so it is tested in Node.
import { type Coefficients, PRIMITIVES, type Primitive } from '../../engine/rules/rule';
import {
  compareFor,
  type Experiment,
  type ExperimentDataset,
  type NetworkKind,
  rulesFor,
  settingOf,
  type SpikingSettings,
  validateExperiment,
  defaultExperiment,
} from '../experiment/experiment';
import { LinkValueError } from '../experiment/link-fields';
import { isMoreSetting, type MoreSetting, moreText, withMoreText } from '../experiment/more-settings';
import { toggleIn } from '../views/view-data';

type SpikingKey = keyof SpikingSettings;

/** Every setting the lab's controls edit, named as validateExperiment names them. */
export type Setting =
  | 'dataset'
  | 'trainSubset'
  | 'testSubset'
  | 'network'
  | 'hidden'
  | 'activation'
  | `spiking.${SpikingKey}`
  | 'rule'
  | `coefficients.${Primitive}`
  | 'optimizer.method'
  | 'optimizer.lr'
  | 'optimizer.momentum'
  | 'batchSize'
  | 'seed'
  | 'epochs'
  | MoreSetting;

/** Settings a running session takes as they change; every other one needs a new run. */
export function isLiveSetting(s: Setting): boolean {
  return s === 'optimizer.lr' || s === 'rule' || s.startsWith('coefficients.');
}

export type EditResult = { ok: true; experiment: Experiment } | { ok: false; message: string };

export const TEACHING_DATASETS: readonly ExperimentDataset[] = ['spirals', 'xor', 'circles', 'blobs'];

export function isTeachingDataset(d: string): boolean {
  return (TEACHING_DATASETS as readonly string[]).includes(d);
}

/** `text` for `setting` on top of `e`; refused (with why) when it is not a value or the experiment could not run with it. */
export function applyEdit(e: Experiment, setting: Setting, text: string): EditResult {
  let next: Experiment;
  try {
    next = withSetting(e, setting, text);
  } catch (err) {
    if (err instanceof EditError || err instanceof LinkValueError) return { ok: false, message: err.message };
    throw err;
  }
  const problems = validateExperiment(next);
  if (problems.length === 0) return { ok: true, experiment: next };
  // This control's own problems first; others it caused, named by their setting.
  const own = problems.filter((p) => p.field === setting || settingOf(p.field) === setting || p.field.startsWith(`${setting}[`));
  const shown = own.length > 0 ? own : problems;
  return {
    ok: false,
    message: shown.map((p) => (own.length > 0 ? sentence(p.message, p.field) : `${p.field}: ${p.message}`)).join(' '),
  };
}

/** A problem's message as a sentence: "layer 1 must…" → "Layer 1 must…"; a hidden layer's index is named. */
function sentence(message: string, field: string): string {
  const layer = /^hidden\[(\d+)\]$/.exec(field);
  const text = layer && !message.startsWith('layer') ? `Layer ${Number(layer[1]) + 1} ${message}` : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

class EditError extends Error {}

function withSetting(e: Experiment, setting: Setting, text: string): Experiment {
  const t = text.trim();
  switch (setting) {
    case 'dataset':
      return withDataset(e, t as ExperimentDataset);
    case 'trainSubset':
    case 'testSubset':
      return withOptional(e, setting, t === '' ? undefined : whole(t));
    case 'network':
      return withNetwork(e, t as NetworkKind);
    case 'hidden':
      return { ...e, hidden: sizes(t) };
    case 'activation':
      return { ...e, activation: t as Experiment['activation'] };
    case 'rule':
      // A rule's coefficient overrides belong to it: the next one starts from its own defaults.
      return t === e.rule ? e : { ...e, rule: t, coefficients: {} };
    case 'optimizer.method':
      return { ...e, optimizer: { ...e.optimizer, method: t as Experiment['optimizer']['method'] } };
    case 'optimizer.lr':
      return { ...e, optimizer: { ...e.optimizer, lr: number(t) } };
    case 'optimizer.momentum':
      return { ...e, optimizer: { ...e.optimizer, momentum: number(t) } };
    case 'batchSize':
      return { ...e, batchSize: whole(t) };
    case 'seed':
      return { ...e, seed: whole(t) };
    case 'epochs':
      return { ...e, epochs: whole(t) };
  }
  // The "More settings" read their text as a share link does.
  if (isMoreSetting(setting)) return withMoreText(e, setting, t);
  if (setting.startsWith('spiking.')) {
    const key = setting.slice('spiking.'.length) as SpikingKey;
    const numeric = key === 'beta' || key === 'threshold' || key === 'refractory' || key === 'steps';
    const value = numeric ? (key === 'refractory' || key === 'steps' ? whole(t) : number(t)) : t;
    return { ...e, spiking: { ...e.spiking, [key]: value } };
  }
  if (setting.startsWith('coefficients.')) {
    const key = setting.slice('coefficients.'.length) as Primitive;
    if (!(PRIMITIVES as readonly string[]).includes(key)) throw new EditError(`Unknown coefficient "${key}".`);
    const coefficients: Coefficients = { ...e.coefficients };
    // Empty: the rule's own default again.
    if (t === '') delete coefficients[key];
    else coefficients[key] = number(t);
    return { ...e, coefficients };
  }
  throw new EditError(`Unknown setting "${setting}".`);
}

/** Image sets and 2-D sets differ in size: subsets reset between them, and the boundary view comes with the plane. */
function withDataset(e: Experiment, d: ExperimentDataset): Experiment {
  if (d === e.dataset) return e;
  const crossing = isTeachingDataset(d) !== isTeachingDataset(e.dataset);
  const { trainSubset: _train, testSubset: _test, ...rest } = e;
  const next: Experiment = crossing ? { ...rest, dataset: d } : { ...e, dataset: d };
  if (crossing && isTeachingDataset(d) && !next.views.includes('boundary')) return { ...next, views: ['boundary', ...next.views] };
  return next;
}

function withOptional(e: Experiment, key: 'trainSubset' | 'testSubset', v: number | undefined): Experiment {
  if (v !== undefined) return { ...e, [key]: v };
  const copy = { ...e };
  delete (copy as { trainSubset?: number; testSubset?: number })[key];
  return copy;
}

/** Another kind of network keeps the layers, takes the kind's default rule where the old one does not apply, and shows a raster when spiking. */
function withNetwork(e: Experiment, kind: NetworkKind): Experiment {
  if (kind === e.network) return e;
  if (kind !== 'rate' && kind !== 'spiking') throw new EditError(`Unknown network kind "${kind}". Choose rate or spiking.`);
  const rule = rulesFor(kind).includes(e.rule) ? e.rule : defaultExperiment(kind).rule;
  const views = kind === 'spiking' ? toggleIn(e.views, 'raster', true) : e.views;
  return { ...e, network: kind, rule, coefficients: kind === 'spiking' ? {} : e.coefficients, compare: compareFor(kind, e.compare), views };
}

function number(t: string): number {
  if (t === '') throw new EditError('Enter a number.');
  const n = Number(t);
  if (!Number.isFinite(n)) throw new EditError(`"${t}" is not a number.`);
  return n;
}

function whole(t: string): number {
  const n = number(t);
  if (!Number.isInteger(n)) throw new EditError(`Enter a whole number (got ${t}).`);
  return n;
}

/** "256, 256" or "256 256" → [256, 256]. */
export function sizes(t: string): number[] {
  const parts = t.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new EditError('Give at least one layer size, e.g. "256,256".');
  return parts.map((p, i) => {
    const n = Number(p);
    if (!Number.isFinite(n)) throw new EditError(`Layer ${i + 1}: "${p}" is not a number.`);
    return n;
  });
}

/** The text a control shows for `setting` in `e`. */
export function textOf(e: Experiment, setting: Setting): string {
  switch (setting) {
    case 'trainSubset':
    case 'testSubset':
      return e[setting] === undefined ? '' : String(e[setting]);
    case 'hidden':
      return e.hidden.join(',');
    case 'optimizer.method':
      return e.optimizer.method;
    case 'optimizer.lr':
      return String(e.optimizer.lr);
    case 'optimizer.momentum':
      return String(e.optimizer.momentum);
    case 'dataset':
    case 'network':
    case 'activation':
    case 'rule':
    case 'batchSize':
    case 'seed':
    case 'epochs':
      return String(e[setting]);
  }
  if (isMoreSetting(setting)) return moreText(e, setting);
  if (setting.startsWith('spiking.')) return String(e.spiking[setting.slice('spiking.'.length) as SpikingKey]);
  const c = e.coefficients[setting.slice('coefficients.'.length) as Primitive];
  return c === undefined ? '' : String(c);
}
