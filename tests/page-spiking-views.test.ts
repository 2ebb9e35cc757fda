// A spiking run's prediction views in headless Chromium: the confusion matrix, the
// sample predictions and (on a 2-D set) the decision boundary are offered and filled
// from the network's readout over its T steps, as a rate run's are; a spike-only rule
// offers them disabled.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LabServer, launchChromium, openPage, SHOTS, startLabServer, step, waitUntilReady } from './page-harness';

/** 784-32-10 LIF over 8 steps with Poisson input, on 256 MNIST images and 64 test images. */
const SPIKING_MNIST = '#v=1&k=spiking&tr=256&te=64&h=32&b=32&e=1&st=8&w=raster,receptive-fields,confusion,samples';
/** 2-32-2 LIF on XOR. */
const SPIKING_XOR = '#v=1&k=spiking&d=xor&tr=200&te=100&h=32&b=20&e=1&st=8&s=7&w=boundary,confusion';
const SPIKE_ONLY = '#v=1&k=spiking&r=bpstdp&tr=256&te=64&h=32&b=32&e=1&st=8&w=loss,accuracy';

let server: LabServer;
let browser: Browser;

beforeAll(async () => {
  server = await startLabServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const toggle = (page: Page, name: string) => page.locator(`view-toggles input[name="${name}"]`);
const countsOf = (page: Page) => page.locator('confusion-matrix').evaluate((el) => Array.from((el as unknown as { counts: ArrayLike<number> }).counts));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

test('a spiking run on MNIST fills its confusion matrix and sample predictions', async () => {
  const { page, errors, close } = await openPage(browser, server.origin, SPIKING_MNIST);
  await waitUntilReady(page);
  for (const v of ['confusion', 'samples', 'raster', 'receptive-fields']) expect(await toggle(page, v).isDisabled()).toBe(false);
  await step(page);
  await expect.poll(async () => sum(await countsOf(page)), { timeout: 60_000 }).toBe(64);
  await expect
    .poll(() => page.locator('sample-predictions').evaluate((el) => (el as unknown as { predictions: unknown[] }).predictions.length), { timeout: 60_000 })
    .toBe(12);
  await page.screenshot({ path: `${SHOTS}/spiking-views.png`, fullPage: true });
  expect(errors).toEqual([]);
  await close();
}, 180_000);

test('a spiking run on XOR colours its decision boundary', async () => {
  const { page, errors, close } = await openPage(browser, server.origin, SPIKING_XOR);
  await waitUntilReady(page);
  expect(await toggle(page, 'boundary').isDisabled()).toBe(false);
  await step(page);
  await expect
    .poll(() => page.locator('decision-boundary').evaluate((el) => (el as unknown as { probabilities: Float32Array }).probabilities.length), { timeout: 60_000 })
    .toBe(64 * 64 * 2);
  await expect.poll(async () => sum(await countsOf(page)), { timeout: 60_000 }).toBe(100);
  await page.screenshot({ path: `${SHOTS}/spiking-boundary.png`, fullPage: true });
  expect(errors).toEqual([]);
  await close();
}, 180_000);

test('a spike-only rule offers the prediction views disabled', async () => {
  const { page, errors, close } = await openPage(browser, server.origin, SPIKE_ONLY);
  await waitUntilReady(page);
  for (const v of ['confusion', 'samples', 'boundary']) expect(await toggle(page, v).isDisabled()).toBe(true);
  expect(await toggle(page, 'receptive-fields').isDisabled()).toBe(false);
  expect(errors).toEqual([]);
  await close();
}, 120_000);
