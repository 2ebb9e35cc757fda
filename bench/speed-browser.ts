// The browser half of `npm run bench:speed` (bench/speed.ts calls it): one
// headless Chromium with WebGPU (SwiftShader where there is no GPU), the
// project served by Vite's dev server, and two measurements:
//   - bench/speed-page/: this engine and TensorFlow.js (tfjs-backend-webgpu)
//     training the same MLP in one page on one adapter, backprop and feedback
//     alignment, samples per second and their ratio;
//   - the app itself (index.html, default preset): time from navigation to the
//     first training record with Play pressed as soon as it is enabled, the
//     dataset already in the HTTP cache, split by the session's phase events,
//     and the animation frames the page drew meanwhile (does compiling block it?);
//     from the built site (`npm start`: `vite build`, served by `vite preview`;
//     the README's way, and what a shared link opens) and from the dev server
//     (`npm run dev`).
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, createServer, type Plugin, preview, type PreviewServer, type ViteDevServer } from 'vite';
import type { FirstStepPage, PeerOptions, PeerReport } from './speed-page/results';

export type { FirstStepPage, PeerOptions, PeerReport } from './speed-page/results';

const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
];
const PAGE = 'bench/speed-page/index.html';
/** Generous: TensorFlow.js trains a few hundred samples per second on SwiftShader. */
const PEER_TIMEOUT_MS = 30 * 60_000;
const FIRST_STEP_TIMEOUT_MS = 5 * 60_000;

export interface BrowserSpeedOptions {
  /** The package root: Vite serves it with its vite.config.ts (public/ holds the datasets). */
  root: string;
  peer?: Partial<PeerOptions>;
  /** Chromium's binary (default: $CHROMIUM_PATH or /usr/bin/chromium). */
  chromium?: string;
  log?: (line: string) => void;
}

export interface BrowserSpeed {
  browser: string;
  peer: PeerReport;
  /** The app from Vite's dev server. */
  firstStep: FirstStepPage;
  /** The app built (vite build) and served as static files (vite preview). */
  firstStepBuilt: FirstStepPage;
}

/** A dataset request as the dev server saw it: 304 means the browser had the bytes and revalidated. */
interface DatasetHit {
  url: string;
  status: number;
}

/** Notes every request for a dataset file and the status the server answered (dev and preview servers). */
function datasetLog(hits: DatasetHit[]): Plugin {
  const note = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = req.url ?? '';
    if (url.includes('/datasets/')) res.on('finish', () => hits.push({ url, status: res.statusCode }));
    next();
  };
  return {
    name: 'bench-dataset-log',
    configureServer(server) {
      server.middlewares.use(note);
    },
    configurePreviewServer(server) {
      server.middlewares.use(note);
    },
  };
}

/** Builds the site into a temporary folder and serves it as static files (vite preview). */
async function startBuiltSite(root: string, hits: DatasetHit[], outDir: string): Promise<{ server: PreviewServer; origin: string }> {
  const configFile = join(root, 'vite.config.ts');
  await build({ root, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({
    root,
    configFile,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    plugins: [datasetLog(hits)],
  });
  const { port } = server.httpServer.address() as AddressInfo;
  return { server, origin: `http://localhost:${port}/` };
}

async function startServer(root: string, hits: DatasetHit[]): Promise<{ server: ViteDevServer; origin: string }> {
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    // A dependency cache of its own: the page tests' servers use node_modules/.vite with other pre-bundled deps.
    cacheDir: join(root, 'node_modules', '.vite-bench-speed'),
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null },
    // Pre-bundled at start-up, so the bench page does not reload when Vite finds them.
    optimizeDeps: { include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-webgpu'] },
    plugins: [datasetLog(hits)],
  });
  await server.listen();
  const { port } = server.httpServer!.address() as AddressInfo;
  return { server, origin: `http://localhost:${port}/` };
}

/** The page's progress lines, errors and failed requests (but the favicon's), as they come. */
function forwardConsole(page: Page, log: (line: string) => void): void {
  page.on('console', (m) => {
    if (m.text().startsWith('[speed]')) log(m.text().slice(8));
    else if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) log(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) log(`HTTP ${r.status()} ${r.url()}`);
  });
}

