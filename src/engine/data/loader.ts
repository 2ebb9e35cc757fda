// Loads a dataset's four gzipped IDX files from any byte source (fetch in browsers, files in Node).
import { DatasetError, describeError } from './errors';
import { gunzipStream, isGzip, readAll, streamOf } from './gunzip';
import { parseIdx } from './idx';

export type ByteSource = (fileName: string) => Promise<{ stream: ReadableStream<Uint8Array>; totalBytes?: number }>;

export interface DatasetSpec {
  title: string;
  files: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  classNames: readonly string[];
  /** What the published files hold; for display before loading, not enforced. */
  trainCount: number;
  testCount: number;
  /** Image size, known before the files load (the session compiles its pipelines meanwhile). */
  rows: number;
  cols: number;
}

export const DATASETS = {
  mnist: {
    title: 'MNIST',
    files: {
      trainImages: 'mnist-train-images-idx3-ubyte.gz',
      trainLabels: 'mnist-train-labels-idx1-ubyte.gz',
      testImages: 'mnist-t10k-images-idx3-ubyte.gz',
      testLabels: 'mnist-t10k-labels-idx1-ubyte.gz',
    },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainCount: 60000,
    testCount: 10000,
    rows: 28,
    cols: 28,
  },
  'fashion-mnist': {
    title: 'Fashion-MNIST',
    files: {
      trainImages: 'fashion-mnist-train-images-idx3-ubyte.gz',
      trainLabels: 'fashion-mnist-train-labels-idx1-ubyte.gz',
      testImages: 'fashion-mnist-t10k-images-idx3-ubyte.gz',
      testLabels: 'fashion-mnist-t10k-labels-idx1-ubyte.gz',
    },
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    trainCount: 60000,
    testCount: 10000,
    rows: 28,
    cols: 28,
  },
} as const satisfies Record<string, DatasetSpec>;

export type DatasetName = keyof typeof DATASETS;

