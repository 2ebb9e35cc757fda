// The user's own files as a Dataset: one CSV (split into train and test), a CSV
// pair (train and test), an IDX images + labels pair, or two such pairs. The
// parsers' messages name the file, line, column or header field at fault.
import type { Dataset } from '../../engine/data/loader';
import { DatasetError } from '../../engine/data/errors';
import { parseUserCsv, parseUserIdx } from '../../engine/data/user-file';

export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

const TEXT = /\.(csv|tsv|txt)$/i;
/** A test split's file, by the names MNIST and most exports use. */
const TEST = /(test|t10k)/i;
const LABELS = /(label|idx1)/i;

export async function datasetFromFiles(files: readonly PickedFile[]): Promise<Dataset> {
  if (files.length === 0) throw new DatasetError('(no file)', 'no file was chosen. Choose a CSV file, or an IDX images file and its labels file together.');
  const text = files.filter((f) => TEXT.test(f.name) || !looksBinary(f.bytes));
  if (text.length === files.length && files.length <= 2) {
    const [train, test] = files.length === 2 ? orderByTest(files) : [files[0]!, undefined];
    return parseUserCsv(decode(train), train.name, test ? { test: { text: decode(test), fileName: test.name } } : {});
  }
  if (files.length === 1) {
    throw new DatasetError(
      files[0]!.name,
      'is not a CSV file, and an IDX file needs its partner: choose the images file and the labels file together (hold Ctrl or Shift to pick both).',
    );
  }
  if (files.length === 2) {
    const [images, labels] = imagesThenLabels(files);
    return parseUserIdx(images.bytes, labels.bytes, { images: images.name, labels: labels.name });
  }
  if (files.length === 4) {
    const test = files.filter((f) => TEST.test(f.name));
    const train = files.filter((f) => !TEST.test(f.name));
    if (test.length !== 2) {
      throw new DatasetError(files.map((f) => f.name).join(', '), 'four files are two IDX pairs; name the test pair with "test" or "t10k" (as MNIST does) so the two can be told apart.');
    }
    const [images, labels] = imagesThenLabels(train);
    const [testImages, testLabels] = imagesThenLabels(test);
    return parseUserIdx(images.bytes, labels.bytes, { images: images.name, labels: labels.name }, {
      test: { images: testImages.bytes, labels: testLabels.bytes, names: { images: testImages.name, labels: testLabels.name } },
    });
  }
  throw new DatasetError(files.map((f) => f.name).join(', '), `${files.length} files were chosen; choose one CSV (or a train and a test CSV), or an IDX images and labels pair (or a train and a test pair).`);
}

function orderByTest(files: readonly PickedFile[]): [PickedFile, PickedFile] {
  const [a, b] = files as [PickedFile, PickedFile];
  return TEST.test(a.name) && !TEST.test(b.name) ? [b, a] : [a, b];
}

/** By name (labels, idx1), else the smaller file holds the labels; the IDX parser checks the magic numbers. */
function imagesThenLabels(files: readonly PickedFile[]): [PickedFile, PickedFile] {
  const [a, b] = files as [PickedFile, PickedFile];
  const aLabels = LABELS.test(a.name);
  const bLabels = LABELS.test(b.name);
  if (aLabels !== bLabels) return aLabels ? [b, a] : [a, b];
  return a.bytes.length >= b.bytes.length ? [a, b] : [b, a];
}

/** gzip, or a NUL in the first bytes (IDX headers start with two). */
function looksBinary(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  const head = bytes.subarray(0, 512);
  return head.includes(0);
}

function decode(f: PickedFile): string {
  return new TextDecoder('utf-8').decode(f.bytes);
}
