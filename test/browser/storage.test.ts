import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_MAX_BYTES } from '../../src/store/backupFormat';
import { chain, set } from '../support/flows';
import { importWorkflow, openRuns, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';

const quick = chain('Quick finish', [set('a', { n: 1, text: 'é ✓' })]);

const approval = chain('Waits for approval', [
  { stepSlug: 'ask', name: 'Ask', stepType: 'approval', config: { prompt: 'Go on?' }, nextSteps: { approved: 'done' } },
  set('done', { done: true }),
]);

type Dump = Record<string, Array<[string, unknown]>>;

/** Every record of every object store of the app's database but the secret ones, keyed, sorted by key. */
function dumpDb(page: Page): Promise<Dump> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('tabflow');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const names = [...db.objectStoreNames].filter((name) => name !== 'secrets' && name !== 'deviceKeys');
    const tx = db.transaction(names);
    const out: Record<string, Array<[string, unknown]>> = {};
    await Promise.all(
      names.map(
        (name) =>
          new Promise<void>((resolve, reject) => {
            const store = tx.objectStore(name);
            const keys = store.getAllKeys();
            const values = store.getAll();
            values.onsuccess = () => {
              out[name] = keys.result.map((key, i) => [JSON.stringify(key), values.result[i]]);
              resolve();
            };
            values.onerror = () => reject(values.error);
          }),
      ),
    );
    db.close();
    return out;
  });
}

/** Waits (at most 10 s) for a setting to be stored; says whether it was. */
async function settingStored(page: Page, key: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if ((await dumpDb(page)).settings?.some(([stored]) => stored === JSON.stringify(key))) return true;
    await page.waitForTimeout(100);
  }
  return false;
}

/** Persistent storage is asked for after the first save, and the answer recorded. */
const persistenceAsked = (page: Page) => settingStored(page, 'storagePersistence');

async function openStorage(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const storage = settings.getByRole('region', { name: 'Storage' });
  await storage.locator('.storage-figures').waitFor();
  return { settings, storage };
}

async function chooseBackup(page: Page, path: string) {
  const { settings, storage } = await openStorage(page);
  await storage.getByLabel('Backup file to restore').setInputFiles(path);
  return { settings, storage };
}

