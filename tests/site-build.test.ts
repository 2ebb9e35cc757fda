// `npm run build`'s static site: its JavaScript's gzipped size (the budget is 250 kB
// without the datasets), and the site served from a sub-path in headless Chromium,
// where the engine worker's chunk and the datasets must still be found.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.gz': 'application/gzip', '.md': 'text/markdown' };

let out: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'plasticity-site-'));
  await build({ root: ROOT, configFile: `${ROOT}vite.config.ts`, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  // Files of the site under SUB_PATH only; anything else is a 404, as on a shared host.
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split(/[?#]/)[0]!);
    if (!path.startsWith(SUB_PATH)) {
      res.writeHead(404).end();
      return;
    }
    const rel = normalize(path.slice(SUB_PATH.length) || 'index.html');
    const file = join(out, rel.endsWith('/') ? `${rel}index.html` : rel);
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
});

describe('the built site', () => {
  test('ships its JavaScript within the gzipped budget', () => {
    const assets = join(out, 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    const sizes = js.map((f) => {
      const bytes = readFileSync(join(assets, f));
      return { file: f, raw: statSync(join(assets, f)).size, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    const total = sizes.reduce((s, x) => s + x.gzip, 0);
    for (const s of sizes) console.log(`${s.file}: ${(s.raw / 1024).toFixed(1)} kB, gzipped ${(s.gzip / 1024).toFixed(1)} kB`);
    console.log(`all JavaScript, gzipped: ${(total / 1024).toFixed(1)} kB (budget ${BUDGET_BYTES / 1024} kB)`);
    expect(js.some((f) => f.startsWith('engine-worker'))).toBe(true);
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
  });
});
