// The lab page in a real headless Chromium: WebGPU runs on SwiftShader (no GPU needed), in the
// engine's module worker, served by Vite's dev server. Runs are tiny so the whole file stays quick.
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  button, collectSessionEvents, framesPerSecond, type LabServer, launchChromium, openPage as openAt, phase, records, SHOTS, sessionEvents, startLabServer, step, waitUntilReady,
} from './page-harness';

/** A version-0 link (the run form's old query): 8 steps of 128 MNIST images, then 500 test images. */
const LEGACY_RUN = '?hidden=32&epochs=1&lr=0.003&trainSubset=1024&testSubset=500';
/** A spiking preset: 784-32-10 LIF over 8 time steps, a few batches of 32. */
const SPIKING_RUN = '#v=1&k=spiking&tr=256&te=64&h=32&b=32&e=1&st=8&w=raster,loss,accuracy,angles';
/** XOR with a small network: the round trip's run. */
const XOR_RUN = '#v=1&d=xor&tr=200&te=100&h=8&b=20&s=7&w=boundary,loss,accuracy,confusion';

let server: LabServer;
let origin: string;

beforeAll(async () => {
  server = await startLabServer();
  origin = server.origin;
});

afterAll(async () => {
  await server?.close();
});

const openPage = (browser: Browser, address = '', viewport?: { width: number; height: number }, options: BrowserContextOptions = {}) =>
  openAt(browser, origin, address, viewport, options);

