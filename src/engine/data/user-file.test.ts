import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { idxImages, idxLabels } from '../../../tests/fixtures/idx';
import { ConfigError } from '../errors';
import { DatasetError } from './errors';
import type { Dataset, DatasetSplit } from './loader';
import { MAX_FEATURES, parseUserCsv, parseUserIdx, type UserCsvOptions } from './user-file';

const lines = (...rows: string[]) => rows.join('\n') + '\n';
const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
/** A CSV of `n` rows "label,f1,...": label i % classes, features all `feature(i, j)`. */
const table = (n: number, features: number, classes = 2, feature = (i: number, j: number) => (i * 7 + j) % 256) =>
  lines(...Array.from({ length: n }, (_, i) => [i % classes, ...Array.from({ length: features }, (_, j) => feature(i, j))].join(',')));
const rowsOf = (s: DatasetSplit, pixels: number) =>
  Array.from({ length: s.count }, (_, i) => [s.labels[i]!, ...s.images.subarray(i * pixels, (i + 1) * pixels)]);
/** Parses with the same text as test file, so nothing is split off and train holds every row in order. */
const whole = (text: string, opts: UserCsvOptions = {}) => parseUserCsv(text, 'data.csv', { ...opts, test: { text, fileName: 'test.csv' } });

describe('parseUserCsv: reading', () => {
  const cases: { name: string; text: string; opts?: UserCsvOptions; rows: number; cols: number; classes: number; data: number[][] }[] = [
    {
      name: 'no header, label in the first column, byte values kept',
      text: lines('1,0,255', '0,10,20', '2,3,4'),
      rows: 1, cols: 2, classes: 3,
      data: [[1, 0, 255], [0, 10, 20], [2, 3, 4]],
    },
    {
      name: 'header with a "label" column last',
      text: lines('a,b,label', '5,6,1', '7,8,0'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 5, 6], [0, 7, 8]],
    },
    {
      name: 'header with "Class" in the middle (case ignored)',
      text: lines('x1,Class,x2', '5,1,6', '7,0,8'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 5, 6], [0, 7, 8]],
    },
    {
      name: 'header with a "y" column',
      text: lines('p,q,y', '1,2,1', '3,4,0'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 1, 2], [0, 3, 4]],
    },
    {
      name: '"label" is preferred over "y"',
      text: lines('y,label', '9,1', '8,0'),
      rows: 1, cols: 1, classes: 2,
      data: [[1, 9], [0, 8]],
    },
    {
      name: 'header without a label name: the first column',
      text: lines('digit,p1,p2', '1,2,3', '0,4,5'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 2, 3], [0, 4, 5]],
    },
    {
      name: 'values in [0, 1] are min-max scaled to 0..255',
      text: lines('1,0,0.5', '0,1,0.25'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 0, 128], [0, 255, 64]],
    },
    {
      name: 'any range is scaled with one range for the whole file',
      text: lines('1,-2,0', '0,2,1'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 0, 128], [0, 255, 191]],
    },
    {
      name: 'whole numbers above 255 make the file scaled',
      text: lines('1,0,510', '0,255,10'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 0, 255], [0, 128, 5]],
    },
    {
      name: 'a constant float file maps to 0',
      text: lines('1,0.5,0.5', '0,0.5,0.5'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 0, 0], [0, 0, 0]],
    },
    {
      name: 'semicolons, quoted cells, CRLF, a BOM and blank lines',
      text: '\uFEFF"label";"a";"b"\r\n\r\n1;"2";3\r\n  \r\n0;4;"5"\r\n',
      rows: 1, cols: 2, classes: 2,
      data: [[1, 2, 3], [0, 4, 5]],
    },
    {
      name: 'tab separated, exponent and signed numbers',
      text: lines('1\t1e2\t+3', '0\t.5E1\t0'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 100, 3], [0, 5, 0]],
    },
    {
      name: 'a quoted cell may hold the separator (in a header name)',
      text: lines('label,"x, left",y2', '1,1,2', '0,3,4'),
      rows: 1, cols: 2, classes: 2,
      data: [[1, 1, 2], [0, 3, 4]],
    },
    {
      name: 'declared classes above the largest label',
      text: lines('1,0', '0,1'),
      opts: { classes: 5 },
      rows: 1, cols: 1, classes: 5,
      data: [[1, 0], [0, 1]],
    },
    {
      name: '64 features become an 8x8 image',
      text: table(3, 64),
      rows: 8, cols: 8, classes: 2,
      data: Array.from({ length: 3 }, (_, i) => [i % 2, ...Array.from({ length: 64 }, (_, j) => (i * 7 + j) % 256)]),
    },
    {
      name: '16 features (square, but below 8x8) stay a row',
      text: table(2, 16),
      rows: 1, cols: 16, classes: 2,
      data: Array.from({ length: 2 }, (_, i) => [i % 2, ...Array.from({ length: 16 }, (_, j) => (i * 7 + j) % 256)]),
    },
    {
      name: 'a given shape: 6 features as 2x3',
      text: table(2, 6),
      opts: { shape: { rows: 2, cols: 3 } },
      rows: 2, cols: 3, classes: 2,
      data: Array.from({ length: 2 }, (_, i) => [i % 2, ...Array.from({ length: 6 }, (_, j) => (i * 7 + j) % 256)]),
    },
  ];
  test.each(cases)('$name', ({ text, opts, rows, cols, classes, data }) => {
    const ds = whole(text, opts);
    expect(ds).toMatchObject({ name: 'data', rows, cols, classes });
    expect(ds.classNames).toEqual(Array.from({ length: classes }, (_, i) => String(i)));
    expect(rowsOf(ds.train, rows * cols)).toEqual(data);
  });

  test('784 features become 28x28', () => {
    const ds = parseUserCsv(table(10, 784, 10), 'mnist.csv');
    expect(ds).toMatchObject({ name: 'mnist', rows: 28, cols: 28, classes: 10 });
    expect(ds.train.images).toHaveLength(ds.train.count * 784);
  });
});

