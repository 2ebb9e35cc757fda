// The lab's pieces in a real headless Chromium, each on its own (tests/fixtures/lab-components.html):
// the lesson panel by keyboard, the compare chart, the export menu's files, and the embeddable element.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_EXPERIMENT, type Experiment } from '../src/ui/experiment/experiment';
import { metricsCsv, readModelFile } from '../src/ui/lab/export';
import { LESSONS } from '../src/ui/lessons/catalogue';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHOTS = `${ROOT}test-results`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// No WebGPU: these pieces draw and save without it, and the embedded app shows its notice.
const ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-webgpu'];

let server: ViteDevServer;
let origin: string;
let browser: Browser;

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
  origin = `http://localhost:${(server.httpServer!.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openFixture(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const ready = () => page.waitForFunction(() => (window as unknown as { labReady?: boolean }).labReady === true, undefined, { timeout: 60_000 });
  await page.goto(`${origin}tests/fixtures/lab-components.html${query}`);
  await ready();
  // Vite reloads the page when it meets a dependency it had not pre-bundled: let that happen now, not mid-test.
  await page.waitForLoadState('networkidle');
  await ready();
  return { page, errors };
}

type Logged = { lessonId: string; step: number; lesson: unknown; compare: string[] };

/** The element inside the panel's shadow root that has the focus, by its text. */
const focusedText = (page: Page) => page.evaluate(() => document.querySelector('lesson-panel')!.shadowRoot!.activeElement?.textContent?.trim() ?? null);

describe('lesson panel', () => {
  test('picks a lesson and moves through its steps by keyboard, emitting each step and its preset', async () => {
    const { page, errors } = await openFixture();
    await page.evaluate(() => {
      const w = window as unknown as { steps: unknown[] };
      w.steps = [];
      const panel = document.createElement('lesson-panel');
      panel.addEventListener('lesson-step', (e) => {
        const d = e.detail;
        w.steps.push({ lessonId: d.lessonId, step: d.step, lesson: d.preset.lesson, compare: d.preset.compare });
      });
      document.body.append(panel);
    });
    const steps = () => page.evaluate(() => (window as unknown as { steps: Logged[] }).steps);

    // The select is labelled, and the list offers every lesson.
    await expect.poll(() => page.getByLabel('Lesson', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Lessons' }).getByRole('button').count()).toBe(LESSONS.length);

    // Tab to the select, Tab to the first lesson, Enter: its first step, and the focus on the step's heading.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(steps).toEqual([{ lessonId: 'weight-transport', step: 0, lesson: { id: 'weight-transport', step: 0 }, compare: [] }]);
    await expect.poll(() => focusedText(page)).toBe('Step 1 of 3: What the backward pass uses');

    // The answer stays hidden until asked for, by keyboard too.
    const answer = page.getByText(LESSONS[0]!.steps[0]!.answer.slice(0, 40));
    expect(await answer.isVisible()).toBe(false);
    await page.getByText('Show answer').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => answer.isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Hide answer').count()).toBe(1);

    // Next by Enter and by Space; the focus stays on it, and at the last step it does nothing.
    const next = page.getByRole('button', { name: 'Next step →' });
    await next.focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await steps()).map((s) => [s.step, s.compare])).toEqual([
      [0, []],
      [1, ['bp', 'fa']],
      [2, ['bp', 'fa', 'ss']],
    ]);
    expect(await focusedText(page)).toBe('Next step →');
    expect(await next.getAttribute('aria-disabled')).toBe('true');
    expect(await page.getByRole('heading', { level: 3 }).innerText()).toBe('Step 3 of 3: Keep only the signs');
    // A new step hides the answer again.
    expect(await page.getByText('Show answer').count()).toBe(1);
    // The step list marks where the student is and jumps by keyboard.
    expect(await page.getByRole('button', { name: 'Step 3: Keep only the signs' }).getAttribute('aria-current')).toBe('step');
    await page.getByRole('button', { name: 'Step 1: What the backward pass uses' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await steps()).at(-1)!.step).toBe(0);

    await page.getByText('Show answer').click();
    await page.screenshot({ path: `${SHOTS}/lab-lesson-panel.png`, fullPage: true });

    // Another lesson from the select starts at its first step.
    await page.getByLabel('Lesson', { exact: true }).selectOption(LESSONS[1]!.id);
    await expect.poll(async () => (await steps()).at(-1)).toMatchObject({ lessonId: LESSONS[1]!.id, step: 0 });
    const emitted = (await steps()).length;

    // A place the page sets (from a link) is shown, and emits nothing; one that does not exist says so.
    await page.evaluate(() => {
      document.querySelector('lesson-panel')!.place = { id: 'weight-transport', step: 1 };
    });
    await expect.poll(() => page.getByRole('heading', { level: 3 }).innerText()).toBe('Step 2 of 3: Swap Wᵀ for a fixed random matrix');
    await page.evaluate(() => {
      document.querySelector('lesson-panel')!.place = { id: 'weight-transport', step: 7 };
    });
    await expect.poll(() => page.getByRole('status').first().innerText()).toBe('"Backprop needs weight transport" has 3 steps, so there is no step 8; choose one.');
    expect((await steps()).length).toBe(emitted);
    expect(errors).toEqual([]);
    await page.close();
  });
});

const record = (step: number, testAcc: number | null, trainLoss: number) => ({
  step,
  epoch: 0,
  trainLoss,
  trainAcc: 0.5,
  testLoss: null,
  testAcc,
  layers: [{ layer: 1, weightAngle: 80, gradientAngle: null, bpAngle: null, weightNorm: 1, feedbackNorm: 1 }],
  samplesPerSec: 100,
  elapsedSec: step / 10,
  diverged: false,
});

const series = [
  { rule: 'bp', records: [record(0, 0.1, Number.NaN), record(4, null, 0.9), record(8, 0.9, 0.3)] },
  { rule: 'fa', records: [record(0, 0.1, Number.NaN), record(8, 0.8, 0.5)] },
];

describe('compare chart', () => {
  test('draws one line per rule in its colour, with a legend and a text alternative that give the latest values', async () => {
    const { page, errors } = await openFixture();
    await page.evaluate((s) => {
      const chart = document.createElement('compare-chart');
      chart.rules = s;
      document.body.append(chart);
    }, series);
    const chart = page.locator('compare-chart');
    await expect.poll(() => chart.getAttribute('data-points')).toBe('4');
    expect(await page.getByRole('list', { name: 'Rules' }).innerText()).toMatch(/bp\s*90\.0%\s*fa\s*80\.0%/);
    expect(await chart.locator('canvas').getAttribute('aria-label')).toBe('Test accuracy against the training step for 2 rules: bp 90.0%, fa 80.0%.');
    const colours = () => chart.evaluate((el) => (el as unknown as { chart: { data: { datasets: { borderColor: string }[] } } }).chart.data.datasets.map((d) => d.borderColor));
    expect(await colours()).toEqual(['#0072b2', '#e69f00']);

    await page.screenshot({ path: `${SHOTS}/lab-compare-chart.png` });
    await chart.evaluate((el) => el.setAttribute('metric', 'train-loss'));
    await expect.poll(() => chart.getAttribute('data-points')).toBe('3');
    expect(await page.getByRole('list', { name: 'Rules' }).innerText()).toMatch(/bp\s*0\.300\s*fa\s*0\.500/);
    expect(await colours()).toEqual(['#0072b2', '#e69f00']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

const xor: Experiment = { ...DEFAULT_EXPERIMENT, dataset: 'xor', trainSubset: 64, testSubset: 16, hidden: [3], rule: 'fa', batchSize: 8 };

describe('export menu', () => {
  test('saves metrics, a chart and a model, and opens model files, saying what is wrong with a bad one', async () => {
    const { page, errors } = await openFixture();
    await page.evaluate(
      ({ e, s }) => {
        const w = window as unknown as { imports: unknown[] };
        w.imports = [];
        const chart = document.createElement('compare-chart');
        chart.rules = s;
        const menu = document.createElement('export-menu');
        menu.experiment = e;
        menu.series = s;
        menu.charts = [{ label: 'Accuracy chart', canvas: () => chart.canvas }];
        // What a 2-3-2 fa trainer's snapshot holds, as far as a model file reads it.
        const ramp = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => k * (i + 1));
        menu.snapshotOf = async (rule) =>
          ({
            kind: 'rate',
            config: { rule, coefficients: {}, optimizer: { lr: 0.01 } },
            position: { step: 24, epoch: 3 },
            buffers: { 'layer1.W': ramp(6, 0.5), 'layer1.b': ramp(3, 0.1), 'layer2.W': ramp(6, -0.25), 'layer2.b': ramp(2, 1), 'layer1.mW': ramp(6, 9) },
          }) as never;
        menu.addEventListener('model-import', (ev) => w.imports.push({ sizes: ev.detail.model.sizes, rule: ev.detail.model.experiment.rule, file: ev.detail.fileName }));
        document.body.append(chart, menu);
      },
      { e: { ...xor, rule: 'bp', compare: ['bp', 'fa'] } as Experiment, s: series },
    );
    await page.getByText('Save or open').click();

    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      return { name: download.suggestedFilename(), bytes: await readFile((await download.path())!) };
    };

    const csv = await save('CSV');
    expect(csv.name).toBe('plasticity-xor-bp-vs-fa-metrics.csv');
    expect(csv.bytes.toString('utf8')).toBe(metricsCsv(series));
    await expect.poll(() => page.locator('export-menu').getByRole('status').innerText()).toBe('Saved plasticity-xor-bp-vs-fa-metrics.csv.');

    const json = await save('JSON (with the settings)');
    const doc = JSON.parse(json.bytes.toString('utf8'));
    expect(doc.runs.map((r: { rule: string }) => r.rule)).toEqual(['bp', 'fa']);

    const png = await save('Accuracy chart');
    expect(png.name).toBe('plasticity-xor-bp-vs-fa-accuracy-chart.png');
    expect([...png.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const model = await save('Save fa model');
    expect(model.name).toBe('plasticity-xor-fa-model-step-24.json');
    const read = readModelFile(model.bytes.toString('utf8'));
    if (!read.ok) throw new Error(read.problems.join(' '));
    expect(read.model.experiment).toMatchObject({ rule: 'fa', compare: [] });
    expect(Array.from(read.model.parameters['layer1.b']!)).toEqual([0.1, 0.2, 0.3].map(Math.fround));

    const input = page.locator('export-menu input[type=file]');
    await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "keras"}') });
    const alert = page.locator('export-menu').getByRole('alert');
    await expect.poll(() => alert.innerText()).toMatch(/^bad\.json cannot be opened:\s*This file has the format "keras"; a model file saved by Plasticity Lab has "format": "plasticity-lab\/model"\.$/);

    await input.setInputFiles({ name: 'fa.json', mimeType: 'application/json', buffer: model.bytes });
    await expect.poll(() => page.evaluate(() => (window as unknown as { imports: unknown[] }).imports)).toEqual([{ sizes: [2, 3, 2], rule: 'fa', file: 'fa.json' }]);
    expect(await page.locator('export-menu').getByRole('status').innerText()).toBe('Opened fa.json: a 2-3-2 network trained with fa for 24 steps.');
    expect(await alert.innerText()).toBe('');
    await page.screenshot({ path: `${SHOTS}/lab-export-menu.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<plasticity-lab>', () => {
  test('hands the app element the preset, autoplay, controls and datasets url, and says what it could not use', async () => {
    // Loaded in this test only: it brings the app element along.
    const { page, errors } = await openFixture('?embed');
    const appProps = () =>
      page.evaluate(() => {
        const app = document.querySelector('plasticity-lab')!.shadowRoot!.querySelector('plasticity-app') as unknown as Record<string, unknown> | null;
        if (!app) return null;
        const e = app.experiment as Experiment;
        return { rule: e.rule, compare: e.compare, lesson: e.lesson, autoplay: app.autoplay, controls: app.controls, datasetsUrl: app.datasetsUrl, embedded: app.embedded };
      });

    await page.evaluate(() => {
      const lab = document.createElement('plasticity-lab');
      lab.setAttribute('preset', 'weight-transport:1');
      lab.setAttribute('controls', 'none');
      document.body.append(lab);
    });
    const withErrors = (err: Error) => {
      throw new Error(`${err.message}\npage errors: ${errors.join(' | ') || 'none'}`);
    };
    const expected = {
      rule: 'bp',
      compare: ['bp', 'fa'],
      lesson: { id: 'weight-transport', step: 1 },
      // No controls: it must play by itself.
      autoplay: true,
      controls: 'none',
      datasetsUrl: `${origin}datasets/`,
      embedded: true,
    };
    await expect.poll(appProps, { timeout: 20_000 }).toEqual(expected).catch(withErrors);

    await page.evaluate(() => {
      const lab = document.querySelector('plasticity-lab')!;
      lab.setAttribute('preset', 'v=1&h=64&r=fa');
      lab.setAttribute('controls', 'minimal');
      lab.setAttribute('datasets-url', 'https://data.example.org/sets/');
    });
    await expect.poll(appProps).toMatchObject({ rule: 'fa', compare: [], autoplay: false, controls: 'minimal', datasetsUrl: 'https://data.example.org/sets/' });

    await page.evaluate(() => document.querySelector('plasticity-lab')!.setAttribute('preset', 'no-such-lesson'));
    const note = page.locator('plasticity-lab').getByRole('note');
    await expect.poll(() => note.innerText()).toMatch(/preset="no-such-lesson" names no lesson; the lessons are weight-transport, .+ The default experiment is shown\./);
    expect(await appProps()).toMatchObject({ rule: 'bp', compare: [], lesson: null });
    await page.close();
  });
});
