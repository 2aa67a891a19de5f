import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedRunsInPage } from '../support/seedRuns';
import { useFirstTemplate } from './app';
import { checkA11y, openCheckedPage, SCREENSHOT_DIR } from './axe';
import { chromiumPath, launch } from './browser';

/** Marks runs as an experiment's cell runs, straight in the app's IndexedDB (self-contained: runs in the page). */
async function markAsCellRuns(request: { runIds: string[]; batchId: string }): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const opening = indexedDB.open('tabflow');
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  await new Promise<void>((resolve, reject) => {
    const store = db.transaction('runs', 'readwrite').objectStore('runs');
    for (const id of request.runIds) {
      const get = store.get(id);
      get.onsuccess = () => store.put({ ...get.result, batchId: request.batchId });
    }
    store.transaction.oncomplete = () => resolve();
    store.transaction.onerror = () => reject(store.transaction.error);
  });
  db.close();
}

const drawnRunIds = (page: Page) =>
  page
    .getByRole('list', { name: 'Runs' })
    .locator('[data-run-id]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-run-id')!));

describe.skipIf(!chromiumPath)("an experiment's runs in a workflow's runs tab", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('are left out until "Show runs from experiments" is ticked; a cell run keeps its badge', async () => {
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'light' });
    try {
      const workflowId = await useFirstTemplate(page);
      const now = Date.parse('2026-12-01T12:00:00Z');
      await page.evaluate(seedRunsInPage, { workflowId, workflowName: 'Seeded', runs: 5, steps: 10, now });
      const cellRuns = ['run-00000', 'run-00001', 'run-00002'];
      await page.evaluate(markAsCellRuns, { runIds: cellRuns, batchId: 'b-seeded' });
      await page.reload();
      await page.getByRole('tab', { name: 'Runs' }).click();
      await expect.poll(() => drawnRunIds(page)).toEqual(['run-long', 'run-00003', 'run-00004']);
      const toggle = page.getByRole('checkbox', { name: 'Show 3 runs from experiments' });
      await expect.poll(() => toggle.isChecked()).toBe(false);
      expect(await page.getByRole('link', { name: 'Experiments' }).first().getAttribute('href')).toBe('#/experiments');
      await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'experiment-runs-hidden.png') });
      await toggle.check();
      await expect.poll(() => drawnRunIds(page)).toEqual(['run-long', ...cellRuns, 'run-00003', 'run-00004']);
      expect(await page.locator('[data-run-id="run-00000"] .badge', { hasText: 'experiment' }).count()).toBe(1);
      await checkA11y(page, 'experiment-runs-shown');
      await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'experiment-runs-shown.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