describe('parseUserCsv: splitting', () => {
  const text = table(50, 3, 5, (i, j) => i + j);
  const all = rowsOf(whole(text).train, 3);

  test.each([
    { fraction: undefined, test: 10 },
    { fraction: 0.5, test: 25 },
    { fraction: 0.01, test: 1 },
    { fraction: 0.999, test: 49 },
  ])('test fraction $fraction holds out $test of 50', ({ fraction, test: testCount }) => {
    const ds = parseUserCsv(text, 'data.csv', { testFraction: fraction });
    expect(ds.test.count).toBe(testCount);
    expect(ds.train.count).toBe(50 - testCount);
    const train = rowsOf(ds.train, 3);
    const held = rowsOf(ds.test, 3);
    // Every row lands in exactly one split, and each split keeps file order (feature 0 is the row number).
    expect([...train, ...held].sort((a, b) => a[1]! - b[1]!)).toEqual(all);
    for (const split of [train, held]) expect(split.map((r) => r[1])).toEqual(split.map((r) => r[1]).sort((a, b) => a! - b!));
  });

  test('the seed picks the test rows, reproducibly', () => {
    const a = parseUserCsv(text, 'data.csv', { seed: 3 });
    expect(parseUserCsv(text, 'data.csv', { seed: 3 })).toEqual(a);
    expect(parseUserCsv(text, 'data.csv', { seed: 4 }).test.images).not.toEqual(a.test.images);
  });

  test('two rows split one and one', () => {
    const ds = parseUserCsv(lines('0,1', '1,2'), 'two.csv');
    expect([ds.train.count, ds.test.count]).toEqual([1, 1]);
  });

  test('a test file is used as it is; float scaling uses the training range and clamps', () => {
    const ds = parseUserCsv(lines('label,a', '0,0', '1,0.5', '2,1'), 'train.csv', {
      test: { text: lines('a,label', '2,1', '-1,0', '0.25,2'), fileName: 'test.csv' },
    });
    expect(ds.classes).toBe(3);
    expect(rowsOf(ds.train, 1)).toEqual([[0, 0], [1, 128], [2, 255]]);
    expect(rowsOf(ds.test, 1)).toEqual([[1, 255], [0, 0], [2, 64]]);
  });

  test('classes count labels in the test file too', () => {
    const ds = parseUserCsv(lines('0,1', '1,2'), 'train.csv', { test: { text: lines('3,1'), fileName: 'test.csv' } });
    expect(ds.classes).toBe(4);
  });
});

