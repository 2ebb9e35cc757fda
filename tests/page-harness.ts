// Shared by the page tests: a Vite dev server for the lab, headless Chromium with WebGPU on
// SwiftShader (or without WebGPU), and small helpers that read the page's state.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where every page test leaves its screenshots (look at them). */
export const SHOTS = `${ROOT}test-results/screenshots`;
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

/** The lab served by Vite's dev server; `origin` is http://localhost (a secure context, which navigator.gpu requires). */
export interface LabServer {
  origin: string;
  close(): Promise<void>;
}

export async function startLabServer(): Promise<LabServer> {
  mkdirSync(SHOTS, { recursive: true });
  const server: ViteDevServer = await createServer({
    root: ROOT,
    configFile: `${ROOT}vite.config.ts`,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null },
  });
  await server.listen();
  const { port } = server.httpServer!.address() as AddressInfo;
  return { origin: `http://localhost:${port}/`, close: () => server.close() };
}

/** Headless Chromium, with WebGPU on SwiftShader or with WebGPU disabled. */
export function launchChromium(webgpu = true): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: webgpu ? WEBGPU_ARGS : NO_WEBGPU_ARGS });
}

/** A page at `origin + address` that records console errors and uncaught exceptions. */
export async function openPage(browser: Browser, origin: string, address = '', viewport = { width: 1280, height: 900 }, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(origin + address);
  return { page, errors, close: () => context.close() };
}

export const button = (page: Page, name: string) => page.locator('run-controls').getByRole('button', { name, exact: true });

/** Ready once the WebGPU check has finished and Play is enabled. */
export async function waitUntilReady(page: Page): Promise<void> {
  await expect.poll(() => button(page, 'Play').isEnabled(), { timeout: 30_000 }).toBe(true);
}

export const phase = (page: Page) => page.locator('run-controls').getAttribute('data-phase');

/** The run's records as the page holds them (no timings, which differ between runs). */
export function records(page: Page) {
  return page.evaluate(() =>
    (document.querySelector('plasticity-app') as unknown as { records: Array<{ step: number; trainLoss: number; trainAcc: number; testAcc: number | null }> }).records.map(
      (r) => ({ step: r.step, trainLoss: r.trainLoss, trainAcc: r.trainAcc, testAcc: r.testAcc }),
    ),
  );
}

/** Presses Step and waits until the run is paused again after it. */
export async function step(page: Page): Promise<void> {
  const before = (await records(page)).at(-1)?.step ?? -1;
  await button(page, 'Step').click();
  // Done when the buttons are no longer waiting on the command: its result comes after
  // every record of the step (the data-phase can still read 'paused' from before the click).
  const done = async () => {
    const busy = await page.locator('run-controls').evaluate((el) => (el as unknown as { busy: boolean }).busy);
    const last = (await records(page)).at(-1)?.step ?? -1;
    return !busy && (await phase(page)) !== 'training' && last > before;
  };
  await expect.poll(done, { timeout: 60_000 }).toBe(true);
}

/** Starts collecting the app's session events into window.sessionEvents (read them with `sessionEvents`). */
export function collectSessionEvents(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { sessionEvents: unknown[] };
    w.sessionEvents = [];
    document.querySelector('plasticity-app')!.addEventListener('session-event', (e) => w.sessionEvents.push((e as CustomEvent).detail));
  });
}

export function sessionEvents<T = { type: string }>(page: Page): Promise<T[]> {
  return page.evaluate(() => (window as unknown as { sessionEvents: T[] }).sessionEvents);
}

/** Animation frames per second on the page's main thread over `ms`. */
export function framesPerSecond(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (ms) =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const t0 = performance.now();
        const tick = () => {
          frames++;
          const t = performance.now() - t0;
          if (t < ms) requestAnimationFrame(tick);
          else resolve((frames * 1000) / t);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

