import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSharePayload } from '../../src/schema/share';
import { invalidNextSteps, unreachableSteps, zerosPayload } from '../support/hostileImports';
import { chromiumPath, launch, openPage } from './browser';

/**
 * Hostile share links against the built app (issues 16 and 18): each gets its verdict on screen
 * while a canary timer in the page keeps its schedule, so the main thread never froze.
 */

const SHOTS = 'test-results';
/** The canary's longest allowed gap; it ticks every 50 ms. */
const MAX_GAP_MS = 1_000;

/** Starts a 50 ms interval in the page that records the longest gap between its ticks. */
async function startCanary(page: Page): Promise<void> {
  await page.evaluate(() => {
    const canary = { longest: 0, last: performance.now() };
    (window as unknown as { canary: typeof canary }).canary = canary;
    setInterval(() => {
      const now = performance.now();
      canary.longest = Math.max(canary.longest, now - canary.last);
      canary.last = now;
    }, 50);
  });
}

async function longestGap(page: Page): Promise<number> {
  // One more tick first, so a freeze still going on at the end is counted too.
  await page.waitForTimeout(120);
  return page.evaluate(() => (window as unknown as { canary: { longest: number } }).canary.longest);
}

/** Opens the app, starts the canary, then follows a share link in the same page (no reload). */
async function openLinkWithCanary(browser: Browser, payload: string) {
  const opened = await openPage(browser);
  await opened.page.getByRole('navigation', { name: 'Library' }).waitFor();
  await startCanary(opened.page);
  await opened.page.evaluate((data) => {
    location.hash = `workflow=${data}`;
  }, payload);
  return opened;
}

describe.skipIf(!chromiumPath)('hostile share links keep the app responsive', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('200,000 invalid nextSteps values: refused by their number, the app stays up, the link is forgotten', async () => {
    const payload = await encodeSharePayload(invalidNextSteps());
    const { page, context, logs } = await openLinkWithCanary(browser, payload);
    const preview = page.getByRole('dialog', { name: 'Import preview' });
    await preview.getByText('an object with 200,000 entries; the limit is 10,000').waitFor({ timeout: 20_000 });
    await expect(preview.getByText('$.stepsConfig[0].nextSteps').isVisible()).resolves.toBe(true);
    expect(await preview.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/hostile-nextsteps-refused.png` });
    const gap = await longestGap(page);
    console.log(
      `hostile nextSteps link: payload ${payload.length} chars, longest main-thread gap ${Math.round(gap)} ms`,
    );
    expect(gap).toBeLessThan(MAX_GAP_MS);
    await preview.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.getByRole('navigation', { name: 'Library' }).isVisible()).toBe(true);
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('a link of 1 GB of zeros: refused without inflating it, the page never blocks', async () => {
    const payload = await zerosPayload(1024 ** 3);
    const { page, context } = await openLinkWithCanary(browser, payload);
    const preview = page.getByRole('dialog', { name: 'Import preview' });
    await preview.getByText(/holds more than 4\.0 MB of data, the import limit/).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SHOTS}/hostile-zeros-refused.png` });
    const gap = await longestGap(page);
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    console.log(
      `1 GB zeros link: payload ${payload.length} chars, longest gap ${Math.round(gap)} ms, ` +
        `JS heap ${Math.round(heap / 1e6)} MB`,
    );
    expect(gap).toBeLessThan(MAX_GAP_MS);
    expect(heap).toBeLessThan(300 * 1024 * 1024);
    await context.close();
  });

  it('19,999 unreachable steps: a short warning list, then Import and the editor open without a freeze', async () => {
    const payload = await encodeSharePayload(unreachableSteps());
    const { page, context, logs } = await openLinkWithCanary(browser, payload);
    const preview = page.getByRole('dialog', { name: 'Import preview' });
    await preview.getByText('No errors, 19,999 warnings').waitFor({ timeout: 20_000 });
    expect(await preview.locator('.problems-list li').count()).toBeLessThanOrEqual(30);
    await page.screenshot({ path: `${SHOTS}/hostile-unreachable-preview.png` });
    const previewGap = await longestGap(page);
    await preview.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('[data-testid="workflow-item"][data-workflow-name="Hostile"]').waitFor({ timeout: 30_000 });
    await page
      .getByTestId('problems')
      .getByText(/and 19,974 more problems of this kind/)
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/hostile-unreachable-imported.png` });
    const gap = await longestGap(page);
    console.log(
      `19,999 unreachable steps: longest gap ${Math.round(previewGap)} ms to the preview, ` +
        `${Math.round(gap)} ms through Import and the editor`,
    );
    expect(previewGap).toBeLessThan(MAX_GAP_MS);
    expect(gap).toBeLessThan(MAX_GAP_MS * 2);
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  }, 90_000);
});
