// The user's own data: a CSV file, or an IDX images + labels pair (raw or gzipped), checked cell by
// cell and header by header, turned into a Dataset. One file (or pair) is split into train and test.
import { ConfigError } from '../errors';
import { Rng, shuffledIndices } from '../rng';
import { DatasetError, describeError } from './errors';
import { gunzipStream, isGzip, readAll, streamOf } from './gunzip';
import { type IdxFile, parseIdx } from './idx';
import type { Dataset, DatasetSplit } from './loader';

/** The engine's labels are bytes. */
export const MAX_CLASSES = 256;
/** Inputs per example: a 64x64 image. */
export const MAX_FEATURES = 4096;
/** Square feature counts from 8x8 up are shown as images; smaller ones (4 = 2x2) are more likely a table. */
export const MIN_IMAGE_SIDE = 8;
/** Header names that mark the label column, in order of preference (case ignored). */
export const LABEL_COLUMN_NAMES = ['label', 'class', 'y'] as const;

export interface UserDataOptions {
  /** Share of the examples held out for testing when no test file is given; default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle that picks the test examples; default 0. */
  seed?: number;
  /** Number of classes; default the largest label + 1. Labels at or above it are refused. */
  classes?: number;
  /** Image shape; default a square when the feature count is one from 8x8 up, else 1 x features. */
  shape?: { rows: number; cols: number };
  /** Dataset name; default the (train) file name without its extension. */
  name?: string;
}

export interface UserCsvOptions extends UserDataOptions {
  /** A separate test file; then nothing is split off the first. */
  test?: { text: string; fileName: string };
}

export interface IdxFileNames {
  images: string;
  labels: string;
}

export interface UserIdxOptions extends UserDataOptions {
  /** A separate test pair; then nothing is split off the first. */
  test?: { images: Uint8Array; labels: Uint8Array; names: IdxFileNames };
}

/** Examples as read from a file, before scaling and splitting. */
interface Examples {
  /** The file the labels come from (a CSV, or the IDX labels file). */
  file: string;
  /** The file the features come from (the same CSV, or the IDX images file). */
  featuresFile: string;
  count: number;
  features: number;
  /** count x features values: bytes while every value is a whole number 0..255, else floats. */
  values: Uint8Array | Float32Array;
  labels: Uint8Array;
  /** Where each example's label was read, for error messages ("line 7, column 1"). */
  labelAt: (i: number) => string;
}

// ---------------------------------------------------------------- CSV

// Pixel rule: if every feature in the file (and the test file) is a whole number in 0..255 the
// values are kept as they are; otherwise the whole file is min-max scaled to 0..255 with one range
// (the training file's smallest and largest value; test values outside it are clamped), so images
// keep their contrast. Features are not scaled one by one.

/**
 * Parses a CSV of one example per line: a label column and numeric features. The first row is a
 * header if any of its non-empty cells is not a number; the label column is the one named label, class or y
 * there, else the first column. Comma, semicolon or tab separated; blank lines are skipped.
 */
export function parseUserCsv(text: string, fileName: string, opts: UserCsvOptions = {}): Dataset {
  checkOptions(opts);
  const train = readCsv(text, fileName, undefined);
  const test = opts.test ? readCsv(opts.test.text, opts.test.fileName, { features: train.features, file: fileName }) : undefined;
  return toDataset(train, test, opts);
}

interface Row {
  line: number;
  cells: string[];
}