describe.skipIf(!chromiumPath)('backup, restore and clearing in the browser', () => {
  let browser: Browser;
  const dir = join(tmpdir(), `tabflow-storage-${process.pid}`);
  beforeAll(async () => {
    browser = await launch();
    mkdirSync('test-results', { recursive: true });
    mkdirSync(dir, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'export everything → clear all data → restore gives back every table record by record, ' +
      'and a run restored mid-flight resumes without a reload',
    async () => {
      const { context, page, logs } = await openPage(browser);
      await importWorkflow(page, quick);
      const done = await startRun(page);
      await waitForRunStatus(page, done, 'completed');
      await importWorkflow(page, approval);
      const waiting = await startRun(page);
      await runLocator(page, waiting).getByRole('button', { name: 'Approve' }).waitFor();
      expect(await persistenceAsked(page)).toBe(true);

      const { settings, storage } = await openStorage(page);
      expect(await storage.textContent()).toMatch(/Used .* of .* available to this site/);
      expect(await storage.locator('.storage-persistence').getAttribute('data-persistence')).toMatch(
        /^(granted|not-granted)$/,
      );
      expect(await storage.locator('.storage-table-row[data-table="steps"]').textContent()).toMatch(/about/);
      await page.screenshot({ path: 'test-results/storage-settings.png', fullPage: true });
      await storage.locator('h3').scrollIntoViewIfNeeded();
      await settings.screenshot({ path: 'test-results/storage-settings-section.png' });

      const before = await dumpDb(page);
      const download = page.waitForEvent('download');
      await storage.getByRole('button', { name: 'Export everything' }).click();
      const file = join(dir, 'backup.json');
      await (await download).saveAs(file);
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n').slice(0, 3).join('\n')).toContain('It holds no API keys or secret values');
      expect(JSON.parse(text).tables.versions ?? []).toEqual(before.versions?.map(([, v]) => v) ?? []);

      await storage.getByRole('button', { name: 'Clear all data…' }).click();
      const confirm = storage.getByRole('group', { name: 'Confirm clearing all data' });
      expect(await confirm.textContent()).toContain('and every API key and secret');
      const clear = confirm.getByRole('button', { name: 'Clear all data', exact: true });
      expect(await clear.isDisabled()).toBe(true);
      await confirm.getByLabel('to confirm').fill('erase');
      await settings.screenshot({ path: 'test-results/storage-clear-confirm.png' });
      await Promise.all([page.waitForEvent('load'), clear.click()]);
      await page.getByText('Nothing here yet.', { exact: false }).first().waitFor();
      const cleared = await dumpDb(page);
      expect(cleared.workflows).toEqual([]);
      expect(cleared.runs).toEqual([]);
      expect(page.url()).not.toContain('#/settings');

      const restore = await chooseBackup(page, file);
      const preview = restore.storage.getByRole('region', { name: 'Restore preview' });
      await preview.locator('table').waitFor();
      expect(await preview.locator('tr[data-table="workflows"] [data-verdict="new"]').textContent()).toBe('2');
      expect(await preview.textContent()).toContain('1 run of the file had not finished: it resumes here');
      await preview.getByRole('radio', { name: /Replace/ }).check();
      await preview.locator('tr[data-table="runs"] [data-written]').getByText('2').waitFor();
      await restore.settings.screenshot({ path: 'test-results/storage-restore-preview.png' });
      await preview.getByRole('button', { name: 'Replace everything' }).click();
      await page.getByText(/^Restored \d+ records from backup\.json; 1 unfinished run resumed/).waitFor();

      // The resumed run is written again as it continues: its own records are checked by what it does next.
      const after = await dumpDb(page);
      // Writer leases are this browser's own and never in a backup (`backupTables`): a restored run gets a new one.
      const others = (dump: Dump) =>
        Object.fromEntries(
          Object.entries(dump)
            .filter(([table]) => table !== 'leases')
            .map(([table, rows]) => [
              table,
              rows.filter(([key, value]) => {
                const record = value as { id?: string; runId?: string };
                return !key.includes(waiting) && record.runId !== waiting && record.id !== waiting;
              }),
            ]),
        );
      expect(others(after)).toEqual(others(before));
      expect(after.steps!.filter(([key]) => key.includes(waiting)).map(([key]) => key)).toEqual(
        before.steps!.filter(([key]) => key.includes(waiting)).map(([key]) => key),
      );

      await restore.settings.getByRole('button', { name: 'Close' }).first().click();
      await openRuns(page, approval.workflowConfig.name);
      await page.locator(`button.run-item[data-run-id="${waiting}"]`).click();
      // No reload since the restore: the executing tab drives the restored run, so the approval reaches it.
      await runLocator(page, waiting).getByRole('button', { name: 'Approve' }).click();
      await waitForRunStatus(page, waiting, 'completed');
      expect(logs.filter((line) => line.startsWith('pageerror'))).toEqual([]);
      await context.close();
    },
  );

  it('a hostile backup file is refused with a message naming what is wrong, and changes nothing', async () => {
    const { context, page } = await openPage(browser);
    await importWorkflow(page, quick);
    // Everything the app writes by itself at first is written: the demo customers, the persistence answer.
    expect(await settingStored(page, 'demoCustomersSeeded')).toBe(true);
    expect(await persistenceAsked(page)).toBe(true);
    const before = await dumpDb(page);
    const head = { format: 'tabflow-backup', version: 1, databaseVersion: 7, exportedAt: 'x' };
    const cases: Array<[string, string | Buffer, RegExp]> = [
      [
        'not-a-backup.json',
        JSON.stringify({ ...head, format: 'other', tables: {} }),
        /"format" is not "tabflow-backup"/,
      ],
      [
        'bad-record.json',
        JSON.stringify({ ...head, tables: { runs: [{ id: 'r', status: 'exploded' }] } }),
        /table "runs", record 0, field workflowHash: /,
      ],
      ['huge.json', Buffer.alloc(BACKUP_MAX_BYTES + 1, 0x20), /a backup may be at most 200\.0 MB/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const { settings, storage } = await chooseBackup(page, path);
      const refused = storage.locator('[data-restore-refused]');
      await refused.waitFor({ timeout: 15_000 });
      expect(await refused.textContent()).toMatch(message);
      expect(await refused.textContent()).toContain(`${name} cannot be restored`);
      if (name === 'bad-record.json') {
        await refused.scrollIntoViewIfNeeded();
        await settings.screenshot({ path: 'test-results/storage-restore-refused.png' });
      }
      await page.keyboard.press('Escape');
      await settings.waitFor({ state: 'detached' });
      rmSync(path);
    }
    const after = await dumpDb(page);
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
    await context.close();
  });
});
