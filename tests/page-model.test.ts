// A trained model through the page's "Save or open" menu in headless Chromium: saved
// as a file (the browser's download), opened again in a fresh page, where it predicts
// exactly as it did (the same confusion matrix over the test set, so the same test
// accuracy, and the same first-layer weights); and a broken file is refused with the
// reasons while the run on the page goes on untouched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFloat32, MODEL_FORMAT } from '../src/ui/lab/export';
import { type LabServer, launchChromium, openPage, phase, records, SHOTS, startLabServer, step, waitUntilReady } from './page-harness';

/** 784-16-10 on 256 MNIST images (4 batches an epoch, 5 epochs: two Steps stay short of the end), 64 test images; the views a model's predictions fill. */
const TINY_RUN = '#v=1&tr=256&te=64&h=16&b=64&e=5&s=5&w=loss,accuracy,receptive-fields,confusion';
/** Another experiment, so that an opened model visibly replaces what the page shows. */
const OTHER_RUN = '#v=1&tr=256&te=64&h=8&b=32&e=1&s=9&w=loss,accuracy,receptive-fields,confusion';
const TEST_COUNT = 64;

let server: LabServer;
let browser: Browser;
let files: string;

beforeAll(async () => {
  server = await startLabServer();
  browser = await launchChromium();
  files = mkdtempSync(join(tmpdir(), 'plasticity-model-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (files) rmSync(files, { recursive: true, force: true });
});

interface Predictions {
  /** The confusion matrix over the test set. */
  counts: number[];
  /** W of the first layer as the receptive-fields view holds it. */
  weights: number[];
  units: number;
}

/** What the views show now (the locators pierce the app's shadow roots). */
async function predictions(page: Page): Promise<Predictions> {
  const counts = await page.locator('confusion-matrix').evaluate((el) => Array.from((el as unknown as { counts: ArrayLike<number> }).counts));
  const { weights, units } = await page
    .locator('receptive-fields')
    .evaluate((el) => ({ weights: Array.from((el as unknown as { weights: Float32Array }).weights), units: (el as unknown as { units: number }).units }));
  return { counts, weights, units };
}

/** The views once filled and settled: the same twice, half a second apart. */
async function settledPredictions(page: Page): Promise<Predictions> {
  let last = '';
  let now: Predictions | null = null;
  await expect
    .poll(
      async () => {
        now = await predictions(page);
        const filled = now.counts.reduce((a, b) => a + b, 0) === TEST_COUNT && now.weights.length > 0;
        const key = JSON.stringify(now);
        const stable = filled && key === last;
        last = key;
        return stable;
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true);
  return now!;
}

function accuracy(counts: readonly number[]): number {
  const k = Math.round(Math.sqrt(counts.length));
  let hits = 0;
  for (let i = 0; i < k; i++) hits += counts[i * k + i]!;
  return hits / TEST_COUNT;
}

async function openMenu(page: Page): Promise<void> {
  const menu = page.locator('export-menu details');
  if ((await menu.getAttribute('open')) === null) await page.locator('export-menu summary').click();
}

/** Chooses `path` in the menu's file input, as the "Open a model file…" button's dialog would. */
async function openModelFile(page: Page, path: string): Promise<void> {
  await openMenu(page);
  await page.locator('export-menu input[type=file]').setInputFiles(path);
}

const statusText = (page: Page) => page.locator('run-controls .status').innerText();

describe('a model file', () => {
  let saved: { path: string; predictions: Predictions; step: number };

  test('is saved from a trained run through the browser\'s download', async () => {
    const { page, errors, close } = await openPage(browser, server.origin, TINY_RUN, undefined, { acceptDownloads: true });
    await waitUntilReady(page);
    await step(page);
    await step(page);
    const recorded = (await records(page)).at(-1)!.step;
    expect(recorded).toBeGreaterThan(0);
    const before = await settledPredictions(page);
    expect(before.units).toBe(16);
    expect(before.weights).toHaveLength(16 * 784);

    await openMenu(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('export-menu').getByRole('button', { name: 'Save model' }).click()]);
    // Named by where the run stands, which the latest record may trail.
    const at = Number(/^plasticity-mnist-bp-model-step-(\d+)\.json$/.exec(download.suggestedFilename())?.[1]);
    expect(at).toBeGreaterThanOrEqual(recorded);
    const path = join(files, download.suggestedFilename());
    await download.saveAs(path);
    await expect.poll(() => page.locator('export-menu [role=status]').innerText()).toContain(`Saved ${download.suggestedFilename()}`);

    // The file holds the weights the view shows, and the run's settings.
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc).toMatchObject({ format: MODEL_FORMAT, version: 1, sizes: [784, 16, 10], step: at, experiment: { hidden: [16], seed: 5, trainSubset: 256 } });
    expect(Array.from(decodeFloat32(doc.parameters['layer1.W'].data)!)).toEqual(before.weights);
    expect(errors).toEqual([]);
    saved = { path, predictions: before, step: at };
    await close();
  }, 180_000);

  test('opened in a fresh page predicts exactly as the saved network did', async () => {
    expect(saved).toBeDefined();
    const { page, errors, close } = await openPage(browser, server.origin, OTHER_RUN);
    await waitUntilReady(page);
    await step(page);
    const other = await settledPredictions(page);
    expect(other.units).toBe(8);

    await openModelFile(page, saved.path);
    await expect.poll(() => statusText(page), { timeout: 60_000 }).toMatch(/^Opened .*press Play to train it on/);
    // The model's experiment replaced the page's, in the form and the address.
    expect(await page.locator('#hidden').inputValue()).toBe('16');
    expect(await page.evaluate(() => location.hash)).toMatch(/\bh=16\b.*\bs=5\b/);
    // The views refill from the restored network (after the fresh one's step 0, which they may show first).
    await expect.poll(async () => (await predictions(page)).weights, { timeout: 60_000 }).toEqual(saved.predictions.weights);
    await expect.poll(async () => (await predictions(page)).counts, { timeout: 60_000 }).toEqual(saved.predictions.counts);
    const opened = await settledPredictions(page);
    expect(opened).toEqual(saved.predictions);
    expect(accuracy(opened.counts)).toBe(accuracy(saved.predictions.counts));
    expect(await phase(page)).toBe('paused');

    await page.screenshot({ path: `${SHOTS}/model-opened.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  test('that is broken is refused with its reasons, and the run on the page is kept', async () => {
    expect(saved).toBeDefined();
    const { page, errors, close } = await openPage(browser, server.origin, OTHER_RUN);
    await waitUntilReady(page);
    await step(page);
    const before = await settledPredictions(page);
    const recordsBefore = await records(page);
    const hashBefore = await page.evaluate(() => location.hash);

    // A file cut short in its first layer's weights, and one with a wrong shape and a NaN.
    const doc = JSON.parse(readFileSync(saved.path, 'utf8'));
    const cut = join(files, 'cut-short.json');
    writeFileSync(cut, JSON.stringify({ ...doc, parameters: { ...doc.parameters, 'layer1.W': { ...doc.parameters['layer1.W'], data: doc.parameters['layer1.W'].data.slice(0, 400) } } }));
    const notJson = join(files, 'not-json.json');
    writeFileSync(notJson, readFileSync(saved.path, 'utf8').slice(0, 300));
    const nan = new Float32Array(10).fill(Number.NaN);
    const nanB64 = Buffer.from(nan.buffer).toString('base64');
    const mangled = join(files, 'mangled.json');
    writeFileSync(mangled, JSON.stringify({ ...doc, parameters: { ...doc.parameters, 'layer1.b': { ...doc.parameters['layer1.b'], shape: [15] }, 'layer2.b': { ...doc.parameters['layer2.b'], data: nanB64 } } }));

    const alert = page.locator('export-menu [role=alert]');
    await openModelFile(page, cut);
    await expect.poll(() => alert.innerText()).toMatch(/cut-short\.json cannot be opened:[\s\S]*layer1\.W holds 75 values where its shape \[16, 784\] needs 12544/);
    await openModelFile(page, notJson);
    await expect.poll(() => alert.innerText()).toMatch(/not-json\.json cannot be opened:[\s\S]*This file is not JSON/);
    await openModelFile(page, mangled);
    await expect.poll(() => alert.innerText()).toMatch(/mangled\.json cannot be opened:[\s\S]*layer1\.b has shape \[15\][\s\S]*layer2\.b holds 10 values that are not a finite number/);
    await page.screenshot({ path: `${SHOTS}/model-refused.png`, fullPage: true });

    // Nothing was lost: the same run, at the same step, showing the same network.
    expect(await phase(page)).toBe('paused');
    expect(await records(page)).toEqual(recordsBefore);
    expect(await page.evaluate(() => location.hash)).toBe(hashBefore);
    expect(await page.locator('#hidden').inputValue()).toBe('8');
    expect(await predictions(page)).toEqual(before);
    // And it trains on from there.
    await step(page);
    expect((await records(page)).at(-1)!.step).toBeGreaterThan(recordsBefore.at(-1)!.step);
    expect(errors).toEqual([]);
    await close();
  }, 180_000);
});