describe('with WebGPU (SwiftShader)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('has an adapter in this launch mode, in the page and in a worker', async () => {
    const { page, close } = await openPage(browser);
    const adapter = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? { vendor: a.info.vendor, architecture: a.info.architecture } : null;
    });
    expect(adapter).not.toBeNull();
    await close();
  });

  test('opens a version-0 link, trains it in the worker and fills the curves, angles and inspections', async () => {
    const { page, errors, close } = await openPage(browser, LEGACY_RUN);
    await waitUntilReady(page);
    // The old query became the fragment of today's links.
    expect(await page.evaluate(() => location.search)).toBe('');
    expect(await page.evaluate(() => location.hash)).toMatch(/^#v=1&.*\bh=32\b/);
    expect(await page.locator('#hidden').inputValue()).toBe('32');
    expect(await page.locator('#lr').inputValue()).toBe('0.003');

    // More views: each toggle is a checkbox, operable from the keyboard.
    for (const name of ['Confusion matrix', 'Sample predictions', 'Receptive fields']) {
      await page.locator('view-toggles').getByRole('checkbox', { name }).focus();
      await page.keyboard.press('Space');
    }
    expect(await page.evaluate(() => location.hash)).toMatch(/w=loss,accuracy,angles,confusion,samples,receptive-fields/);
    // Views a rate network on images cannot fill are offered disabled.
    expect(await page.locator('view-toggles').getByRole('checkbox', { name: 'Spike raster' }).isDisabled()).toBe(true);
    expect(await page.locator('view-toggles').getByRole('checkbox', { name: 'Decision boundary' }).isDisabled()).toBe(true);

    await collectSessionEvents(page);
    await button(page, 'Play').click();
    await expect.poll(() => phase(page), { timeout: 90_000, interval: 250 }).toBe('finished');
    // The worker reported the download as it went (the progress bar's source).
    expect((await sessionEvents(page)).some((e) => e.type === 'load-progress')).toBe(true);
    const status = await page.locator('run-controls [role=status]').innerText();
    expect(status, status).toMatch(/^Finished 1 epoch in [\d.]+ s: test accuracy \d+\.\d%\. Reset to train again\.$/);

    const chart = page.locator('metrics-chart');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    // The untrained network's score at step 0 and the one after the epoch.
    expect(Number(await chart.getAttribute('data-test-points'))).toBe(2);
    const accuracies = await chart.evaluate((el) => {
      const c = (el as unknown as { chart: { data: { datasets: { data: { y: number }[] }[] } } }).chart;
      return c.data.datasets[2]!.data.map((p) => p.y);
    });
    expect(accuracies[1]!).toBeGreaterThan(accuracies[0]!);
    await expect.poll(() => page.locator('layer-angles tbody tr').count()).toBe(2);

    // The inspections arrive beside training: every test image counted once, 12 samples, 32 units' fields.
    await expect
      .poll(() => page.locator('confusion-matrix').evaluate((el) => Array.from((el as unknown as { counts: ArrayLike<number> }).counts).reduce((a, b) => a + b, 0)))
      .toBe(500);
    await expect.poll(() => page.locator('sample-predictions li').count()).toBe(12);
    await expect.poll(() => page.locator('receptive-fields').evaluate((el) => (el as unknown as { units: number }).units)).toBe(32);

    await page.screenshot({ path: `${SHOTS}/mnist-finished.png`, fullPage: true });
    // Tablet width: one column, nothing wider than the screen (once the chart has followed the resize).
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await page.screenshot({ path: `${SHOTS}/mnist-finished-tablet.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 150_000);

  test('keeps drawing frames while a 2-D set trains, redraws the boundary, and switches the rule mid-run', async () => {
    const { page, errors, close } = await openPage(browser, '#v=1&d=spirals&h=32,32&b=32&e=1000&lr=0.03&w=boundary,loss,accuracy,angles');
    await waitUntilReady(page);
    await collectSessionEvents(page);
    await button(page, 'Play').click();
    await expect.poll(() => phase(page), { timeout: 60_000 }).toBe('training');
    await expect.poll(async () => (await records(page)).length, { timeout: 30_000 }).toBeGreaterThan(3);

    const before = (await records(page)).at(-1)!.step;
    const fps = await framesPerSecond(page, 3000);
    const after = (await records(page)).at(-1)!.step;
    console.log(`frame rate while training: ${fps.toFixed(1)} frames/s (${after - before} training steps in those 3 s)`);
    expect(after).toBeGreaterThan(before);
    expect(fps).toBeGreaterThan(5);

    // The boundary came back from the worker (64 x 64 cells) and is redrawn as it learns.
    const boundary = page.locator('decision-boundary');
    await expect.poll(() => boundary.evaluate((el) => (el as unknown as { probabilities: Float32Array }).probabilities.length), { timeout: 20_000 }).toBe(64 * 64 * 2);
    const first = await boundary.evaluate((el) => (el as unknown as { probabilities: Float32Array }).probabilities);
    await expect.poll(() => boundary.evaluate((el) => (el as unknown as { probabilities: Float32Array }).probabilities), { timeout: 20_000 }).not.toEqual(first);

    // The rule changes while training (sent live) and the run goes on; a learning rate too.
    await page.locator('#rule').selectOption('fa');
    await page.locator('#lr').fill('0.02');
    await page.locator('#lr').press('Enter');
    const switched = (await records(page)).at(-1)!.step;
    await expect.poll(async () => (await records(page)).at(-1)!.step, { timeout: 30_000 }).toBeGreaterThan(switched);
    expect(await page.locator('#rule-error').count()).toBe(0);
    // "Settings changed" shows while the switch is in flight (the old rule keeps
    // training while the new one's pipelines compile) and clears once it lands.
    await expect.poll(() => page.locator('[data-stale]').count(), { timeout: 30_000 }).toBe(0);
    // The session took both without a new run.
    const settings = (await sessionEvents<{ type: string; settings?: { rule: string; lr: number } }>(page)).flatMap((e) => (e.settings ? [e.settings] : []));
    expect(settings.at(-1)).toMatchObject({ rule: 'fa', lr: 0.02 });
    // One run: the one Play started.
    expect((await sessionEvents(page)).filter((e) => e.type === 'ready')).toHaveLength(1);
    expect(await page.evaluate(() => location.hash)).toMatch(/r=fa/);

    await page.screenshot({ path: `${SHOTS}/spirals-training.png`, fullPage: true });
    await button(page, 'Pause').click();
    await expect.poll(() => phase(page)).toBe('paused');
    expect(errors).toEqual([]);
    await close();
  }, 150_000);

  test('keeps drawing frames while MNIST trains', async () => {
    const { page, errors, close } = await openPage(browser, '#v=1&tr=8192&te=500&h=128&e=20&w=loss,accuracy,angles,receptive-fields');
    await waitUntilReady(page);
    await button(page, 'Play').click();
    await expect.poll(async () => (await records(page)).length, { timeout: 60_000 }).toBeGreaterThan(2);
    const before = (await records(page)).at(-1)!.step;
    const fps = await framesPerSecond(page, 3000);
    const after = (await records(page)).at(-1)!.step;
    console.log(`frame rate while MNIST 784-128-10 trains: ${fps.toFixed(1)} frames/s (${after - before} steps of 128 in those 3 s)`);
    expect(fps).toBeGreaterThan(5);
    await button(page, 'Pause').click();
    await expect.poll(() => phase(page)).toBe('paused');
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  test('a spiking preset draws its raster, membrane traces and firing rates', async () => {
    const { page, errors, close } = await openPage(browser, SPIKING_RUN);
    await waitUntilReady(page);
    expect(await page.locator('#network').inputValue()).toBe('spiking');
    // Only the settings that apply: neuron parameters, no activation, no coefficients.
    expect(await page.locator('#neuron-beta').inputValue()).toBe('0.95');
    expect(await page.locator('#activation').count()).toBe(0);
    await step(page);
    await step(page);

    const raster = page.locator('spike-raster');
    const inked = () =>
      raster.evaluate((el) => {
        const rings = (el as unknown as { rings: HTMLCanvasElement[] }).rings;
        let n = 0;
        for (const c of rings) {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        }
        return n;
      });
    await expect.poll(inked, { timeout: 30_000 }).toBeGreaterThan(0);
    // The drawn canvas is not blank either.
    const drawn = await raster.evaluate((el) => {
      const c = el.shadowRoot!.querySelector('canvas')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < d.length; i += 4) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return colours.size;
    });
    expect(drawn).toBeGreaterThan(2);
    await expect.poll(() => page.locator('membrane-traces').evaluate((el) => (el as unknown as { traces: unknown[] }).traces.length)).toBe(4);
    await expect.poll(() => page.locator('layer-angles th', { hasText: 'Firing rate' }).count()).toBe(1);
    // Its readout over T steps fills the inspections too (page-spiking-views.test.ts checks them).
    expect(await page.locator('view-toggles').getByRole('checkbox', { name: 'Confusion matrix' }).isDisabled()).toBe(false);

    // A switch the engine refuses mid-run: its reason beside the rule, and the run now differs from the form.
    await page.locator('#rule').selectOption('tssl-bp');
    const refusal = page.locator('#rule-error');
    await expect.poll(() => refusal.isVisible()).toBe(true);
    expect(await refusal.innerText()).toMatch(/cannot switch from surrogate-bp to tssl-bp mid-run: only the surrogate-gradient rules .* Reset to start a new run with it\.$/);
    expect(await page.locator('[data-stale]').isVisible()).toBe(true);

    await page.screenshot({ path: `${SHOTS}/spiking-raster.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  test('a share link reproduces the first metrics of a run', async () => {
    const first = await openPage(browser, XOR_RUN, undefined, { permissions: ['clipboard-read', 'clipboard-write'] });
    await waitUntilReady(first.page);
    await step(first.page);
    await step(first.page);
    const original = await records(first.page);
    expect(original.length).toBeGreaterThan(1);

    await first.page.locator('#copy-link').click();
    await expect.poll(() => first.page.locator('lab-header').getByRole('status').count()).toBe(1);
    const link = await first.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(await first.page.evaluate(() => location.href));
    expect(first.errors).toEqual([]);
    await first.close();

    const second = await openPage(browser, link.slice(origin.length));
    await waitUntilReady(second.page);
    await step(second.page);
    await step(second.page);
    const again = await records(second.page);
    expect(again.map((r) => r.step)).toEqual(original.map((r) => r.step));
    expect(again.map((r) => r.testAcc)).toEqual(original.map((r) => r.testAcc));
    again.forEach((r, i) => {
      const o = original[i]!;
      if (Number.isNaN(o.trainLoss)) expect(r.trainLoss).toBeNaN();
      else expect(r.trainLoss).toBeCloseTo(o.trainLoss, 5);
    });
    expect(second.errors).toEqual([]);
    await second.close();
  }, 120_000);

  test('a tampered link says what it could not use and falls back to the defaults for those settings', async () => {
    const { page, errors, close } = await openPage(browser, '#v=1&h=12,abc&lr=-3&b=64&zz=1&o=warp');
    await waitUntilReady(page);
    const notice = page.locator('run-notices [data-notice="link"]');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const text = await notice.innerText();
    expect(text).toMatch(/Hidden layer sizes/i);
    expect(text).toMatch(/learning rate/i);
    expect(text).toMatch(/"zz"/);
    expect(text).toMatch(/optimi[sz]er/i);
    // The bad settings are at their defaults; the good one is kept.
    expect(await page.locator('#hidden').inputValue()).toBe('256,256');
    expect(await page.locator('#lr').inputValue()).toBe('0.01');
    expect(await page.locator('#batch').inputValue()).toBe('64');
    expect(await page.locator('#optimizer').inputValue()).toBe('momentum');
    // The address now holds what is shown.
    expect(await page.evaluate(() => location.hash)).toBe('#v=1&b=64');
    await page.screenshot({ path: `${SHOTS}/tampered-link.png`, fullPage: true });
    await notice.getByRole('button', { name: /^Dismiss/ }).click();
    expect(await notice.count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  test('an invalid entry stays as typed with its reason; every control explains itself on focus', async () => {
    const { page, errors, close } = await openPage(browser);
    await waitUntilReady(page);

    await page.locator('#hidden').fill('0');
    await page.locator('#hidden').press('Tab');
    const hiddenError = page.locator('#hidden-error');
    await expect.poll(() => hiddenError.isVisible()).toBe(true);
    expect(await hiddenError.innerText()).toContain('Layer 1 must be a whole number of neurons from 1 to');
    expect(await page.locator('#hidden').inputValue()).toBe('0');
    expect(await page.locator('#hidden').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => location.hash)).toBe('#v=1');

    await page.locator('#hidden').fill('64');
    await page.locator('#hidden').press('Tab');
    expect(await hiddenError.count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toBe('#v=1&h=64');

    // A link pasted into this tab's address bar opens like a new page.
    await page.evaluate(() => (location.hash = '#v=1&h=77&r=fa'));
    await expect.poll(() => page.locator('#hidden').inputValue()).toBe('77');
    expect(await page.locator('#rule').inputValue()).toBe('fa');

    // Each control's explanation shows on keyboard focus (and hover), and is its description.
    for (const id of ['dataset', 'hidden', 'rule', 'lr', 'batch', 'seed', 'epochs', 'network', 'optimizer']) {
      await page.locator(`#${id}`).focus();
      expect(await page.locator(`#${id}-help`).isVisible(), id).toBe(true);
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby'), id).toContain(`${id}-help`);
    }
    await page.locator('#momentum').hover();
    expect(await page.locator('#momentum-help').isVisible()).toBe(true);
    await page.locator('run-controls [data-command="step"]').focus();
    expect(await page.locator('#step-tip').isVisible()).toBe(true);

    // Only the coefficients of the rule's regulariser are offered.
    await page.locator('#rule').selectOption('wm');
    expect(await page.locator('#coef-decay').getAttribute('placeholder')).toBe('0.001');
    expect(await page.locator('#coef-amp').count()).toBe(1);
    expect(await page.locator('#coef-null').count()).toBe(0);

    await page.screenshot({ path: `${SHOTS}/invalid-entry.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  test("the user's own file: a bad one shows the parser's message, and the data loaded before stays", async () => {
    const { page, errors, close } = await openPage(browser);
    await waitUntilReady(page);
    await page.locator('#dataset').selectOption('own-file');
    expect(await button(page, 'Play').isDisabled()).toBe(true);

    const good = ['label,x,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${(i * 7) % 13},${(i * 5) % 11}`)].join('\n');
    await page.locator('#dataset-file').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    const status = page.locator('[data-own-status]');
    await expect.poll(() => status.innerText()).toMatch(/^points\.csv: 32 training and 8 test examples, 2 features, 2 classes\.$/);
    // A 2-D file gets the decision boundary.
    expect(await page.locator('view-toggles').getByRole('checkbox', { name: 'Decision boundary' }).isDisabled()).toBe(false);

    // The engine refuses a batch larger than the file once it sees the data: said beside the control.
    await button(page, 'Play').click();
    const batchError = page.locator('#batch-error');
    await expect.poll(() => batchError.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await batchError.innerText()).toBe('Is 128 but the training set has only 32 examples.');
    await page.locator('#batch').fill('8');
    await page.locator('#batch').press('Enter');
    expect(await batchError.count()).toBe(0);
    await page.locator('view-toggles').getByRole('checkbox', { name: 'Decision boundary' }).check();
    await step(page);
    await expect
      .poll(() => page.locator('decision-boundary').evaluate((el) => (el as unknown as { probabilities: Float32Array }).probabilities.length), { timeout: 20_000 })
      .toBe(64 * 64 * 2);
    // The next command cleared the refusal's notice.
    expect(await page.locator('run-notices [data-notice="error"]').count()).toBe(0);

    const bad = 'label,x,y\n0,1,2\n1,3,oops\n';
    await page.locator('#dataset-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    const error = page.locator('#dataset-file-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.innerText()).toBe('broken.csv: line 3, column 3 ("y") is "oops"; expected a number. Fill in every feature with a number.');
    expect(await status.innerText()).toMatch(/^points\.csv: 32 training/);
    expect(await button(page, 'Play').isEnabled()).toBe(true);

    const idx = page.locator('#dataset-file');
    await idx.setInputFiles({ name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 0, 8, 3, 0, 0, 0, 1]) });
    await expect.poll(() => error.innerText()).toMatch(/IDX file needs its partner/);
    await page.screenshot({ path: `${SHOTS}/own-file-error.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });

  test('refuses a network too large for the device before allocating it, naming the limit', async () => {
    // 4096 examples x 16384 neurons x 1000 time steps of membrane: far past any device's buffer limits.
    const { page, errors, close } = await openPage(browser, '#v=1&k=spiking&d=xor&tr=4096&h=16384&b=4096&st=1000');
    await waitUntilReady(page);
    await button(page, 'Play').click();
    const notice = page.locator('run-notices [data-notice="error"]');
    await expect.poll(() => notice.isVisible(), { timeout: 60_000 }).toBe(true);
    const text = await notice.innerText();
    expect(text).toMatch(/Too large for this GPU/);
    expect(text).toMatch(/needs [\d.]+ GiB but this device's max\w+ is [\d.]+ [GM]iB/);
    expect(await phase(page)).toBe('failed');
    expect(errors).toEqual([]);
    await close();
  }, 90_000);

  test('divergence pauses with advice, and one click rewinds with a lower learning rate', async () => {
    const { page, errors, close } = await openPage(browser, '#v=1&d=xor&tr=400&h=64,64&b=20&lr=8&o=sgd&e=200');
    await waitUntilReady(page);
    await button(page, 'Play').click();
    const notice = page.locator('run-notices [data-notice="diverged"]');
    await expect.poll(() => notice.isVisible(), { timeout: 60_000 }).toBe(true);
    expect(await notice.innerText()).toMatch(/Lower the learning rate \(now 8; try 2\)/);
    await expect.poll(() => phase(page)).toBe('paused');
    await page.screenshot({ path: `${SHOTS}/diverged.png`, fullPage: true });

    await notice.getByRole('button', { name: /with learning rate 2$/ }).click();
    await expect.poll(() => page.locator('#lr').inputValue()).toBe('2');
    expect(await page.evaluate(() => location.hash)).toMatch(/lr=2\b/);
    await expect.poll(() => page.locator('run-controls [role=status]').innerText()).toMatch(/^(Rewound to step \d+|Ready on)/);
    expect(await notice.count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  }, 90_000);

  test('a lost device is reported, the run recovers on a new device from its snapshot, and trains on', async () => {
    const { page, errors, close } = await openPage(browser, XOR_RUN);
    await waitUntilReady(page);
    await step(page);
    await step(page);
    const steps = (await records(page)).map((r) => r.step);
    await collectSessionEvents(page);
    // The worker's own device is destroyed, as a driver reset would (RunController.simulateDeviceLoss).
    await page.evaluate(() => {
      const app = document.querySelector('plasticity-app') as unknown as { run: { client: { simulateDeviceLoss(): Promise<void> } } };
      return app.run.client.simulateDeviceLoss();
    });
    const notice = page.locator('run-notices [data-notice="device"]');
    await expect.poll(() => notice.innerText(), { timeout: 60_000 }).toMatch(/^Recovered on a new device\s+Training continues on a new device from the snapshot at step \d+/);
    const events = await sessionEvents<{ type: string; reason?: string; snapshotStep?: number | null; step?: number }>(page);
    const lost = events.find((e) => e.type === 'device-lost')!;
    const recovered = events.find((e) => e.type === 'recovered')!;
    expect(lost.reason).toBe('destroyed');
    // A Step snapshots the paused run, so nothing is trained again.
    expect(lost.snapshotStep).toBe(steps.at(-1));
    expect(recovered.step).toBe(lost.snapshotStep);
    // Metrics after the snapshot belonged to the lost device and are gone; the run goes on from there.
    expect((await records(page)).map((r) => r.step)).toEqual(steps);
    await expect.poll(() => page.locator('run-controls [role=status]').innerText()).toMatch(/^Recovered at step \d+\.$/);
    await step(page);
    expect((await records(page)).at(-1)!.step).toBeGreaterThan(recovered.step!);
    await page.screenshot({ path: `${SHOTS}/device-recovered.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  test('the theme toggle pins dark or light and the page follows', async () => {
    const { page, errors, close } = await openPage(browser, XOR_RUN, undefined, { colorScheme: 'light' });
    await waitUntilReady(page);
    await page.locator('#theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(background).toBe('rgb(18, 22, 28)');
    await page.screenshot({ path: `${SHOTS}/dark-theme.png`, fullPage: true });
    // Kept for the next visit.
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(errors).toEqual([]);
    await close();
  });

  test('compare mode trains two rules side by side, each into its own series', async () => {
    const { page, errors, close } = await openPage(browser, `${XOR_RUN}&e=1&cmp=bp,fa`);
    await waitUntilReady(page);
    // The picker shows the link's comparison.
    expect(await page.locator('compare-picker').getByRole('checkbox', { name: 'Feedback alignment', exact: true }).isChecked()).toBe(true);
    await button(page, 'Step').click();
    const lengths = () =>
      page.evaluate(() => {
        const chart = document.querySelector('plasticity-app')!.shadowRoot!.querySelector('compare-chart[metric="train-loss"]') as unknown as { rules: { rule: string; records: unknown[] }[] } | null;
        return chart ? chart.rules.map((r) => `${r.rule}:${r.records.length > 1}`) : [];
      });
    await expect.poll(lengths, { timeout: 60_000 }).toEqual(['bp:true', 'fa:true']);
    await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('paused');
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  test('a lesson link opens the lesson panel at its step', async () => {
    const { page, errors, close } = await openPage(browser, `${XOR_RUN}&l=weight-transport:1`);
    await waitUntilReady(page);
    const panel = page.locator('lesson-panel');
    await expect.poll(() => panel.getByRole('button', { name: /^Step 2:/ }).getAttribute('aria-current')).toBe('step');
    expect(await panel.locator('#step-title').textContent()).toMatch(/^Step 2 of \d+:/);
    expect(await page.locator('.lessons-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(errors).toEqual([]);
    await close();
  });
});

describe('without WebGPU', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium(false);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('shows the no-WebGPU panel and nothing breaks', async () => {
    const { page, errors, close } = await openPage(browser);
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
    // The panel takes the run's place; the settings still render, take entries and keep the link.
    expect(await page.locator('run-controls').count()).toBe(0);
    expect(await page.locator('metrics-chart').count()).toBe(0);
    await page.locator('#hidden').fill('128');
    await page.locator('#hidden').press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#v=1&h=128');

    await page.screenshot({ path: `${SHOTS}/no-webgpu.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  });
});
