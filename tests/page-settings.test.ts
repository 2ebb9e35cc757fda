// The lab page in headless Chromium: the settings added to share links (the "More settings"
// section) come from a link into the form and back into the address, and compare mode's
// single-run views follow the first compared rule instead of staying empty.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { button, type LabServer, launchChromium, openPage, phase, SHOTS, startLabServer, waitUntilReady } from './page-harness';

/** Weight mirror on a small MNIST run with training and backward-weight settings of the added keys, in the link's own order. */
const RATE_LINK = 'v=1&tr=256&te=64&h=16&r=wm&b=32&e=3&wd=0.0002&is=standardize&ls=cosine&wu=1&fl=0.5&fi=noise&fn=0.5';
/** TSSL-BP with neuron and rule options of the added keys. */
const SPIKING_LINK = 'v=1&k=spiking&tr=256&te=64&h=16&r=tssl-bp&b=32&e=1&st=5&eg=2&sk=10&tm=4&ts=2';
/** A small spiking network on a few MNIST batches, two surrogate rules compared. */
const SPIKING_COMPARE_LINK = 'v=1&k=spiking&tr=256&te=64&h=32&b=32&e=1&st=8&cmp=surrogate-fa,surrogate-bp&w=raster,receptive-fields,loss,accuracy';
/** XOR, two rules compared; the views a single run fills, besides the curves. */
const COMPARE_LINK = 'v=1&d=xor&tr=200&te=100&h=8&b=20&s=7&e=1&cmp=fa,bp&w=boundary,confusion,angles,receptive-fields,samples,loss,accuracy';

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

const hash = (page: Page) => page.evaluate(() => location.hash);
const value = (page: Page, id: string) => page.locator(`#${id}`).inputValue();

/** The lab-views element's state: the views it draws, what fills them, and each caption. */
function viewsState(page: Page) {
  return page.evaluate(() => {
    const views = document.querySelector('plasticity-app')!.shadowRoot!.querySelector('lab-views') as unknown as HTMLElement & {
      following: string;
      layers: unknown[];
      records: unknown[];
      inspections: Record<string, unknown>;
    };
    const panels = [...views.shadowRoot!.querySelectorAll<HTMLElement>('section[data-view]')];
    return {
      following: views.following,
      records: views.records.length,
      layers: views.layers.length,
      filled: Object.entries(views.inspections).filter(([, v]) => v !== null).map(([k]) => k).sort(),
      captions: panels.map((p) => `${p.dataset.view}:${p.querySelector('.following')?.textContent ?? ''}`),
    };
  });
}