function readCsv(text: string, file: string, trainFile: { features: number; file: string } | undefined): Examples {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const firstIndex = lines.findIndex((l) => l.trim() !== '');
  if (firstIndex < 0) {
    throw new DatasetError(file, 'the file is empty. Choose a CSV with one example per line: a label and its features.');
  }
  const delimiter = detectDelimiter(lines[firstIndex]!);
  const first: Row = { line: firstIndex + 1, cells: splitCsvLine(lines[firstIndex]!, delimiter) };
  const width = first.cells.length;
  // An empty cell alone does not make a header: it is a missing value, reported below.
  const hasHeader = first.cells.some((c) => c.trim() !== '' && parseNumber(c) === undefined);
  const header = hasHeader ? first.cells.map((c) => c.trim()) : undefined;
  const labelColumn = header ? findLabelColumn(header) : 0;
  const features = width - 1;
  const at = (line: number, col: number) => `line ${line}, column ${col + 1}${header?.[col] ? ` ("${header[col]}")` : ''}`;

  if (width < 2) {
    throw new DatasetError(
      file,
      `line ${first.line} has ${plural(width, 'column')}; expected a label and at least one feature, separated by commas. ` +
        'Check the separator (comma, semicolon or tab).',
    );
  }
  if (features > MAX_FEATURES) {
    throw new DatasetError(
      file,
      `line ${first.line} has ${width} columns: ${features} features, more than the ${MAX_FEATURES} supported. ` +
        'Use smaller images or fewer features.',
    );
  }
  if (trainFile && features !== trainFile.features) {
    throw new DatasetError(
      file,
      `line ${first.line} has ${plural(features, 'feature')} but ${trainFile.file} has ${trainFile.features}; ` +
        'train and test files need the same columns.',
    );
  }

  const dataLines: number[] = [];
  for (let i = hasHeader ? firstIndex + 1 : firstIndex; i < lines.length; i++) {
    if (lines[i]!.trim() !== '') dataLines.push(i);
  }
  // A file that is split must leave one example on each side.
  const min = trainFile ? 1 : 2;
  if (dataLines.length < min) {
    const has = dataLines.length === 0 ? 'no examples' : `only ${plural(dataLines.length, 'example')}`;
    const need = trainFile ? 'at least one' : 'at least two (one to train on, one to test)';
    throw new DatasetError(file, `has ${has}${hasHeader ? ' below its header' : ''}; it needs ${need}. Add rows of data.`);
  }

  const count = dataLines.length;
  let values: Uint8Array | Float32Array = new Uint8Array(count * features);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const line = dataLines[r]! + 1;
    const cells = r === 0 && !hasHeader ? first.cells : splitCsvLine(lines[dataLines[r]!]!, delimiter);
    if (cells.length !== width) {
      const firstRow = hasHeader ? `the header (line ${first.line})` : `line ${first.line}`;
      throw new DatasetError(
        file,
        `line ${line} has ${plural(cells.length, 'column')} but ${firstRow} has ${width}; every row needs the same number. ` +
          'Fill in or remove the missing or extra cells.',
      );
    }
    let f = r * features;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!;
      const v = parseNumber(cell);
      if (c === labelColumn) {
        if (v === undefined || !Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) {
          const why = v === undefined ? (cell.trim() === '' ? 'is empty' : `is "${cell.trim()}"`) : `is ${v}`;
          throw new DatasetError(
            file,
            `${at(line, c)}: the label ${why}; labels must be whole numbers from 0 to ${MAX_CLASSES - 1} ` +
              `(at most ${MAX_CLASSES} classes). Number the classes 0, 1, 2, …`,
          );
        }
        labels[r] = v;
        continue;
      }
      if (v === undefined) {
        const what = cell.trim() === '' ? 'is empty' : `is "${cell.trim()}"`;
        throw new DatasetError(file, `${at(line, c)} ${what}; expected a number. Fill in every feature with a number.`);
      }
      if (values instanceof Uint8Array && !(Number.isInteger(v) && v >= 0 && v <= 255)) values = Float32Array.from(values);
      values[f++] = v;
    }
  }
  return {
    file, featuresFile: file, count, features, values, labels,
    labelAt: (i) => at(dataLines[i]! + 1, labelColumn),
  };
}

/** Comma unless the first line has none and has semicolons or tabs. */
function detectDelimiter(line: string): string {
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  if (line.includes('\t')) return '\t';
  return ',';
}

