import { resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_RUN_ID, LONG_RUN_STEP_TOKENS, seededStatus, seedRunsInPage } from '../support/seedRuns';
import { checkA11y, openCheckedPage, SCREENSHOT_DIR } from './axe';
import { chromiumPath, launch } from './browser';

const RUNS = 5_000;
const STEPS = 10_000;

/** Scrolls a list's box to a fraction of its height, in steps (as a wheel would), and lets it draw. */
async function scrollTo(scroller: Locator, fraction: number) {
  await scroller.evaluate((box, to) => {
    box.scrollTop = (box.scrollHeight - box.clientHeight) * to;
  }, fraction);
  await scroller.page().waitForTimeout(250);
}

async function drawnRows(list: Locator, attribute: string): Promise<string[]> {
  return list
    .locator(`li > [${attribute}], li[${attribute}]`)
    .evaluateAll((rows, name) => rows.map((row) => row.getAttribute(name)!), attribute);
}

async function expectFits(page: Page, width: number) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

describe.skipIf(!chromiumPath)('the runs list and a long run', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists 5,000 runs and opens a 10,000-step run, drawing only the rows in view', async () => {
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'light' });
    try {
      await page.getByTestId('template-item').first().getByRole('button', { name: 'Use template' }).click();
      await page.waitForURL(/#\/w\/[^/]+\/json/);
      const workflowId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
      const now = Date.parse('2026-12-01T12:00:00Z');
      const seeded = await page.evaluate(seedRunsInPage, {
        workflowId,
        workflowName: 'Seeded',
        runs: RUNS,
        steps: STEPS,
        now,
      });
      expect(seeded).toEqual({ runs: RUNS + 1, records: STEPS * 1.1 });

      // The header's Runs link: every run, newest first, a few dozen rows drawn of 5,001.
      await page.reload();
      await page.getByRole('link', { name: 'Runs', exact: true }).click();
      await expect.poll(() => page.getByTestId('run-count').textContent(), { timeout: 20_000 }).toBe('5001 runs');
      const list = page.getByRole('list', { name: 'Runs' });
      const scroller = page.locator('.all-runs-scroller');
      const first = await drawnRows(list, 'data-run-id');
      expect(first[0]).toBe(LONG_RUN_ID);
      expect(first[1]).toBe('run-00000');
      expect(first.length).toBeLessThan(60);
      await checkA11y(page, 'runlist-light');
      await scrollTo(scroller, 1);
      const last = await drawnRows(list, 'data-run-id');
      expect(last).toContain('run-04999');
      expect(last.length).toBeLessThan(60);
      await scrollTo(scroller, 0.5);
      const middle = await drawnRows(list, 'data-run-id');
      expect(middle.some((id) => Math.abs(Number(id.slice(4)) - 2_500) < 40)).toBe(true);

      // Filters live in the address; a reload keeps them.
      await page.getByLabel('Status').selectOption('failed');
      const failed = Array.from({ length: RUNS }, (_, i) => seededStatus(i)).filter((s) => s === 'failed').length;
      await expect.poll(() => page.getByTestId('run-count').textContent()).toBe(`${failed} of 5001 runs`);
      await page.getByLabel('Search runs').fill('run 4994)');
      await expect.poll(() => page.url()).toContain('#/runs/status=failed/q=run%204994');
      await page.reload();
      await expect.poll(() => page.getByTestId('run-count').textContent(), { timeout: 20_000 }).toBe('1 of 5001 runs');
      expect(await drawnRows(list, 'data-run-id')).toEqual(['run-04994']);
      await page.getByLabel('Search runs').fill('');
      await page.getByLabel('Status').selectOption('');
      await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('5001 runs');

      await page.emulateMedia({ colorScheme: 'dark' });
      await checkA11y(page, 'runlist-dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await expectFits(page, 390);
      await checkA11y(page, 'runlist-narrow');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: 'light' });

      // The long run: its first rows, then the middle and the end of 10,000, and its totals from every step.
      await list.locator(`[data-run-id="${LONG_RUN_ID}"]`).click();
      const detail = page.locator(`.run-detail[data-run-id="${LONG_RUN_ID}"]`);
      const steps = detail.getByRole('list', { name: 'Steps' });
      await steps.locator('[data-step-key="run-long:work@each[0]"]').waitFor();
      expect((await drawnRows(steps, 'data-step-key')).length).toBeLessThan(80);
      const stepScroller = detail.locator('.step-scroller');
      await scrollTo(stepScroller, 0.5);
      await expect
        .poll(async () => (await drawnRows(steps, 'data-step-key')).some((key) => /each\[(49|50|51)\d\d\]/.test(key)))
        .toBe(true);
      await scrollTo(stepScroller, 1);
      await steps.locator('.step-row[data-step-key="run-long:work@each[9999]"]').waitFor();
      await expect
        .poll(() => detail.locator('.run-usage').getAttribute('data-run-tokens'), { timeout: 20_000 })
        .toBe(String((STEPS / 10) * LONG_RUN_STEP_TOKENS));
      // The model round of an LLM step is shown in its step, not as a row of its own.
      expect(await steps.locator('[data-step-key$="/r1"]').count()).toBe(0);
      await checkA11y(page, 'runlist-long-run');
      await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'runlist-long-run-end.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