interface ErrorCase {
  name: string;
  text: string;
  opts?: UserCsvOptions;
  file?: string;
  message: RegExp;
}

describe('parseUserCsv: every bad file says which line and column is wrong', () => {
  const cases: ErrorCase[] = [
    { name: 'empty file', text: '', message: /^data\.csv: the file is empty\. Choose a CSV with one example per line/ },
    { name: 'only blank lines', text: '\n  \n\r\n', message: /^data\.csv: the file is empty\./ },
    { name: 'header only', text: lines('label,a,b'), message: /^data\.csv: has no examples below its header; it needs at least two \(one to train on, one to test\)\. Add rows of data\.$/ },
    { name: 'one example', text: lines('1,2,3'), message: /^data\.csv: has only 1 example; it needs at least two/ },
    { name: 'a single column', text: lines('1', '0'), message: /^data\.csv: line 1 has 1 column; expected a label and at least one feature, separated by commas\. Check the separator/ },
    {
      name: 'too many columns',
      text: lines(new Array(MAX_FEATURES + 2).fill('1').join(','), new Array(MAX_FEATURES + 2).fill('0').join(',')),
      message: /^data\.csv: line 1 has 4098 columns: 4097 features, more than the 4096 supported\. Use smaller images or fewer features\.$/,
    },
    {
      name: 'a short row',
      text: lines('1,2,3', '0,4,5', '1,6'),
      message: /^data\.csv: line 3 has 2 columns but line 1 has 3; every row needs the same number\. Fill in or remove the missing or extra cells\.$/,
    },
    {
      name: 'a long row after a header and a blank line',
      text: lines('label,a', '1,2', '', '0,3,4'),
      message: /^data\.csv: line 4 has 3 columns but the header \(line 1\) has 2;/,
    },
    {
      name: 'a word among the features',
      text: lines('label,a,b', '1,2,3', '0,4,five'),
      message: /^data\.csv: line 3, column 3 \("b"\) is "five"; expected a number\. Fill in every feature with a number\.$/,
    },
    { name: 'an empty feature cell', text: lines('1,2,3', '0,,5'), message: /^data\.csv: line 2, column 2 is empty; expected a number\./ },
    { name: 'an empty cell in the first row (not a header)', text: lines('1,,3', '0,4,5'), message: /^data\.csv: line 1, column 2 is empty; expected a number\./ },
    { name: 'Infinity', text: lines('1,2,3', '0,Infinity,5'), message: /^data\.csv: line 2, column 2 is "Infinity"; expected a number\./ },
    { name: 'a hex number', text: lines('1,2,3', '0,1,0x10'), message: /^data\.csv: line 2, column 3 is "0x10"; expected a number\./ },
    { name: 'NaN', text: lines('1,2,3', '0,NaN,1'), message: /^data\.csv: line 2, column 2 is "NaN"; expected a number\./ },
    {
      name: 'a fractional label',
      text: lines('1,2', '1.5,3'),
      message: /^data\.csv: line 2, column 1: the label is 1\.5; labels must be whole numbers from 0 to 255 \(at most 256 classes\)\. Number the classes 0, 1, 2, …$/,
    },
    { name: 'a negative label', text: lines('a,b,label', '1,2,0', '3,4,-1'), message: /^data\.csv: line 3, column 3 \("label"\): the label is -1; labels must be whole numbers/ },
    { name: 'a class name as label', text: lines('label,a', 'cat,1', 'dog,2'), message: /^data\.csv: line 2, column 1 \("label"\): the label is "cat"; labels must be whole numbers/ },
    { name: 'an empty label', text: lines('1,2', ',3'), message: /^data\.csv: line 2, column 1: the label is empty;/ },
    { name: 'more than 256 classes', text: lines('1,2', '256,3'), message: /^data\.csv: line 2, column 1: the label is 256; labels must be whole numbers from 0 to 255 \(at most 256 classes\)/ },
    { name: 'a single class', text: lines('0,1', '0,2'), message: /^data\.csv: every label is 0; a classifier needs examples of at least two classes\. Check the label column\.$/ },
    {
      name: 'a label at or above the declared classes',
      text: lines('label,a', '0,1', '', '3,2'),
      opts: { classes: 3 },
      message: /^data\.csv: line 4, column 1 \("label"\): the label is 3 but there are 3 classes \(labels 0 to 2\)\. Fix the label or set the number of classes higher\.$/,
    },
    {
      name: 'a test file with other columns',
      text: lines('0,1,2', '1,3,4'),
      opts: { test: { text: lines('0,1'), fileName: 'test.csv' } },
      file: 'test.csv',
      message: /^test\.csv: line 1 has 1 feature but data\.csv has 2; train and test files need the same columns\.$/,
    },
    {
      name: 'a test file with a header only',
      text: lines('0,1', '1,3'),
      opts: { test: { text: lines('label,a'), fileName: 'test.csv' } },
      file: 'test.csv',
      message: /^test\.csv: has no examples below its header; it needs at least one\./,
    },
    {
      name: 'a bad cell in the test file',
      text: lines('0,1', '1,3'),
      opts: { test: { text: lines('1,2', '', '0,x'), fileName: 'test.csv' } },
      file: 'test.csv',
      message: /^test\.csv: line 3, column 2 is "x"; expected a number\./,
    },
    {
      name: 'a test label above the declared classes',
      text: lines('0,1', '1,3'),
      opts: { classes: 2, test: { text: lines('1,2', '2,3'), fileName: 'test.csv' } },
      file: 'test.csv',
      message: /^test\.csv: line 2, column 1: the label is 2 but there are 2 classes/,
    },
  ];
  test.each(cases)('$name', ({ text, opts, file = 'data.csv', message }) => {
    let caught: unknown;
    try {
      parseUserCsv(text, 'data.csv', opts);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DatasetError);
    expect((caught as DatasetError).fileName).toBe(file);
    expect((caught as DatasetError).message).toMatch(message);
  });

  const optionCases: { name: string; opts: UserCsvOptions; message: RegExp }[] = [
    { name: 'testFraction 0', opts: { testFraction: 0 }, message: /^testFraction: is 0; it must be between 0 and 1 \(0\.2 holds out a fifth for testing\)\.$/ },
    { name: 'testFraction 1', opts: { testFraction: 1 }, message: /^testFraction: is 1;/ },
    { name: 'seed 0.5', opts: { seed: 0.5 }, message: /^seed: is 0\.5; it must be a whole number\.$/ },
    { name: 'classes 1', opts: { classes: 1 }, message: /^classes: is 1; it must be a whole number from 2 to 256\.$/ },
    { name: 'classes 257', opts: { classes: 257 }, message: /^classes: is 257;/ },
    { name: 'shape 0x2', opts: { shape: { rows: 0, cols: 2 } }, message: /^shape: is 0x2; rows and cols must be whole numbers of at least 1\.$/ },
    { name: 'shape that does not fit', opts: { shape: { rows: 2, cols: 2 } }, message: /^shape: is 2x2 = 4 pixels but data\.csv has 2 features per example\. Give a shape whose rows x cols is 2\.$/ },
  ];
  test.each(optionCases)('option $name', ({ opts, message }) => {
    const run = () => parseUserCsv(lines('0,1,2', '1,3,4'), 'data.csv', opts);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });
});

