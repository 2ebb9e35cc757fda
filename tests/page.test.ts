// The page in a real headless Chromium: WebGPU runs on SwiftShader (no GPU needed), served by Vite's dev server.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = `${ROOT}test-results`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COMMON_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu-sandbox',
];
const WEBGPU_ARGS = [...COMMON_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
const NO_WEBGPU_ARGS = [...COMMON_ARGS, '--disable-webgpu'];

/** A run small enough for SwiftShader: 8 steps of 128, then 500 test images. */
const SMALL_RUN = '?hidden=32&epochs=1&lr=0.003&trainSubset=1024&testSubset=500';

let server: ViteDevServer;
/** http://localhost: a secure context, which navigator.gpu requires. */
let origin: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await createServer({
    root: ROOT,
    configFile: `${ROOT}vite.config.ts`,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as AddressInfo;
  origin = `http://localhost:${port}/`;
});

afterAll(async () => {
  await server?.close();
});

/** A page that records console errors and uncaught exceptions. */
async function openPage(browser: Browser, query = '', viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(origin + query);
  return { page, errors };
}

/** The form is ready once the WebGPU check has finished and Start is enabled. */
async function waitUntilReady(page: Page): Promise<void> {
  await expect.poll(() => page.getByRole('button', { name: 'Start' }).isEnabled(), { timeout: 20_000 }).toBe(true);
}

describe('with WebGPU (SwiftShader)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('has an adapter in this launch mode', async () => {
    const { page } = await openPage(browser);
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? { vendor: a.info.vendor, architecture: a.info.architecture } : null;
    });
    expect(adapter).not.toBeNull();
    await page.close();
  });

  test('trains a small network and charts its progress', async () => {
    const { page, errors } = await openPage(browser, SMALL_RUN);
    await waitUntilReady(page);
    expect(await page.locator('#hidden').inputValue()).toBe('32');
    await page.getByRole('button', { name: 'Start' }).click();

    // Finished: the status turns "ok" and the epoch's test accuracy is in.
    await expect.poll(() => page.locator('[data-status]').getAttribute('data-status'), { timeout: 90_000, interval: 500 }).not.toBe('busy');
    const status = await page.locator('[role=status]').innerText();
    expect(status, status).toMatch(/^Finished 1 epoch in [\d.]+ s: test accuracy \d+\.\d%\.$/);
    await expect.poll(() => page.getByRole('button', { name: 'Start' }).isEnabled()).toBe(true);

    const chart = page.locator('metrics-chart');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    // The untrained network's score at step 0 and the one after the epoch.
    expect(Number(await chart.getAttribute('data-test-points'))).toBe(2);
    const testAcc = await page.locator('[data-metric="test-acc"]').innerText();
    expect(testAcc).toMatch(/^\d+\.\d%$/);
    // Chart.js holds the same points it was given.
    const drawn = await chart.evaluate((el) => {
      const c = (el as unknown as { chart: { data: { datasets: { data: unknown[] }[] } } }).chart;
      return c.data.datasets.map((d) => d.data.length);
    });
    expect(drawn[0]).toBeGreaterThan(0);
    expect(drawn[2]).toBe(2);
    // Eight steps of Adam on a 784-32-10 network beat the untrained network's chance level.
    const accuracies = await chart.evaluate((el) => {
      const c = (el as unknown as { chart: { data: { datasets: { data: { y: number }[] }[] } } }).chart;
      return c.data.datasets[2]!.data.map((p) => p.y);
    });
    expect(accuracies[1]!).toBeGreaterThan(accuracies[0]!);
    // One row of angles per layer.
    await expect.poll(() => page.locator('layer-angles tbody tr').count()).toBe(2);

    await page.screenshot({ path: `${SHOTS}/page-training.png`, fullPage: true });
    // Tablet width: one column, nothing wider than the screen (once the chart has followed the resize).
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await page.screenshot({ path: `${SHOTS}/page-training-tablet.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  test('shows an invalid entry inline and keeps it', async () => {
    const { page, errors } = await openPage(browser);
    await waitUntilReady(page);

    await page.locator('#hidden').fill('0');
    await page.getByRole('button', { name: 'Start' }).click();
    const hiddenError = page.locator('#hidden-error');
    await expect.poll(() => hiddenError.isVisible()).toBe(true);
    expect(await hiddenError.innerText()).toContain('Layer 1 must be a whole number of at least 1 (got 0)');
    expect(await page.locator('#hidden').inputValue()).toBe('0');
    expect(await page.locator('#hidden').getAttribute('aria-invalid')).toBe('true');
    // Nothing started.
    expect(await page.locator('[data-status]').getAttribute('data-status')).toBe('info');

    await page.locator('#hidden').fill('64');
    await page.locator('#lr').fill('-1');
    await page.getByRole('button', { name: 'Start' }).click();
    const lrError = page.locator('#lr-error');
    await expect.poll(() => lrError.isVisible()).toBe(true);
    expect(await lrError.innerText()).toContain('at least 0 (got -1)');
    expect(await page.locator('#lr').inputValue()).toBe('-1');
    expect(await page.locator('#hidden').inputValue()).toBe('64');
    expect(await hiddenError.count()).toBe(0);

    await page.screenshot({ path: `${SHOTS}/page-invalid.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('without WebGPU', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: NO_WEBGPU_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('shows the no-WebGPU panel and nothing breaks', async () => {
    const { page, errors } = await openPage(browser);
    // This launch mode really has no WebGPU: no navigator.gpu, or no adapter.
    const gpu = await page.evaluate(async () => (navigator.gpu ? ((await navigator.gpu.requestAdapter()) ? 'adapter' : 'null adapter') : 'no navigator.gpu'));
    expect(['null adapter', 'no navigator.gpu']).toContain(gpu);

    const panel = page.locator('webgpu-unavailable');
    await expect.poll(() => panel.isVisible(), { timeout: 20_000 }).toBe(true);
    const text = await panel.locator('section').innerText();
    expect(text).toContain('WebGPU is unavailable');
    expect(text).toContain('Chrome and Edge 113');
    expect(text).toContain('Safari 26');
    expect(text).toContain('Firefox 141');
    expect(text).toContain('chrome://flags/#enable-unsafe-webgpu');
    expect(await page.getByRole('button', { name: 'Start' }).isDisabled()).toBe(true);
    // The panel takes the results' place; the form still renders and takes entries.
    expect(await page.locator('metrics-chart').count()).toBe(0);
    await page.locator('#hidden').fill('128');
    expect(await page.locator('#hidden').inputValue()).toBe('128');

    await page.screenshot({ path: `${SHOTS}/page-no-webgpu.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