/** This engine against TensorFlow.js in one page (bench/speed-page/). */
async function peerRates(context: BrowserContext, origin: string, options: Partial<PeerOptions>, log: (line: string) => void): Promise<PeerReport> {
  const page = await context.newPage();
  try {
    forwardConsole(page, log);
    page.setDefaultTimeout(PEER_TIMEOUT_MS);
    await page.goto(origin + PAGE);
    await page.waitForFunction(() => 'speedBench' in window, undefined, { timeout: 120_000 });
    return await page.evaluate((o) => window.speedBench.run(o), options);
  } finally {
    await page.close();
  }
}

/** What the probe collects in the app page: frame times, session events (with a record's step) and when it pressed Play. */
interface ProbeData {
  frames: number[];
  events: Array<{ t: number; type: string; phase?: string; step?: number }>;
  playAt: number | null;
}

/**
 * Installed before the app's scripts (Playwright sends its source, so it uses
 * nothing from this module): notes a timestamp every animation frame and each
 * session event, and presses Play the first frame it is enabled. Times are the
 * page's performance.now(), which starts at navigation.
 */
function firstStepProbe(): void {
  const probe: ProbeData = { frames: [], events: [], playAt: null };
  (window as unknown as { probe: ProbeData }).probe = probe;
  let listening = false;
  const deep = (root: ParentNode, selector: string): Element | null => {
    const found = root.querySelector(selector);
    if (found) return found;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot ? deep(el.shadowRoot, selector) : null;
      if (inner) return inner;
    }
    return null;
  };
  const frame = (t: number) => {
    probe.frames.push(t);
    const app = document.querySelector('plasticity-app');
    if (app && !listening) {
      listening = true;
      app.addEventListener('session-event', (e) => {
        const d = (e as CustomEvent).detail as { type: string; phase?: string; record?: { step: number } };
        probe.events.push({ t: performance.now(), type: d.type, ...(d.phase ? { phase: d.phase } : {}), ...(d.record ? { step: d.record.step } : {}) });
      });
    }
    if (app && probe.playAt === null) {
      const play = deep(app.shadowRoot ?? app, 'button[data-command="play"]') as HTMLButtonElement | null;
      if (play && !play.disabled) {
        probe.playAt = performance.now();
        play.click();
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Longest gap between consecutive frames in [from, to], and frames per second there. */
function frameStats(frames: number[], from: number, to: number): { count: number; longestGapMs: number; perSecond: number } {
  const inside = frames.filter((t) => t >= from && t <= to);
  const points = [from, ...inside, to];
  let longest = 0;
  for (let i = 1; i < points.length; i++) longest = Math.max(longest, points[i]! - points[i - 1]!);
  return { count: inside.length, longestGapMs: longest, perSecond: to > from ? (inside.length * 1000) / (to - from) : 0 };
}

const isFirstRecord = (e: ProbeData['events'][number]) => e.type === 'metrics' && (e.step ?? 0) > 0;

/** Opens the app in a new page of `context` and waits for its first training record and its step-0 record; the probe's data and the dataset requests of the visit. */
async function visitApp(context: BrowserContext, origin: string, hits: DatasetHit[], log: (line: string) => void): Promise<{ probe: ProbeData; requests: DatasetHit[] }> {
  const page = await context.newPage();
  try {
    await page.addInitScript(firstStepProbe);
    forwardConsole(page, log);
    hits.length = 0;
    await page.goto(origin);
    await page.waitForFunction(
      () => {
        const records = (window as unknown as { probe: ProbeData }).probe.events.filter((e) => e.type === 'metrics');
        // The first training record and the step-0 test record, in whichever order.
        return records.some((e) => (e.step ?? 0) > 0) && records.some((e) => e.step === 0);
      },
      undefined,
      { timeout: FIRST_STEP_TIMEOUT_MS, polling: 100 },
    );
    const probe = await page.evaluate(() => (window as unknown as { probe: ProbeData }).probe);
    return { probe, requests: hits.map((h) => ({ ...h })) };
  } finally {
    await page.close();
  }
}

/**
 * The app's time to its first training record: one visit to fill the HTTP
 * cache (and Vite's transform cache), then a fresh page in the same browser
 * profile, measured. (A profile on disk: an incognito context's memory cache
 * does not keep the 10 MB training images.)
 */
async function firstStepInApp(context: BrowserContext, origin: string, hits: DatasetHit[], log: (line: string) => void): Promise<FirstStepPage> {
  const first = await visitApp(context, origin, hits, log);
  log(`first visit (dataset downloaded): first record at ${(first.probe.events.find(isFirstRecord)!.t / 1000).toFixed(2)} s`);
  const { probe, requests } = await visitApp(context, origin, hits, log);
  const at = (pred: (e: ProbeData['events'][number]) => boolean) => probe.events.find(pred)?.t ?? null;
  const record = probe.events.find(isFirstRecord)!;
  const playAt = probe.playAt ?? 0;
  const loadingAt = at((e) => e.phase === 'loading');
  const preparingAt = at((e) => e.phase === 'preparing');
  const readyAt = at((e) => e.type === 'ready');
  const datasetRequests = requests.map((r) => ({ url: r.url, status: r.status, fromCache: r.status === 304 }));
  return {
    preset: 'default (no address fragment): MNIST, 784-256-256-10, bp, batch 128, momentum SGD',
    readyMs: playAt,
    loadingMs: loadingAt,
    preparingMs: preparingAt,
    sessionReadyMs: readyAt,
    firstStepMs: record.t,
    firstStep: record.step ?? 0,
    stepZeroMs: at((e) => e.type === 'metrics' && e.step === 0),
    // Every dataset request answered 304 (the browser had the bytes and revalidated them), or none was made.
    datasetCached: datasetRequests.every((r) => r.fromCache),
    datasetRequests,
    frames: {
      ...frameStats(probe.frames, playAt, record.t),
      // The pipelines compile while the dataset loads: loading → ready covers both.
      longestGapWhileCompilingMs: loadingAt !== null && readyAt !== null ? frameStats(probe.frames, loadingAt, readyAt).longestGapMs : null,
    },
  };
}

/** Launches Chromium, serves the project, runs both measurements and returns them. */
export async function browserSpeed(options: BrowserSpeedOptions): Promise<BrowserSpeed> {
  const log = options.log ?? (() => {});
  const hits: DatasetHit[] = [];
  const { server, origin } = await startServer(options.root, hits);
  const profile = mkdtempSync(join(tmpdir(), 'plasticity-speed-'));
  let context: BrowserContext | null = null;
  let built: { server: PreviewServer; origin: string } | null = null;
  const siteDir = mkdtempSync(join(tmpdir(), 'plasticity-site-'));
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: options.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const browser = await browserVersion(context);
    log(`${browser}, ${origin}`);
    log('time to the first step in the app page');
    const firstStep = await firstStepInApp(context, origin, hits, log);
    log('this engine and TensorFlow.js in one page');
    const peer = await peerRates(context, origin, options.peer ?? {}, log);
    log('time to the first step in the built site');
    built = await startBuiltSite(options.root, hits, siteDir);
    const firstStepBuilt = await firstStepInApp(context, built.origin, hits, log);
    return { browser: `${browser}, headless, WebGPU flags: ${ARGS.filter((a) => a.includes('webgpu')).join(' ')}`, peer, firstStep, firstStepBuilt };
  } finally {
    await context?.close();
    await server.close();
    await built?.server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(siteDir, { recursive: true, force: true });
  }
}

/** 'Chromium 156.0.8078.79', from the browser itself (a persistent context has no Browser object to ask). */
async function browserVersion(context: BrowserContext): Promise<string> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  const { product } = (await cdp.send('Browser.getVersion')) as { product: string };
  await cdp.detach();
  return `Chromium ${product.split('/').at(-1)}`;
}