// ---------------------------------------------------------------- IDX

const NAMES = { images: 'my-images.idx3-ubyte', labels: 'my-labels.idx1-ubyte' };
const TEST_NAMES = { images: 't-images.gz', labels: 't-labels.gz' };
/** 10 images of 2x3 (pixel = file offset & 0xff) and labels 0,1,2,0,1,2,… */
const images10 = idxImages(10);
const labels10 = idxLabels(Array.from({ length: 10 }, (_, i) => i % 3));

async function idxError(promise: Promise<Dataset>, file: string): Promise<string> {
  const e = await promise.then(
    () => new Error('expected parseUserIdx to fail'),
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(DatasetError);
  expect((e as DatasetError).fileName).toBe(file);
  return (e as DatasetError).message;
}

describe('parseUserIdx', () => {
  test.each([
    { name: 'raw', images: images10, labels: labels10 },
    { name: 'gzipped', images: gz(images10), labels: gz(labels10) },
    { name: 'gzipped images, raw labels', images: gz(images10), labels: labels10 },
  ])('$name files are split 8 / 2 and keep their header shape', async ({ images, labels }) => {
    const ds = await parseUserIdx(images, labels, NAMES);
    expect(ds).toMatchObject({ name: 'my-images', rows: 2, cols: 3, classes: 3 });
    expect([ds.train.count, ds.test.count]).toEqual([8, 2]);
    // Every example (its pixels start at 16 + 6i) lands in one split with its own label.
    const firsts = [...rowsOf(ds.train, 6), ...rowsOf(ds.test, 6)].map((r) => [r[0], r[1]]).sort((a, b) => a[1]! - b[1]!);
    expect(firsts).toEqual(Array.from({ length: 10 }, (_, i) => [i % 3, 16 + 6 * i]));
  });

  test('a test pair is used as it is', async () => {
    const ds = await parseUserIdx(images10, labels10, NAMES, {
      test: { images: gz(idxImages(4)), labels: gz(idxLabels([3, 0, 1, 2])), names: TEST_NAMES },
    });
    expect(ds.classes).toBe(4);
    expect([ds.train.count, ds.test.count]).toEqual([10, 4]);
    expect(Array.from(ds.train.labels)).toEqual(Array.from(labels10.subarray(8)));
    expect(Array.from(ds.test.labels)).toEqual([3, 0, 1, 2]);
    expect(ds.train.images).toEqual(images10.subarray(16));
  });

  test('the split is seeded', async () => {
    const a = await parseUserIdx(images10, labels10, NAMES, { seed: 1, testFraction: 0.5 });
    expect(await parseUserIdx(images10, labels10, NAMES, { seed: 1, testFraction: 0.5 })).toEqual(a);
    expect((await parseUserIdx(images10, labels10, NAMES, { seed: 2, testFraction: 0.5 })).test.images).not.toEqual(a.test.images);
  });

  const badMagic = idxImages(10).slice();
  badMagic[3] = 0x0c;
  const cases: { name: string; images: Uint8Array; labels: Uint8Array; opts?: Parameters<typeof parseUserIdx>[3]; file: string; message: RegExp }[] = [
    {
      name: 'labels given as images',
      images: labels10, labels: labels10, file: NAMES.images,
      message: /^my-images\.idx3-ubyte: header field magic \(bytes 0-3\) is 0x00000801, a labels file, where images \(0x00000803\) were expected\. Choose the images file here/,
    },
    {
      name: 'images given as labels',
      images: images10, labels: images10, file: NAMES.labels,
      message: /^my-labels\.idx1-ubyte: header field magic \(bytes 0-3\) is 0x00000803, an images file, where labels \(0x00000801\) were expected\./,
    },
    {
      name: 'counts that differ',
      images: images10, labels: idxLabels([0, 1, 2]), file: NAMES.labels,
      message: /^my-labels\.idx1-ubyte: header field count \(bytes 4-7\) says 3 labels but my-images\.idx3-ubyte holds 10 images; they must match\./,
    },
    {
      name: 'a magic number of another type (int32 images)',
      images: badMagic, labels: labels10, file: NAMES.images,
      message: /^my-images\.idx3-ubyte: not an IDX file: magic number is 0x0000080c, expected 0x00000803 \(uint8 images\)/,
    },
    {
      name: 'truncated images',
      images: idxImages(10, 2, 3, 50), labels: labels10, file: NAMES.images,
      message: /^my-images\.idx3-ubyte: truncated: header says 10 images of 2x3 \(76 bytes\) but the file has 66 bytes\./,
    },
    {
      name: 'corrupt gzip',
      images: gz(images10).subarray(0, 20), labels: labels10, file: NAMES.images,
      message: /^my-images\.idx3-ubyte: not a valid gzip file/,
    },
    {
      name: 'images over 4096 pixels',
      images: idxImages(2, 65, 65), labels: idxLabels([0, 1]), file: NAMES.images,
      message: /^my-images\.idx3-ubyte: header fields rows and columns \(bytes 8-15\) say 65x65 = 4225 pixels per image, more than the 4096 supported\./,
    },
    {
      name: 'a single class',
      images: idxImages(3), labels: idxLabels([0, 0, 0]), file: NAMES.labels,
      message: /^my-labels\.idx1-ubyte: every label is 0; a classifier needs examples of at least two classes\./,
    },
    {
      name: 'a label out of the declared range',
      images: images10, labels: idxLabels([0, 1, 2, 0, 7, 0, 1, 0, 1, 0]), opts: { classes: 3 }, file: NAMES.labels,
      message: /^my-labels\.idx1-ubyte: label 4 \(byte 12\): the label is 7 but there are 3 classes \(labels 0 to 2\)\./,
    },
    {
      name: 'test images of another size',
      images: images10, labels: labels10,
      opts: { test: { images: idxImages(2, 3, 2), labels: idxLabels([0, 1]), names: TEST_NAMES } },
      file: TEST_NAMES.images,
      message: /^t-images\.gz: header fields rows and columns \(bytes 8-15\) say 3x2 but my-images\.idx3-ubyte has 2x3 images; train and test images must be the same size\.$/,
    },
    {
      name: 'test labels that do not match the test images',
      images: images10, labels: labels10,
      opts: { test: { images: idxImages(2), labels: idxLabels([0]), names: TEST_NAMES } },
      file: TEST_NAMES.labels,
      message: /^t-labels\.gz: header field count \(bytes 4-7\) says 1 label but t-images\.gz holds 2 images;/,
    },
  ];
  test.each(cases)('$name', async ({ images, labels, opts, file, message }) => {
    expect(await idxError(parseUserIdx(images, labels, NAMES, opts), file)).toMatch(message);
  });

  test('a shape that does not fit the images is a ConfigError', async () => {
    const parsing = parseUserIdx(images10, labels10, NAMES, { shape: { rows: 1, cols: 5 } });
    await expect(parsing).rejects.toThrow(ConfigError);
    await expect(parsing).rejects.toThrow(/^shape: is 1x5 = 5 pixels but my-images\.idx3-ubyte has 6 features per example\./);
  });

  test('a given shape replaces the header shape', async () => {
    const ds = await parseUserIdx(images10, labels10, NAMES, { shape: { rows: 1, cols: 6 } });
    expect([ds.rows, ds.cols]).toEqual([1, 6]);
  });
});
