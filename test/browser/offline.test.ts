import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, waitForRunStatus } from './app';
import { baseUrl, chromiumPath, launch } from './browser';

describe.skipIf(!chromiumPath)('offline in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'with the network gone after the page loaded, ' +
      'the seed example still runs to the end on the offline demo model',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // The executor fetches the model runner's code shortly after it starts, before anything asks for it
      // (the service worker's own copy, fetched for its cache, is not the worker's).
      const modelCode = context.waitForEvent('requestfinished', {
        predicate: (r: Request) => /\/modelRunner-[^/]*\.js$/.test(r.url()) && r.serviceWorker() === null,
        timeout: 30_000,
      });
      await page.goto(baseUrl);
      await page
        .locator('[data-template-id="single-customer-status"]')
        .getByRole('button', { name: 'Use template' })
        .click();
      await page.locator('[data-testid="json-editor"] .cm-editor').waitFor();
      await modelCode;

      await context.setOffline(true);
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      const runId = await startRun(page, { customerId: 'cus_002' });
      await waitForRunStatus(page, runId, 'completed', 45_000);
      const statuses = await page
        .locator(`.run-detail[data-run-id="${runId}"] [data-step-slug]`)
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
      expect(statuses.length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 'completed')).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
