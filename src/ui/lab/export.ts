// What a run can be saved as, and read back: its metrics as CSV or JSON, and its trained
// network as a model file (format in docs/model-format.md). Pure: no DOM, so it is tested
// in Node; the download buttons are in export-menu.ts.
import { ConfigError } from '../../engine/errors';
import type { TrainerSnapshot } from '../../engine/session/trainer-snapshot';
import { type Experiment, show, validateExperiment } from '../experiment/experiment';
import { encodeExperiment } from '../experiment/share-link';
import { withOmittedSettings } from '../experiment/link-fields';
import type { AnyMetricsRecord } from './compare-series';
import { networkSizesOf } from './experiment-spec';

/** One rule's records: a single run is one series, a comparison one per rule. */
export interface MetricsSeries {
  readonly rule: string;
  readonly records: readonly AnyMetricsRecord[];
}

// ---- metrics ----

export const METRICS_FORMAT = 'plasticity-lab/metrics';
export const METRICS_VERSION = 1;

/** The record fields every CSV has, in order, with their column names. */
const RECORD_COLUMNS = [
  ['step', 'step'],
  ['epoch', 'epoch'],
  ['trainLoss', 'train_loss'],
  ['trainAcc', 'train_acc'],
  ['testLoss', 'test_loss'],
  ['testAcc', 'test_acc'],
  ['samplesPerSec', 'samples_per_sec'],
  ['elapsedSec', 'elapsed_sec'],
  ['diverged', 'diverged'],
] as const;

/**
 * The records as CSV: a header, then one row per record, each led by its rule, so a
 * comparison fits one file. Per-layer metrics follow as layer{n}_{metric} columns
 * (layer1_weight_angle...), the union over every record; an empty cell is a value the
 * record does not have (a test accuracy between epochs), NaN one that is not a number.
 * The settings are in the JSON export (and its share link), not here.
 */