describe('settings beyond the main form travel in links', () => {
  test('a rate link with added keys fills "More settings", and the address keeps them', async () => {
    const { page, errors, close } = await openPage(browser, server.origin, `#${RATE_LINK}`);
    await waitUntilReady(page);
    // Opened by itself: the link changes settings in it.
    expect(await page.locator('details.more').getAttribute('open')).not.toBeNull();
    expect(await page.locator('details.more summary').innerText()).toMatch(/More settings \(7 changed\)/);
    expect(await value(page, 'weight-decay')).toBe('0.0002');
    expect(await value(page, 'input-scaling')).toBe('standardize');
    expect(await value(page, 'lr-schedule')).toBe('cosine');
    expect(await value(page, 'warmup-epochs')).toBe('1');
    expect(await value(page, 'feedback-lr')).toBe('0.5');
    expect(await value(page, 'feedback-input')).toBe('noise');
    expect(await value(page, 'feedback-noise-std')).toBe('0.5');
    // Spiking-only settings are not offered for a rate network.
    expect(await page.locator('#neuron-encoder-gain').count()).toBe(0);
    // The page writes the link back as it read it.
    expect(await hash(page)).toBe(`#${RATE_LINK}`);

    // Each added control explains itself on focus, as the others do.
    for (const id of ['weight-decay', 'warmup-epochs', 'feedback-lr', 'lr-schedule']) {
      await page.locator(`#${id}`).focus();
      expect(await page.locator(`#${id}-help`).isVisible(), id).toBe(true);
      expect(await page.locator(`#${id}`).getAttribute('aria-describedby'), id).toContain(`${id}-help`);
    }

    // An edit goes into the address; one that cannot run stays in the form with its reason.
    await page.locator('#warmup-epochs').fill('2');
    await page.locator('#warmup-epochs').press('Tab');
    await expect.poll(() => hash(page)).toBe(`#${RATE_LINK.replace('wu=1', 'wu=2')}`);
    await page.locator('#warmup-epochs').fill('3');
    await page.locator('#warmup-epochs').press('Tab');
    await expect.poll(() => page.locator('#warmup-epochs-error').isVisible()).toBe(true);
    expect(await page.locator('#warmup-epochs-error').innerText()).toContain("shorter than the schedule's 3 epochs");
    expect(await hash(page)).toBe(`#${RATE_LINK.replace('wu=1', 'wu=2')}`);
    // Empty: the forward learning rate again, and the key leaves the link.
    await page.locator('#feedback-lr').fill('');
    await page.locator('#feedback-lr').press('Tab');
    await expect.poll(() => hash(page)).not.toContain('fl=');

    await page.locator('experiment-form').screenshot({ path: `${SHOTS}/more-settings-rate.png` });
    // The copied link opens the same settings in a fresh page.
    const link = await hash(page);
    await close();
    const again = await openPage(browser, server.origin, link);
    await waitUntilReady(again.page);
    expect(await value(again.page, 'warmup-epochs')).toBe('2');
    expect(await value(again.page, 'feedback-lr')).toBe('');
    expect(await value(again.page, 'weight-decay')).toBe('0.0002');
    expect(await hash(again.page)).toBe(link);
    expect([...errors, ...again.errors]).toEqual([]);
    await again.close();
  });

  test("a spiking link shows the neuron and the rule's own settings, not the rate ones", async () => {
    const { page, errors, close } = await openPage(browser, server.origin, `#${SPIKING_LINK}`);
    await waitUntilReady(page);
    expect(await value(page, 'neuron-encoder-gain')).toBe('2');
    expect(await value(page, 'neuron-surrogate-slope')).toBe('10');
    expect(await value(page, 'tssl-tau-m')).toBe('4');
    expect(await value(page, 'tssl-tau-s')).toBe('2');
    // The rate network's input settings are not a spiking one's; TSSL-BP's optimiser takes the schedule.
    expect(await page.locator('#input-scaling').count()).toBe(0);
    expect(await page.locator('#warmup-epochs').count()).toBe(1);
    expect(await page.locator('#eprop-feedback').count()).toBe(0);
    expect(await hash(page)).toBe(`#${SPIKING_LINK}`);

    // Another rule shows its own options instead; the TSSL-BP ones stay in the link.
    await page.locator('#rule').selectOption('eprop');
    await expect.poll(() => page.locator('#eprop-feedback').count()).toBe(1);
    expect(await page.locator('#tssl-tau-m').count()).toBe(0);
    await page.locator('#eprop-feedback').selectOption('random');
    await expect.poll(() => hash(page)).toContain('pf=random');
    expect(await hash(page)).toContain('tm=4&ts=2');
    await page.locator('experiment-form').screenshot({ path: `${SHOTS}/more-settings-spiking.png` });
    // EMSTDP has no optimiser, so no schedule.
    await page.locator('#rule').selectOption('emstdp');
    await expect.poll(() => page.locator('#warmup-epochs').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  test('switching the network kind clears a comparison the new kind cannot run', async () => {
    const { page, errors, close } = await openPage(browser, server.origin, '#v=1&cmp=bp,fa');
    await waitUntilReady(page);
    await page.locator('#network').selectOption('spiking');
    await expect.poll(() => hash(page)).toBe('#v=1&k=spiking&h=256,256&w=loss,accuracy,angles,raster');
    expect(await page.locator('compare-picker input:checked').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});

describe('compare mode', () => {
  test("the single-run views follow the first compared rule's run, and say so", async () => {
    const { page, errors, close } = await openPage(browser, server.origin, `#${COMPARE_LINK}`);
    await waitUntilReady(page);
    // Before a run: each view already says which rule it will show.
    const before = await viewsState(page);
    expect(before.following).toBe('fa');
    for (const c of before.captions) expect(c).toMatch(/:Showing Feedback alignment \(fa\), the first compared rule\.$/);

    await button(page, 'Step').click();
    await expect.poll(async () => (await viewsState(page)).filled, { timeout: 90_000 }).toEqual(['confusion', 'grid']);
    await expect.poll(() => phase(page), { timeout: 60_000 }).toBe('paused');
    const after = await viewsState(page);
    expect(after.records).toBeGreaterThan(0);
    expect(after.layers).toBeGreaterThan(0);
    // Receptive fields and samples need images; XOR has points, so those two are offered disabled, not drawn empty.
    expect(after.captions.map((c) => c.split(':')[0])).toEqual(['boundary', 'confusion', 'angles', 'curves']);
    await page.screenshot({ path: `${SHOTS}/compare-views.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  test("a spiking comparison draws the first rule's spikes and receptive fields", async () => {
    const { page, errors, close } = await openPage(browser, server.origin, `#${SPIKING_COMPARE_LINK}`);
    await waitUntilReady(page);
    await button(page, 'Step').click();
    await expect.poll(async () => (await viewsState(page)).filled, { timeout: 90_000 }).toContain('weights');
    // The raster's placeholder goes once the first recording arrives.
    await expect.poll(() => page.locator('spike-raster .empty').count(), { timeout: 60_000 }).toBe(0);
    const state = await viewsState(page);
    expect(state.following).toBe('surrogate-fa');
    expect(state.captions.filter((c) => c.startsWith('raster:') || c.startsWith('receptive-fields:'))).toHaveLength(2);
    await expect.poll(() => phase(page), { timeout: 60_000 }).toBe('paused');
    await page.locator('lab-views').screenshot({ path: `${SHOTS}/compare-views-spiking.png` });
    expect(errors).toEqual([]);
    await close();
  }, 180_000);
});
