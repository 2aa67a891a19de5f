import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';

/** Writes settings records straight into the app's IndexedDB, as a damaged profile could hold them. */
function writeSettings(page: Page, records: Array<{ key: string; value: unknown }>): Promise<void> {
  return page.evaluate(async (values) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction('settings', 'readwrite');
    for (const value of values) tx.objectStore('settings').put(value);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, records);
}

describe.skipIf(!chromiumPath)('damaged settings in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'the executor starts on the defaults and runs a template; ' + 'Settings says what is wrong, and saving repairs it',
    async () => {
      const { page, context, logs } = await openPage(browser);
      page.on('worker', (worker) =>
        worker.on('console', (message) => logs.push(`worker ${message.type()}: ${message.text()}`)),
      );
      await page.locator('[data-template-id="weather-outfit-chain"]').waitFor();
      await writeSettings(page, [
        { key: 'providers', value: 'not an object' },
        { key: 'maxParallelism', value: 'eight' },
      ]);
      await page.reload();

      await page
        .locator('[data-template-id="weather-outfit-chain"]')
        .getByRole('button', { name: 'Use template' })
        .click();
      const runId = await startRun(page, { location: 'Lisbon' });
      await waitForRunStatus(page, runId, 'completed', 45_000);
      await expect
        .poll(() => logs.some((l) => l.includes('The saved setting "maxParallelism" is not valid')))
        .toBe(true);

      await page.getByRole('button', { name: 'Settings' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings' });
      const providers = settings.getByRole('region', { name: 'Model providers' });
      await providers.getByText('The saved setting "providers" is not valid ($: ').waitFor();
      await providers.getByText(/None yet: LLM steps run on the offline demo model/).waitFor();
      const execution = settings.getByRole('form', { name: 'Execution' });
      await execution.getByText('The saved setting "maxParallelism" is not valid').waitFor();
      expect(await execution.getByRole('spinbutton').inputValue()).toBe('4');
      await page.screenshot({ path: 'test-results/settings-damaged.png' });

      await execution.getByRole('spinbutton').fill('3');
      await execution.getByRole('button', { name: 'Save execution settings' }).click();
      await page.getByText('Settings saved').waitFor();
      await execution.getByText('The saved setting "maxParallelism" is not valid').waitFor({ state: 'detached' });
      await page.screenshot({ path: 'test-results/settings-repaired.png' });
      expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
      await context.close();
    },
  );
});