export function metricsCsv(series: readonly MetricsSeries[]): string {
  const layerColumns = layerColumnsOf(series);
  const header = ['rule', ...RECORD_COLUMNS.map(([, name]) => name), ...layerColumns.map((c) => c.name)];
  const rows = [header.join(',')];
  for (const s of series) {
    for (const r of s.records) {
      const fields = RECORD_COLUMNS.map(([key]) => cell((r as unknown as Record<string, unknown>)[key]));
      const layers = layerColumns.map((c) => cell((r.layers.find((l) => l.layer === c.layer) as Record<string, unknown> | undefined)?.[c.key]));
      rows.push([csvText(s.rule), ...fields, ...layers].join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}

/**
 * The records as JSON, with the experiment and its share link so that the run can be
 * reproduced. JSON has no NaN: a value that is not a number (the step-0 record's train
 * loss) is written as null.
 */
export function metricsJson(e: Experiment, series: readonly MetricsSeries[]): string {
  const doc = {
    format: METRICS_FORMAT,
    version: METRICS_VERSION,
    experiment: e,
    link: encodeExperiment(e),
    runs: series.map((s) => ({ rule: s.rule, records: s.records })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

interface LayerColumn {
  layer: number;
  key: string;
  name: string;
}

/** layer{n}_{field} for every numeric per-layer field any record has, by layer, fields in first-seen order. */
function layerColumnsOf(series: readonly MetricsSeries[]): LayerColumn[] {
  const keys: string[] = [];
  const layers = new Set<number>();
  for (const s of series) {
    for (const r of s.records) {
      for (const l of r.layers) {
        layers.add(l.layer);
        for (const [k, v] of Object.entries(l)) {
          if (k !== 'layer' && (typeof v === 'number' || v === null) && !keys.includes(k)) keys.push(k);
        }
      }
    }
  }
  return [...layers].sort((a, b) => a - b).flatMap((layer) => keys.map((key) => ({ layer, key, name: `layer${layer}_${snakeCase(key)}` })));
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'boolean') return String(v);
  return csvText(String(v));
}

/** Quoted where a reader would otherwise split it. */
function csvText(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// ---- model files ----

export const MODEL_FORMAT = 'plasticity-lab/model';
/** The version this page writes; it reads this one and every older one. */
export const MODEL_VERSION = 1;
/** How each array's bytes are laid out: IEEE 754 single precision, little-endian, row-major. */
export const MODEL_DTYPE = 'float32-le';

/** One parameter array: its shape (rows first) and its bytes as base64. */
export interface EncodedArray {
  shape: number[];
  dtype: typeof MODEL_DTYPE;
  data: string;
}

/** A trained network as a file: see docs/model-format.md. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** The settings that continue this network: its rule, coefficients and learning rate as they were when saved. */
  experiment: Experiment;
  /** The experiment as a share link, for a person reading the file. */
  link: string;
  /** Layer sizes, input and output included. */
  sizes: number[];
  /** Where training stood when it was saved. */
  step: number;
  epoch: number;
  /** layer{n}.W [out, in], layer{n}.b [out], layer{n}.B [in, out] or [in, classes] where the rule has one. */
  parameters: Record<string, EncodedArray>;
}

/** A model file read and checked: what the page needs to train or show it again. */
export interface ImportedModel {
  experiment: Experiment;
  sizes: number[];
  step: number;
  epoch: number;
  /** By snapshot buffer name (layer1.W...). */
  parameters: Record<string, Float32Array>;
}

export type ModelImport = { ok: true; model: ImportedModel } | { ok: false; problems: string[] };

/** The parameters a model file carries; optimiser moments and the like are left out. */
const PARAMETER = /^layer(\d+)\.(W|b|B)$/;

/**
 * `snapshot`'s network as a model file. `e` is the experiment it was trained from (for a
 * comparison, the experiment that was compared); the file's experiment takes the rule,
 * coefficients and learning rate in force in the snapshot, and compares nothing.
 * Refuses (ConfigError) a snapshot of another network than `e`'s, or one whose weights are
 * not finite: such a file could not be read back.
 */
export function modelFile(e: Experiment, snapshot: TrainerSnapshot): ModelFile {
  const experiment = experimentOf(e, snapshot);
  const problem = validateExperiment(experiment)[0];
  if (problem) throw new ConfigError(problem.field, problem.message);
  const sizes = networkSizesOf(experiment);
  const parameters: Record<string, EncodedArray> = {};
  for (const [name, values] of Object.entries(snapshot.buffers)) {
    const m = PARAMETER.exec(name);
    if (!m) continue;
    const shape = expectedShapes(sizes, Number(m[1]), m[2] as 'W' | 'b' | 'B').find((s) => product(s) === values.length);
    if (!shape) throw new ConfigError('snapshot', `holds ${values.length} values of ${name}, which no layer of the ${sizes.join('-')} network has; save it with the experiment it was trained from.`);
    const bad = firstNonFinite(values);
    if (bad >= 0) {
      throw new ConfigError('snapshot', `has a value that is not a number in ${name} (index ${bad}): the network diverged. Rewind to a healthy step, then save the model.`);
    }
    parameters[name] = { shape, dtype: MODEL_DTYPE, data: encodeFloat32(values) };
  }
  for (let l = 1; l < sizes.length; l++) {
    if (!parameters[`layer${l}.W`]) throw new ConfigError('snapshot', `has no layer${l}.W; save it with the experiment it was trained from.`);
  }
  const p = snapshot.position;
  return { format: MODEL_FORMAT, version: MODEL_VERSION, experiment, link: encodeExperiment(experiment), sizes, step: p.step, epoch: p.epoch, parameters };
}

/** `modelFile` as the text of a .json file. */
export function modelFileText(e: Experiment, snapshot: TrainerSnapshot): string {
  return `${JSON.stringify(modelFile(e, snapshot), null, 1)}\n`;
}

/** The experiment that continues `snapshot`: a rule switched or a rate changed mid-run is what the network now has. */
function experimentOf(e: Experiment, s: TrainerSnapshot): Experiment {
  const rule = s.config.rule;
  const coefficients = s.kind === 'rate' ? { ...s.config.coefficients } : {};
  return { ...e, rule, coefficients, compare: [], optimizer: { ...e.optimizer, lr: s.config.optimizer.lr } };
}

/**
 * Reads a model file's text and checks everything the page relies on: the format and
 * version, the experiment, the layer sizes against the experiment's network, and each
 * array's shape, encoding, length and values. Never throws: it returns the model, or
 * every problem found, each a sentence that says what is wrong.
 */
export function readModelFile(text: string): ModelImport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return fail(`This file is not JSON (${why}); choose a model file saved by Plasticity Lab (a .json file).`);
  }
  if (!isRecord(doc)) return fail(`This file holds ${show(doc)}, not a model; a model file is a JSON object with "format": "${MODEL_FORMAT}".`);

  if (doc.format === METRICS_FORMAT) return fail('This is a metrics file (its format is "plasticity-lab/metrics"); open a model file instead, saved with "Model as JSON".');
  if (doc.format !== MODEL_FORMAT) {
    const what = doc.format === undefined ? 'has no "format"' : `has the format ${show(doc.format)}`;
    return fail(`This file ${what}; a model file saved by Plasticity Lab has "format": "${MODEL_FORMAT}".`);
  }
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail(`The model file's version is ${show(version)}; it must be a whole number from 1 (this page writes ${MODEL_VERSION}).`);
  }
  if (version > MODEL_VERSION) {
    return fail(`This model file has version ${version}, newer than the version ${MODEL_VERSION} this page reads. Reload the page to get the newest Plasticity Lab, then open it again.`);
  }

  if (!isRecord(doc.experiment)) return fail(`The model file has no experiment (found ${show(doc.experiment)}); it cannot say which network it holds.`);
  // A file saved before some settings existed holds them implicitly, at their link baselines.
  const experiment = withOmittedSettings(doc.experiment as unknown as Experiment);
  const invalid = safeProblems(experiment);
  if (invalid.length > 0) return { ok: false, problems: invalid.map((p) => `The model's experiment is not valid: ${p}`) };

  const problems: string[] = [];
  const expected = networkSizesOf(experiment);
  const sizes = doc.sizes;
  if (!Array.isArray(sizes) || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    problems.push(`The model's "sizes" is ${show(sizes)}; it must list the layer sizes as whole numbers, input and output included (${expected.join(', ')}).`);
  } else if (sizes.join('-') !== expected.join('-')) {
    problems.push(
      `The model's layer sizes ${sizes.join('-')} do not match its experiment's network, ${expected.join('-')} (${experiment.dataset}, hidden ${experiment.hidden.join(', ')}).`,
    );
  }
  for (const key of ['step', 'epoch'] as const) {
    const v = doc[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) problems.push(`The model's "${key}" is ${show(v)}; it must be a whole number from 0.`);
  }

  const parameters: Record<string, Float32Array> = {};
  if (!isRecord(doc.parameters)) {
    problems.push(`The model file has no "parameters" (found ${show(doc.parameters)}); it must map each array's name (layer1.W...) to its shape and data.`);
  } else {
    const names = expectedNames(expected);
    for (const [name, entry] of Object.entries(doc.parameters)) {
      const m = PARAMETER.exec(name);
      const layer = m ? Number(m[1]) : 0;
      if (!m || layer < 1 || layer >= expected.length) {
        problems.push(`The model holds "${clip(name)}", which is no parameter of a ${expected.join('-')} network (it has ${names.join(', ')}, and B where the rule has one).`);
        continue;
      }
      const values = readArray(name, entry, expectedShapes(expected, layer, m[2] as 'W' | 'b' | 'B'), problems);
      if (values) parameters[name] = values;
    }
    for (const name of names) {
      if (!(name in doc.parameters)) problems.push(`The model has no ${name}; every layer needs its weights W and biases b.`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, model: { experiment, sizes: expected, step: doc.step as number, epoch: doc.epoch as number, parameters } };
}

/**
 * A snapshot to restore: `fresh` (taken at step 0 of a run started from the model's
 * experiment, so with its optimiser state, clock and position) with the model's arrays in
 * place of its own. Training from it continues the saved network as a new run: step 0,
 * optimiser moments zero. Throws ConfigError where `fresh` is of another network.
 */
export function restoreSnapshot(model: ImportedModel, fresh: TrainerSnapshot): TrainerSnapshot {
  const e = model.experiment;
  if (fresh.kind !== e.network) throw new ConfigError('snapshot', `is of a ${fresh.kind} network and the model a ${e.network} one; start the run from the model's experiment first.`);
  if (fresh.config.rule !== e.rule) throw new ConfigError('snapshot', `trains ${fresh.config.rule} and the model ${e.rule}; start the run from the model's experiment first.`);
  const buffers: Record<string, Float32Array> = { ...fresh.buffers };
  for (const [name, values] of Object.entries(model.parameters)) {
    const own = fresh.buffers[name];
    if (!own) throw new ConfigError('snapshot', `has no ${name}, which the model carries; start the run from the model's experiment first.`);
    if (own.length !== values.length) throw new ConfigError('snapshot', `has ${own.length} values of ${name} and the model ${values.length}; start the run from the model's experiment first.`);
    buffers[name] = values.slice();
  }
  return { ...fresh, buffers };
}

/** The shapes a layer's array may have: W [out, in], b [out], B [in, out] (feedback per layer) or [in, classes] (direct). */
function expectedShapes(sizes: readonly number[], layer: number, what: 'W' | 'b' | 'B'): number[][] {
  const nIn = sizes[layer - 1]!;
  const nOut = sizes[layer]!;
  if (what === 'W') return [[nOut, nIn]];
  if (what === 'b') return [[nOut]];
  const classes = sizes[sizes.length - 1]!;
  return classes === nOut ? [[nIn, nOut]] : [[nIn, nOut], [nIn, classes]];
}

function expectedNames(sizes: readonly number[]): string[] {
  const out: string[] = [];
  for (let l = 1; l < sizes.length; l++) out.push(`layer${l}.W`, `layer${l}.b`);
  return out;
}

/** One array checked against its allowed shapes and decoded; null (with problems added) where it cannot be used. */
function readArray(name: string, entry: unknown, shapes: number[][], problems: string[]): Float32Array | null {
  const wanted = shapes.map((s) => `[${s.join(', ')}]`).join(' or ');
  if (!isRecord(entry)) {
    problems.push(`${name} is ${show(entry)}; it must be an object with "shape", "dtype" and "data".`);
    return null;
  }
  if (entry.dtype !== MODEL_DTYPE) {
    problems.push(`${name} has dtype ${show(entry.dtype)}; this page reads "${MODEL_DTYPE}" (32-bit floats, little-endian).`);
    return null;
  }
  const shape = entry.shape;
  if (!Array.isArray(shape) || !shapes.some((s) => s.length === shape.length && s.every((n, i) => n === shape[i]))) {
    problems.push(`${name} has shape ${show(shape)}; this network needs ${wanted}.`);
    return null;
  }
  if (typeof entry.data !== 'string') {
    problems.push(`${name}'s data is ${show(entry.data)}; it must be the array's bytes as a base64 string.`);
    return null;
  }
  const values = decodeFloat32(entry.data);
  if (values === null) {
    problems.push(`${name}'s data is not base64 of whole 32-bit floats (${entry.data.length} characters); the file may be cut short or edited.`);
    return null;
  }
  const n = product(shape as number[]);
  if (values.length !== n) {
    problems.push(`${name} holds ${values.length} values where its shape [${shape.join(', ')}] needs ${n}; the file may be cut short or edited.`);
    return null;
  }
  const bad = countNonFinite(values);
  if (bad.count > 0) {
    problems.push(
      `${name} holds ${bad.count} value${bad.count === 1 ? '' : 's'} that ${bad.count === 1 ? 'is' : 'are'} not a finite number (NaN or ±∞), the first at index ${bad.first}: the network had diverged when it was saved.`,
    );
    return null;
  }
  return values;
}

// ---- float32 arrays as base64 ----

/** `values` as base64 of their IEEE 754 single-precision bytes, little-endian whatever the machine. */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i]!, true);
  // In pieces: String.fromCharCode takes its bytes as arguments, and arguments are limited.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The floats `text` encodes, or null where it is not base64 of a whole number of floats. */
export function decodeFloat32(text: string): Float32Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  if (binary.length % 4 !== 0) return null;
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

// ---- file names ----

/** A file name that says what it holds: plasticity-mnist-fa-metrics.csv, plasticity-spirals-bp-vs-fa-metrics.json. */
export function exportFileName(e: Experiment, rules: readonly string[], what: string, extension: string): string {
  const slug = [e.dataset, rules.join('-vs-'), what].join('-').replace(/[^a-z0-9-]+/gi, '-');
  return `plasticity-${slug}.${extension}`;
}

// ---- small helpers ----

function fail(problem: string): ModelImport {
  return { ok: false, problems: [problem] };
}

/** validateExperiment on a value from a file, as sentences; a value too malformed to check is one problem. */
function safeProblems(e: Experiment): string[] {
  try {
    return validateExperiment(e).map((p) => `${p.field} ${p.message}`);
  } catch (err) {
    return [`it cannot be read (${err instanceof Error ? err.message : String(err)}).`];
  }
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

function countNonFinite(values: Float32Array): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) continue;
    if (first < 0) first = i;
    count++;
  }
  return { count, first };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
