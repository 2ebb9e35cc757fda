// `npm run build`'s static site: its JavaScript's gzipped size (the budget is 250 kB
// without the datasets), and the site served from a sub-path in headless Chromium,
// where the engine worker's chunk and the datasets must still be found. Then the
// embed build beside it (dist/embed/plasticity-lab.js, docs/embedding.md): its size
// within the same budget, and a plain page elsewhere on the site that loads only
// that script and a <plasticity-lab> tag, and trains.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
/** Gzipped JavaScript the page may ship, datasets aside. */
const BUDGET_BYTES = 250 * 1024;
/** Where the site is served: deep enough that a root-relative URL would miss. */
const SUB_PATH = '/course/lab/v1/';
/** Where a page that embeds the lab is served: another folder, so a URL taken from the page's address would miss. */
const HOST_PATH = '/blog/2025/';
/** A small run: 256 MNIST images, one narrow layer. */
const SMALL_RUN = 'v=1&tr=256&te=64&h=16&b=64&e=1';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.gz': 'application/gzip', '.md': 'text/markdown' };

let out: string;
let hostDir: string;
let server: Server;
let origin: string;

/** Each .js file under `dir` (one level of folders down), with its raw and gzipped size. */
function jsSizes(dir: string): Array<{ file: string; raw: number; gzip: number }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const bytes = readFileSync(join(dir, f));
      return { file: f, raw: statSync(join(dir, f)).size, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

function report(what: string, sizes: ReturnType<typeof jsSizes>): number {
  const total = sizes.reduce((s, x) => s + x.gzip, 0);
  for (const s of sizes) console.log(`${s.file}: ${(s.raw / 1024).toFixed(1)} kB, gzipped ${(s.gzip / 1024).toFixed(1)} kB`);
  console.log(`${what}, gzipped: ${(total / 1024).toFixed(1)} kB (budget ${BUDGET_BYTES / 1024} kB)`);
  return total;
}

/** A page of another site's author: one script tag for the lab and one element, nothing else of ours. */
function hostPage(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>A post that embeds the lab</title>
    <script type="module" src="${SUB_PATH}embed/plasticity-lab.js"></script>
  </head>
  <body>
    <h1>Feedback alignment, live</h1>
    <plasticity-lab preset="${SMALL_RUN}" controls="minimal"></plasticity-lab>
  </body>
</html>
`;
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'plasticity-site-'));
  // As `npm run build` builds: vitest's NODE_ENV=test would make it a development build (import.meta.env.DEV, Lit's dev mode).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: ROOT, configFile: `${ROOT}vite.config.ts`, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  hostDir = mkdtempSync(join(tmpdir(), 'plasticity-host-'));
  writeFileSync(join(hostDir, 'index.html'), hostPage());
  // Files of the site under SUB_PATH and the embedding page under HOST_PATH only; anything else is a 404, as on a shared host.
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]!);
    const served = [{ at: SUB_PATH, dir: out }, { at: HOST_PATH, dir: hostDir }].find((s) => path.startsWith(s.at));
    if (!served) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(path.slice(served.at.length) || 'index.html');
    const file = join(served.dir, rel.endsWith('/') ? `${rel}index.html` : rel);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (out) rmSync(out, { recursive: true, force: true });
  if (hostDir) rmSync(hostDir, { recursive: true, force: true });
});

describe('the built site', () => {
  test('ships its JavaScript within the gzipped budget', () => {
    const sizes = jsSizes(join(out, 'assets'));
    const total = report('the page\'s JavaScript', sizes);
    expect(sizes.some((s) => s.file.startsWith('engine-worker'))).toBe(true);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  test('writes the embed script under a fixed name, with its worker, within the same budget', () => {
    const sizes = jsSizes(join(out, 'embed'));
    const total = report('the embed\'s JavaScript', sizes);
    expect(sizes.map((s) => s.file).sort()).toEqual([expect.stringMatching(/^assets\/engine-worker-[\w-]+\.js$/), 'plasticity-lab.js']);
    // One module: no chunk of its own to fetch but the worker.
    expect(readFileSync(join(out, 'embed', 'plasticity-lab.js'), 'utf8')).not.toMatch(/\bimport\s*\(|from\s*["'`]\.\.?\//);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  describe('served from a sub-path', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });

    afterAll(async () => {
      await browser?.close();
    });

    test('finds the worker and the datasets, and trains', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      const missing: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => r.status() >= 400 && missing.push(r.url()));
      await page.goto(`${origin}${SUB_PATH}#v=1&tr=256&te=64&h=16&b=64&e=1`);
      const step = page.locator('run-controls').getByRole('button', { name: 'Step', exact: true });
      await expect.poll(() => step.isEnabled(), { timeout: 30_000 }).toBe(true);
      await step.click();
      await expect
        .poll(() => page.evaluate(() => (document.querySelector('plasticity-app') as unknown as { records: { step: number }[] }).records.at(-1)?.step ?? -1), { timeout: 60_000 })
        .toBeGreaterThan(0);
      expect(missing).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);

    test('a plain page elsewhere loads the lab with one script tag and one element, and it trains', async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      const missing: string[] = [];
      const workers: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => r.status() >= 400 && missing.push(r.url()));
      page.on('worker', (w) => workers.push(w.url()));
      await page.goto(`${origin}${HOST_PATH}`);
      // The locators pierce the element's and the app's shadow roots.
      const step = page.locator('plasticity-lab run-controls').getByRole('button', { name: 'Step', exact: true });
      await expect.poll(() => step.isEnabled(), { timeout: 30_000 }).toBe(true);
      // Minimal controls: the run's buttons, no settings form.
      expect(await page.locator('plasticity-lab experiment-form').count()).toBe(0);
      await step.click();
      await expect
        .poll(
          () =>
            page.evaluate(() => {
              const app = document.querySelector('plasticity-lab')!.shadowRoot!.querySelector('plasticity-app') as unknown as { records: { step: number }[] };
              return app.records.at(-1)?.step ?? -1;
            }),
          { timeout: 60_000 },
        )
        .toBeGreaterThan(0);
      // The worker came from beside the script, not from beside the page.
      expect(workers).toEqual([expect.stringMatching(new RegExp(`^${origin}${SUB_PATH}embed/assets/engine-worker-[\\w-]+\\.js$`))]);
      expect(missing).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  });
});
