// The run form's values as the user typed them, and their translation into an engine run.
// Pure: no DOM, so the page, a later worker and tests can share it.
import { type DatasetName, isDatasetName, DATASETS } from '../engine/data/loader';
import { ConfigError } from '../engine/errors';
import { DEFAULT_CONFIG, resolveConfig, type TrainConfig } from '../engine/training/config';

/** Every control keeps its text exactly as typed, so an error never loses an entry. */
export interface FormValues {
  dataset: string;
  rule: string;
  hidden: string;
  lr: string;
  epochs: string;
  seed: string;
}

export type FieldName = keyof FormValues;

export const FIELDS: readonly FieldName[] = ['dataset', 'rule', 'hidden', 'lr', 'epochs', 'seed'];

export const DEFAULT_FORM: FormValues = {
  dataset: 'mnist',
  rule: DEFAULT_CONFIG.rule,
  hidden: DEFAULT_CONFIG.hidden.join(','),
  lr: String(DEFAULT_CONFIG.optimizer.lr),
  epochs: '5',
  seed: String(DEFAULT_CONFIG.seed),
};

/** Options that only the URL sets: smaller splits for demos and tests. */
export interface Subsets {
  trainSubset?: number;
  testSubset?: number;
}

/** What a run needs, checked. */
export interface RunSettings extends Subsets {
  dataset: DatasetName;
  epochs: number;
  config: TrainConfig;
}

export const MAX_EPOCHS = 1000;

/**
 * Reads `?dataset=&rule=&hidden=&lr=&epochs=&seed=` (form defaults) and
 * `?trainSubset=&testSubset=` (URL-only). Subsets stay strings here so a bad
 * one is reported when the run starts, like any other entry.
 */
export function readQuery(search: string): { values: Partial<FormValues>; subsets: Partial<Record<keyof Subsets, string>> } {
  const q = new URLSearchParams(search);
  const values: Partial<FormValues> = {};
  for (const f of FIELDS) {
    const v = q.get(f);
    if (v !== null) values[f] = v;
  }
  const subsets: Partial<Record<keyof Subsets, string>> = {};
  for (const k of ['trainSubset', 'testSubset'] as const) {
    const v = q.get(k);
    if (v !== null) subsets[k] = v;
  }
  return { values, subsets };
}

/** Turns the form's text into a checked run; throws ConfigError naming the field at fault. */
export function parseForm(values: FormValues, subsets: Partial<Record<keyof Subsets, string>> = {}): RunSettings {
  if (!isDatasetName(values.dataset)) {
    throw new ConfigError('dataset', `unknown dataset "${values.dataset}". Choose one of: ${Object.keys(DATASETS).join(', ')}.`);
  }
  const hidden = parseHidden(values.hidden);
  const lr = parseNumber('optimizer.lr', values.lr);
  const seed = parseNumber('seed', values.seed);
  const epochs = parseNumber('epochs', values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
    throw new ConfigError('epochs', `must be a whole number from 1 to ${MAX_EPOCHS} (got ${values.epochs.trim()}).`);
  }
  const config = resolveConfig({ rule: values.rule, hidden, seed, optimizer: { lr } });
  const settings: RunSettings = { dataset: values.dataset, epochs, config };
  for (const k of ['trainSubset', 'testSubset'] as const) {
    const raw = subsets[k];
    if (raw === undefined) continue;
    const n = parseNumber(k, raw);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError(k, `must be a whole number of examples, at least 1 (got ${raw}).`);
    settings[k] = n;
  }
  return settings;
}

/** "256, 256" or "256 256" -> [256, 256]; the engine then checks the sizes themselves. */
export function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new ConfigError('hidden', 'give at least one layer size, e.g. "256,256".');
  return parts.map((p, i) => {
    const n = Number(p);
    if (!Number.isFinite(n)) throw new ConfigError(`hidden[${i}]`, `"${p}" is not a number.`);
    return n;
  });
}

function parseNumber(field: string, text: string): number {
  const t = text.trim();
  const n = t === '' ? Number.NaN : Number(t);
  if (!Number.isFinite(n)) throw new ConfigError(field, t === '' ? 'is empty; enter a number.' : `"${t}" is not a number.`);
  return n;
}

/** The form control a ConfigError belongs to, or null when it concerns the run as a whole. */
export function fieldOf(error: ConfigError): FieldName | null {
  const f = error.field;
  if (f === 'hidden' || f.startsWith('hidden[')) return 'hidden';
  if (f === 'optimizer.lr') return 'lr';
  if (f === 'dataset' || f === 'rule' || f === 'epochs' || f === 'seed') return f;
  return null;
}

/** The error's text for display beside its control, without the engine's field prefix. */
export function describeConfigError(error: ConfigError): string {
  const prefix = `${error.field}: `;
  const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  const layer = /^hidden\[(\d+)\]$/.exec(error.field);
  if (layer) return `Layer ${Number(layer[1]) + 1} ${text}`;
  return fieldOf(error) === null ? `${error.field} ${text}` : capitalise(text);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