/** Splits one line; double-quoted cells may hold the separator and "" for a quote. */
function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number (no hex, no Infinity, no empty cell), or undefined. */
function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (!NUMBER.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function findLabelColumn(header: string[]): number {
  const names = header.map((h) => h.toLowerCase());
  for (const wanted of LABEL_COLUMN_NAMES) {
    const i = names.indexOf(wanted);
    if (i >= 0) return i;
  }
  return 0;
}

// ---------------------------------------------------------------- IDX

/**
 * Reads an IDX images file (3-D, uint8, magic 0x00000803) and its labels (1-D, uint8, magic
 * 0x00000801), each raw or gzipped, as MNIST ships them.
 */
export async function parseUserIdx(
  images: Uint8Array,
  labels: Uint8Array,
  names: IdxFileNames,
  opts: UserIdxOptions = {},
): Promise<Dataset> {
  checkOptions(opts);
  const train = await readIdxPair(images, labels, names, undefined);
  const test = opts.test ? await readIdxPair(opts.test.images, opts.test.labels, opts.test.names, { names, shape: train.shape }) : undefined;
  return toDataset(train.examples, test?.examples, { ...opts, shape: opts.shape ?? train.shape });
}

async function readIdxPair(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  names: IdxFileNames,
  trainPair: { names: IdxFileNames; shape: { rows: number; cols: number } } | undefined,
): Promise<{ examples: Examples; shape: { rows: number; cols: number } }> {
  const images = await readIdx(imageBytes, names.images);
  const labels = await readIdx(labelBytes, names.labels);
  if (images.kind !== 'images') {
    throw new DatasetError(
      names.images,
      'header field magic (bytes 0-3) is 0x00000801, a labels file, where images (0x00000803) were expected. ' +
        'Choose the images file here and the labels file as labels.',
    );
  }
  if (labels.kind !== 'labels') {
    throw new DatasetError(
      names.labels,
      'header field magic (bytes 0-3) is 0x00000803, an images file, where labels (0x00000801) were expected. ' +
        'Choose the labels file here and the images file as images.',
    );
  }
  const features = images.rows * images.cols;
  if (features > MAX_FEATURES) {
    throw new DatasetError(
      names.images,
      `header fields rows and columns (bytes 8-15) say ${images.rows}x${images.cols} = ${features} pixels per image, ` +
        `more than the ${MAX_FEATURES} supported. Use smaller images.`,
    );
  }
  if (trainPair && (images.rows !== trainPair.shape.rows || images.cols !== trainPair.shape.cols)) {
    throw new DatasetError(
      names.images,
      `header fields rows and columns (bytes 8-15) say ${images.rows}x${images.cols} but ${trainPair.names.images} ` +
        `has ${trainPair.shape.rows}x${trainPair.shape.cols} images; train and test images must be the same size.`,
    );
  }
  if (images.count !== labels.count) {
    throw new DatasetError(
      names.labels,
      `header field count (bytes 4-7) says ${plural(labels.count, 'label')} but ${names.images} holds ${plural(images.count, 'image')}; ` +
        'they must match. Choose the labels file that belongs to these images.',
    );
  }
  // slice: owned arrays, so the decompressed file can be freed.
  const examples: Examples = {
    file: names.labels,
    featuresFile: names.images,
    count: images.count,
    features,
    values: images.data.slice(),
    labels: labels.data.slice(),
    labelAt: (i) => `label ${i} (byte ${8 + i})`,
  };
  return { examples, shape: { rows: images.rows, cols: images.cols } };
}

async function readIdx(bytes: Uint8Array, file: string): Promise<IdxFile> {
  if (!isGzip(bytes)) return parseIdx(bytes, file);
  let raw: Uint8Array;
  try {
    raw = await readAll(gunzipStream(streamOf(bytes)));
  } catch (e) {
    throw new DatasetError(file, `not a valid gzip file (${describeError(e)}). Re-download the file or choose another.`, {
      cause: e,
    });
  }
  return parseIdx(raw, file);
}

// ---------------------------------------------------------------- shared

function checkOptions(opts: UserDataOptions): void {
  const { testFraction, seed, classes, shape } = opts;
  if (testFraction !== undefined && !(testFraction > 0 && testFraction < 1)) {
    throw new ConfigError('testFraction', `is ${testFraction}; it must be between 0 and 1 (0.2 holds out a fifth for testing).`);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new ConfigError('seed', `is ${seed}; it must be a whole number.`);
  }
  if (classes !== undefined && !(Number.isInteger(classes) && classes >= 2 && classes <= MAX_CLASSES)) {
    throw new ConfigError('classes', `is ${classes}; it must be a whole number from 2 to ${MAX_CLASSES}.`);
  }
  if (shape !== undefined && !(Number.isInteger(shape.rows) && shape.rows >= 1 && Number.isInteger(shape.cols) && shape.cols >= 1)) {
    throw new ConfigError('shape', `is ${shape.rows}x${shape.cols}; rows and cols must be whole numbers of at least 1.`);
  }
}

function toDataset(train: Examples, test: Examples | undefined, opts: UserDataOptions): Dataset {
  const features = train.features;
  const shape = opts.shape ?? defaultShape(features);
  if (shape.rows * shape.cols !== features) {
    throw new ConfigError('shape', `is ${shape.rows}x${shape.cols} = ${shape.rows * shape.cols} pixels but ${train.featuresFile} has ${features} features per example. Give a shape whose rows x cols is ${features}.`);
  }
  const classes = countClasses(train, test, opts.classes);
  const trainBytes = toBytes(train, test);
  const split = test
    ? { train: { images: trainBytes.train, labels: train.labels, count: train.count }, test: { images: trainBytes.test!, labels: test.labels, count: test.count } }
    : splitOff(trainBytes.train, train.labels, features, opts.testFraction ?? 0.2, opts.seed ?? 0);
  return {
    name: opts.name ?? baseName(train.featuresFile),
    rows: shape.rows,
    cols: shape.cols,
    classes,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    ...split,
  };
}

function defaultShape(features: number): { rows: number; cols: number } {
  const side = Math.round(Math.sqrt(features));
  return side * side === features && side >= MIN_IMAGE_SIDE ? { rows: side, cols: side } : { rows: 1, cols: features };
}

function countClasses(train: Examples, test: Examples | undefined, declared: number | undefined): number {
  let classes = declared;
  if (classes === undefined) {
    let max = 0;
    for (const e of test ? [train, test] : [train]) for (const l of e.labels) max = Math.max(max, l);
    classes = max + 1;
    if (classes < 2) {
      throw new DatasetError(train.file, 'every label is 0; a classifier needs examples of at least two classes. Check the label column.');
    }
  }
  for (const e of test ? [train, test] : [train]) {
    const bad = e.labels.findIndex((l) => l >= classes);
    if (bad >= 0) {
      throw new DatasetError(
        e.file,
        `${e.labelAt(bad)}: the label is ${e.labels[bad]} but there are ${classes} classes (labels 0 to ${classes - 1}). ` +
          'Fix the label or set the number of classes higher.',
      );
    }
  }
  return classes;
}

/** Applies the pixel rule (see above) to the train values and, with the same range, the test values. */
function toBytes(train: Examples, test: Examples | undefined): { train: Uint8Array; test?: Uint8Array } {
  if (train.values instanceof Uint8Array && (!test || test.values instanceof Uint8Array)) {
    return { train: train.values, test: test?.values as Uint8Array | undefined };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of train.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A constant file carries no information to scale; it maps to 0.
  const scale = max > min ? 255 / (max - min) : 0;
  const quantise = (values: Uint8Array | Float32Array) => {
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round((values[i]! - min) * scale)));
    return out;
  };
  return { train: quantise(train.values), test: test ? quantise(test.values) : undefined };
}

/** Holds out round(count x fraction) examples (at least 1, at most count - 1) picked by a seeded shuffle; both keep file order. */
function splitOff(images: Uint8Array, labels: Uint8Array, features: number, fraction: number, seed: number): { train: DatasetSplit; test: DatasetSplit } {
  const count = labels.length;
  const testCount = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  const order = shuffledIndices(count, new Rng(seed));
  const isTest = new Uint8Array(count);
  for (let i = 0; i < testCount; i++) isTest[order[i]!] = 1;
  const take = (want: number, n: number): DatasetSplit => {
    const out = { images: new Uint8Array(n * features), labels: new Uint8Array(n), count: n };
    let k = 0;
    for (let i = 0; i < count; i++) {
      if (isTest[i] !== want) continue;
      out.images.set(images.subarray(i * features, (i + 1) * features), k * features);
      out.labels[k++] = labels[i]!;
    }
    return out;
  };
  return { train: take(0, count - testCount), test: take(1, testCount) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function baseName(file: string): string {
  const name = file.replace(/^.*[\\/]/, '').replace(/\.gz$/i, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
