import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DatasetError } from './errors';
import { DATASETS, fetchSource, loadDataset, type LoadProgress } from './loader';
import { nodeFileSource } from './node-source';
import { idxImages, idxLabels } from '../../../tests/fixtures/idx';

const F = DATASETS.mnist.files;


const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));

let dir: string;

/** Writes a tiny valid MNIST-named dataset (5 train, 3 test of 2x3), with overrides as raw file bytes. */
async function writeSet(overrides: Partial<Record<keyof typeof F, Uint8Array>> = {}) {
  const files: Record<keyof typeof F, Uint8Array> = {
    trainImages: gz(idxImages(5)),
    trainLabels: gz(idxLabels([5, 0, 4, 1, 9])),
    testImages: gz(idxImages(3)),
    testLabels: gz(idxLabels([7, 2, 1])),
    ...overrides,
  };
  for (const [k, bytes] of Object.entries(files)) await writeFile(join(dir, F[k as keyof typeof F]), bytes);
}

async function loadError(promise: Promise<unknown>, fileName: string): Promise<DatasetError> {
  const e = await promise.then(
    () => {
      throw new Error('expected the load to fail');
    },
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(DatasetError);
  expect((e as DatasetError).fileName).toBe(fileName);
  expect((e as DatasetError).message).toContain(fileName);
  return e as DatasetError;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plasticity-data-'));
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await rm(dir, { recursive: true, force: true });
});

describe('loadDataset from gzipped files', () => {
  it('loads all four files through gunzip and IDX parsing', async () => {
    await writeSet();
    const progress: LoadProgress[] = [];
    const ds = await loadDataset('mnist', nodeFileSource(dir), { onProgress: (p) => progress.push(p) });
    expect(ds).toMatchObject({ name: 'mnist', rows: 2, cols: 3, classes: 10 });
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds.train.count).toBe(5);
    expect(Array.from(ds.train.labels)).toEqual([5, 0, 4, 1, 9]);
    expect(ds.train.images.length).toBe(30);
    expect(ds.train.images.byteOffset).toBe(0);
    expect(ds.train.images[0]).toBe(16);
    expect(Array.from(ds.test.labels)).toEqual([7, 2, 1]);
    expect(ds.test.images.length).toBe(18);

    let total = 0;
    for (const f of Object.values(F)) total += (await stat(join(dir, f))).size;
    const last = progress.at(-1)!;
    expect(last.loadedBytes).toBe(total);
    expect(progress.every((p) => p.totalBytes === total)).toBe(true);
    expect(progress.map((p) => p.loadedBytes)).toEqual([...progress.map((p) => p.loadedBytes)].sort((a, b) => a - b));
    expect(new Set(progress.map((p) => p.file))).toEqual(new Set(Object.values(F)));
  });

  it('takes the first N examples for subsets', async () => {
    await writeSet();
    const ds = await loadDataset('mnist', nodeFileSource(dir), { trainSubset: 2, testSubset: 3 });
    expect(ds.train.count).toBe(2);
    expect(Array.from(ds.train.labels)).toEqual([5, 0]);
    expect(ds.train.images.length).toBe(12);
    expect(ds.test.count).toBe(3);
  });

  it('accepts IDX bytes that are already decompressed', async () => {
    await writeSet({ testLabels: idxLabels([7, 2, 1]) });
    const ds = await loadDataset('mnist', nodeFileSource(dir));
    expect(Array.from(ds.test.labels)).toEqual([7, 2, 1]);
  });

  it('uses Fashion-MNIST class names', async () => {
    const fm = DATASETS['fashion-mnist'].files;
    await writeFile(join(dir, fm.trainImages), gz(idxImages(1)));
    await writeFile(join(dir, fm.trainLabels), gz(idxLabels([9])));
    await writeFile(join(dir, fm.testImages), gz(idxImages(1)));
    await writeFile(join(dir, fm.testLabels), gz(idxLabels([0])));
    const ds = await loadDataset('fashion-mnist', nodeFileSource(dir));
    expect(ds.classNames[0]).toBe('T-shirt/top');
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(ds.classNames.length).toBe(10);
  });
});