export interface DatasetSplit {
  /** count*rows*cols uint8 pixels, row-major, example after example. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  name: string;
  rows: number;
  cols: number;
  classes: number;
  classNames: string[];
  train: DatasetSplit;
  test: DatasetSplit;
}

export interface LoadProgress {
  loadedBytes: number;
  totalBytes: number | undefined;
  file: string;
}

export interface LoadOptions {
  onProgress?: (p: LoadProgress) => void;
  trainSubset?: number;
  testSubset?: number;
}

/** Fetches `baseUrl + fileName`; a missing trailing slash on baseUrl is added. */
export function fetchSource(baseUrl: string): ByteSource {
  const base = baseUrl === '' || baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return async (fileName) => {
    const url = base + fileName;
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new DatasetError(fileName, `could not fetch ${url} (${describeError(e)}). Check the connection and try again.`, {
        cause: e,
      });
    }
    if (!res.ok || !res.body) {
      const status = res.ok ? 'an empty body' : `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
      throw new DatasetError(fileName, `fetching ${url} returned ${status}. Check that the file is served at that address.`);
    }
    // With Content-Encoding the length is of the encoded body, not of what we read.
    const encoding = res.headers.get('content-encoding');
    const length = Number(res.headers.get('content-length'));
    const totalBytes = !encoding && length > 0 ? length : undefined;
    return { stream: res.body, totalBytes };
  };
}

export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, name);
}

export async function loadDataset(name: string, source: ByteSource, options: LoadOptions = {}): Promise<Dataset> {
  if (!isDatasetName(name)) {
    const valid = Object.keys(DATASETS).map((n) => `'${n}'`).join(', ');
    throw new DatasetError(name, `unknown dataset. Valid names: ${valid}.`);
  }
  const spec: DatasetSpec = DATASETS[name];
  const { files } = spec;
  checkSubsetArg(options.trainSubset, files.trainImages, 'trainSubset');
  checkSubsetArg(options.testSubset, files.testImages, 'testSubset');

  const order = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const opened = await openAll(order, source);

  // Progress counts bytes as they come from the source (compressed), across all four files.
  const knownTotals = opened.map((o) => o.totalBytes);
  const totalBytes = knownTotals.every((t) => t !== undefined) ? knownTotals.reduce((a, b) => a + b!, 0) : undefined;
  let loadedBytes = 0;
  options.onProgress?.({ loadedBytes, totalBytes, file: order[0]! });

  // Sequential reads keep progress monotonic and leave unread streams cancellable on failure.
  const parsed = [];
  for (let i = 0; i < order.length; i++) {
    const file = order[i]!;
    try {
      parsed.push(
        await readIdx(file, opened[i]!.stream, (n) => {
          loadedBytes += n;
          options.onProgress?.({ loadedBytes, totalBytes, file });
        }),
      );
    } catch (e) {
      await Promise.allSettled(opened.slice(i + 1).map((o) => o.stream.cancel()));
      throw e;
    }
  }
  const [trainImages, trainLabels, testImages, testLabels] = parsed as [
    ReturnType<typeof parseIdx>,
    ReturnType<typeof parseIdx>,
    ReturnType<typeof parseIdx>,
    ReturnType<typeof parseIdx>,
  ];

  const classes = spec.classNames.length;
  const train = makeSplit(trainImages, trainLabels, files.trainImages, files.trainLabels, classes, options.trainSubset);
  const test = makeSplit(testImages, testLabels, files.testImages, files.testLabels, classes, options.testSubset);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DatasetError(
      files.testImages,
      `images are ${test.rows}x${test.cols} but ${files.trainImages} has ${train.rows}x${train.cols}; ` +
        'train and test images must be the same size. Use files from the same dataset.',
    );
  }
  return {
    name,
    rows: train.rows,
    cols: train.cols,
    classes,
    classNames: [...spec.classNames],
    train: train.split,
    test: test.split,
  };
}

async function openAll(files: string[], source: ByteSource) {
  const results = await Promise.allSettled(files.map((f) => source(f)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(results.map((r) => (r.status === 'fulfilled' ? r.value.stream.cancel() : undefined)));
    throw failed.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<ByteSource>>>).value);
}

async function readIdx(file: string, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void) {
  // Read fully before decompressing so a failed read and a corrupt file give different errors.
  let raw: Uint8Array;
  try {
    raw = await readAll(stream, onBytes);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(file, `reading failed (${describeError(e)}). Check the connection or the file and try again.`, {
      cause: e,
    });
  }
  // A server may already have undone gzip (Content-Encoding); then the bytes are plain IDX.
  if (!isGzip(raw)) return parseIdx(raw, file);
  let bytes: Uint8Array;
  try {
    bytes = await readAll(gunzipStream(streamOf(raw)));
  } catch (e) {
    throw new DatasetError(file, `not a valid gzip file (${describeError(e)}). Re-download the file or choose another.`, {
      cause: e,
    });
  }
  return parseIdx(bytes, file);
}

function checkSubsetArg(n: number | undefined, file: string, option: string) {
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) {
    throw new DatasetError(file, `${option} is ${n}; it must be a whole number of examples, at least 1.`);
  }
}

function makeSplit(
  images: ReturnType<typeof parseIdx>,
  labels: ReturnType<typeof parseIdx>,
  imagesFile: string,
  labelsFile: string,
  classes: number,
  subset: number | undefined,
) {
  if (images.kind !== 'images') {
    throw new DatasetError(imagesFile, 'holds labels (IDX magic 0x00000801) where images were expected. Check the file names.');
  }
  if (labels.kind !== 'labels') {
    throw new DatasetError(labelsFile, 'holds images (IDX magic 0x00000803) where labels were expected. Check the file names.');
  }
  if (images.count !== labels.count) {
    throw new DatasetError(
      imagesFile,
      `has ${images.count} images but ${labelsFile} has ${labels.count} labels; they must match. ` +
        'Use the images and labels files of the same split.',
    );
  }
  const bad = labels.data.findIndex((v) => v >= classes);
  if (bad >= 0) {
    throw new DatasetError(
      labelsFile,
      `label ${bad} is ${labels.data[bad]} but this dataset has ${classes} classes (labels 0..${classes - 1}). ` +
        'Re-download the file or choose another.',
    );
  }
  if (subset !== undefined && subset > images.count) {
    throw new DatasetError(
      imagesFile,
      `asked for a subset of ${subset} examples but the file has only ${images.count}. Choose at most ${images.count}.`,
    );
  }
  const count = subset ?? images.count;
  const pixels = images.rows * images.cols;
  // slice: owned arrays at byteOffset 0, so the decompressed file can be freed.
  return {
    rows: images.rows,
    cols: images.cols,
    split: { images: images.data.slice(0, count * pixels), labels: labels.data.slice(0, count), count },
  };
}
