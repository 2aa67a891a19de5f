import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyingLoop } from '../support/flows';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { baseUrl, chromiumPath, launch } from './browser';

const ITERATIONS = 30;
/** Incompressible, so every stored copy really takes its size on disk. */
const BLOB = randomBytes(60_000).toString('base64');

/** Each iteration commits an 80 kB output: a few megabytes in all, more than the quota this test gives the origin. */
const fillingWorkflow = copyingLoop('Fills the disk', ITERATIONS, BLOB);

/**
 * Chromium's quota for the app's origin (DevTools protocol): what a nearly full disk leaves a site. Undefined restores
 * the real one.
 */
async function setQuota(cdp: CDPSession, quotaSize: number | undefined): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: new URL(baseUrl).origin,
    ...(quotaSize === undefined ? {} : { quotaSize }),
  });
}

/** The run's step records as IndexedDB holds them (read in the page, as the app's own database). */
function storedSteps(page: Page, runId: string): Promise<Array<{ key: string; status: string }>> {
  return page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tabflow');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('steps').objectStore('steps').getAll();
          request.onsuccess = () => {
            resolve(
              (request.result as Array<{ key: string; runId: string; status: string }>)
                .filter((s) => s.runId === id)
                .map(({ key, status }) => ({ key, status })),
            );
            open.result.close();
          };
        };
      }),
    runId,
  );
}

describe.skipIf(!chromiumPath)('browser storage full', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'a run that fills the disk shows the storage-full banner; ' +
      'Settings → Storage says what takes the space; Resume after space is freed finishes it without a reload; ' +
      'Delete run there removes it',
    async () => {
      // No service worker: its precache (megabytes of app files) would take the quota this test hands out.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const cdp = await context.newCDPSession(page);
      // Set before the origin first stores anything: room for the app and the workflow, not for the run.
      await setQuota(cdp, 1_500_000);
      await page.goto(baseUrl);
      await importWorkflow(page, fillingWorkflow);
      const runId = await startRun(page);
      const run = runLocator(page, runId);

      const banner = run.locator('.run-storage-full');
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toContain(
        'Browser storage is full — free space (delete old runs, or disk space), then Resume',
      );
      expect(await run.locator('.run-waiting').count()).toBe(0);
      await page.screenshot({ path: 'test-results/storage-full-banner.png' });
      const before = await storedSteps(page, runId);
      const copiedBefore = before.filter((s) => s.key.includes(':copy@') && s.status === 'completed').length;
      expect(copiedBefore).toBeGreaterThan(1); // the disk filled mid-run, not at once
      expect(copiedBefore).toBeLessThan(ITERATIONS);
      // No reload: Resume is there while the quota still refuses writes, and says why when pressed too early. Chromium
      // may give back a few kB meanwhile (its LevelDB compacts in the background): the quota goes below the usage.
      await setQuota(cdp, 1_000_000);
      await banner.getByRole('button', { name: 'Resume' }).click();
      await page
        .getByText(/browser storage is full/)
        .first()
        .waitFor();
      expect(await banner.count()).toBe(1);

      // The banner leads to Settings → Storage: what takes the space, and what can be deleted (not a live run).
      await banner.getByRole('button', { name: 'What takes the space? Settings → Storage' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      const storage = settings.getByRole('region', { name: 'Storage' });
      await storage.locator('.storage-figures').waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('storage-title');
      const largest = storage.getByRole('list', { name: 'Largest runs' }).locator(`[data-run-id="${runId}"]`);
      expect(await largest.textContent()).toContain('not finished: cannot be deleted');
      const stepSpace = storage.locator('.storage-table-row[data-table="steps"]');
      expect(await stepSpace.textContent()).toMatch(/about \d+(\.\d)? (KB|MB)/);
      await storage.getByRole('heading', { name: /^Largest runs/ }).scrollIntoViewIfNeeded();
      await settings.screenshot({ path: 'test-results/storage-full-settings.png' });
      await page.keyboard.press('Escape');

      // Chromium gives deleted IndexedDB space back only when it compacts, at a time of its choosing: the test
      // frees disk space instead (the override goes), which the banner names too.
      await setQuota(cdp, undefined);
      await banner.getByRole('button', { name: 'Resume' }).click();
      await waitForRunStatus(page, runId, 'completed', 60_000);
      expect(await banner.count()).toBe(0);
      const steps = await storedSteps(page, runId);
      const copies = steps.filter((s) => s.key.includes(':copy@'));
      expect(copies).toHaveLength(ITERATIONS);
      expect(copies.every((s) => s.status === 'completed')).toBe(true);
      // What was recorded before the disk filled is kept as it was.
      for (const done of before.filter((s) => s.status === 'completed')) expect(steps).toContainEqual(done);
      await page.screenshot({ path: 'test-results/storage-full-resumed.png' });

      // A finished run can be deleted from Settings → Storage too, where the space is listed.
      await banner.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Settings' }).click();
      const finished = storage.getByRole('list', { name: 'Largest runs' }).locator(`[data-run-id="${runId}"]`);
      await finished.getByRole('button', { name: 'Delete…' }).click();
      await finished.getByRole('button', { name: 'Delete run' }).click();
      await finished.waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      // The address still names the run, which is gone.
      await page.getByText('This run is not here').waitFor();
      await page.getByRole('button', { name: 'Show the newest run' }).click();
      await page.getByText('No runs yet.').waitFor();
      expect(await storedSteps(page, runId)).toEqual([]);
      await page.screenshot({ path: 'test-results/storage-full-deleted.png' });
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