describe('loadDataset errors', () => {
  it('truncated file', async () => {
    await writeSet({ trainImages: gz(idxImages(5).subarray(0, 40)) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.trainImages);
    expect(e.message).toMatch(/truncated: header says 5 images of 2x3 \(46 bytes\) but the file has 40 bytes/);
  });

  it('wrong magic number', async () => {
    const bad = idxLabels([1, 2, 3]);
    bad[3] = 0x02;
    await writeSet({ testLabels: gz(bad) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.testLabels);
    expect(e.message).toMatch(/not an IDX file: magic number is 0x00000802/);
  });

  it('images where labels belong', async () => {
    await writeSet({ trainLabels: gz(idxImages(5)) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.trainLabels);
    expect(e.message).toMatch(/holds images.*where labels were expected/);
  });

  it('label out of range names the first bad index and value', async () => {
    await writeSet({ trainLabels: gz(idxLabels([5, 0, 10, 1, 12])) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.trainLabels);
    expect(e.message).toMatch(/label 2 is 10 but this dataset has 10 classes \(labels 0\.\.9\)/);
  });

  it('image and label counts differ, naming both files', async () => {
    await writeSet({ testLabels: gz(idxLabels([7, 2])) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.testImages);
    expect(e.message).toContain(F.testLabels);
    expect(e.message).toMatch(/has 3 images but .* has 2 labels/);
  });

  it('train and test image sizes differ', async () => {
    await writeSet({ testImages: gz(idxImages(3, 3, 2)) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.testImages);
    expect(e.message).toMatch(/images are 3x2 but .* has 2x3/);
  });

  it('corrupt gzip', async () => {
    const bad = gz(idxImages(5));
    bad.fill(0x55, 12, bad.length - 8);
    await writeSet({ trainImages: bad });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.trainImages);
    expect(e.message).toMatch(/not a valid gzip file/);
  });

  it('gzip cut short', async () => {
    const whole = gz(idxImages(500));
    await writeSet({ trainImages: whole.subarray(0, whole.length >> 1) });
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.trainImages);
    expect(e.message).toMatch(/not a valid gzip file|truncated/);
  });

  it('missing file names the path', async () => {
    await writeSet();
    await rm(join(dir, F.testLabels));
    const e = await loadError(loadDataset('mnist', nodeFileSource(dir)), F.testLabels);
    expect(e.message).toContain(join(dir, F.testLabels));
    expect(e.message).toMatch(/no such file/);
  });

  it('bad subsets', async () => {
    await writeSet();
    const src = nodeFileSource(dir);
    let e = await loadError(loadDataset('mnist', src, { trainSubset: 0 }), F.trainImages);
    expect(e.message).toMatch(/trainSubset is 0; it must be a whole number of examples, at least 1/);
    e = await loadError(loadDataset('mnist', src, { testSubset: 1.5 }), F.testImages);
    expect(e.message).toMatch(/testSubset is 1\.5/);
    e = await loadError(loadDataset('mnist', src, { testSubset: 4 }), F.testImages);
    expect(e.message).toMatch(/subset of 4 examples but the file has only 3/);
  });

  it('unknown dataset lists the valid names', async () => {
    const e = await loadError(loadDataset('cifar', nodeFileSource(dir)), 'cifar');
    expect(e.message).toMatch(/unknown dataset.*'mnist', 'fashion-mnist'/);
  });
});

describe('fetchSource', () => {
  it('turns an HTTP error into a DatasetError naming the URL and status', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404, statusText: 'Not Found' }));
    const e = await loadError(fetchSource('/datasets')(F.testLabels), F.testLabels);
    expect(e.message).toContain(`/datasets/${F.testLabels}`);
    expect(e.message).toMatch(/HTTP 404 Not Found/);
  });

  it('turns a network failure into a DatasetError naming the URL', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    const e = await loadError(fetchSource('http://x/d/')(F.testLabels), F.testLabels);
    expect(e.message).toContain(`http://x/d/${F.testLabels}`);
  });

  it('streams the body with content-length as totalBytes', async () => {
    const body = gz(idxLabels([7, 2, 1]));
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(body, { headers: { 'content-length': String(body.length) } });
    });
    const got = await fetchSource('/d/')(F.testLabels);
    expect(urls).toEqual([`/d/${F.testLabels}`]);
    expect(got.totalBytes).toBe(body.length);
  });
});

describe('real datasets in public/datasets', () => {
  const publicDir = fileURLToPath(new URL('../../../public/datasets/', import.meta.url));

  it('loads MNIST: 10000 test images of 28x28, first label 7, progress reaches totalBytes', async () => {
    const progress: LoadProgress[] = [];
    const ds = await loadDataset('mnist', nodeFileSource(publicDir), { onProgress: (p) => progress.push(p) });
    expect(ds.rows).toBe(28);
    expect(ds.cols).toBe(28);
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.test.images.length).toBe(10000 * 784);
    expect(ds.test.labels[0]).toBe(7);
    expect(ds.test.labels.every((l) => l <= 9)).toBe(true);
    const counts = new Array(10).fill(0);
    for (const l of ds.test.labels) counts[l]++;
    expect(counts.every((c) => c > 800)).toBe(true);

    const last = progress.at(-1)!;
    expect(last.totalBytes).toBeGreaterThan(0);
    expect(last.loadedBytes).toBe(last.totalBytes);
  });

  it('loads Fashion-MNIST with a subset', async () => {
    const ds = await loadDataset('fashion-mnist', nodeFileSource(publicDir), { trainSubset: 1000 });
    expect(ds.train.count).toBe(1000);
    expect(ds.train.images.length).toBe(1000 * 784);
    expect(ds.test.count).toBe(10000);
    expect(ds.test.labels.every((l) => l <= 9)).toBe(true);
  });
});
