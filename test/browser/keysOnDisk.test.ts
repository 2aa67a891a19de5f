import { mkdtemp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/chromium';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { baseUrl, chromiumPath } from './browser';

const PROVIDER_KEY = 'sk-ondisk-PROVIDERKEY-5b1e9d37c2';
const SECRET_VALUE = 'wf-ondisk-SECRETVALUE-8c4a2f61e0';
const PASSPHRASE = 'correct horse battery staple';

/** Every regular file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

/**
 * The forms a string may take in a file: V8 writes one-byte strings as Latin-1 and two-byte ones as UTF-16; IndexedDB
 * keys are UTF-16BE.
 */
function encodings(text: string): Record<string, Buffer> {
  const utf16le = Buffer.from(text, 'utf16le');
  const utf16be = Buffer.from(utf16le);
  utf16be.swap16();
  return { utf8: Buffer.from(text, 'utf8'), utf16le, utf16be };
}

/** "file: encoding of secret" for every place one of `secrets` is found in the files under `dir`. */
async function findOnDisk(dir: string, secrets: Record<string, string>): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    for (const [label, text] of Object.entries(secrets)) {
      for (const [encoding, needle] of Object.entries(encodings(text))) {
        if (bytes.includes(needle)) found.push(`${file.slice(dir.length)}: ${encoding} of ${label}`);
      }
    }
  }
  return found;
}

/**
 * Opens the app on a browser profile kept in `profile`, runs `use`, and closes the browser (its files are then
 * complete).
 */
async function withProfile(profile: string, use: (page: Page) => Promise<void>): Promise<void> {
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath!,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(baseUrl);
    await use(page);
  } finally {
    await context.close();
  }
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  return page.getByRole('dialog', { name: 'Settings' });
}

async function addKeyAndSecretThenLock(page: Page, serverUrl: string): Promise<void> {
  const settings = await openSettings(page);
  await settings.getByRole('button', { name: 'Add provider' }).click();
  const form = settings.getByRole('form', { name: 'Provider' });
  await form.getByLabel('Name', { exact: true }).fill('Local server');
  await form.getByLabel('Kind').selectOption('openai-compatible');
  await form.getByLabel('Base URL').fill(serverUrl);
  await form.getByLabel('API key', { exact: true }).fill(PROVIDER_KEY);
  await form.getByRole('button', { name: 'Save provider' }).click();
  await settings.locator('[data-provider-name="Local server"]').waitFor();

  const keys = settings.getByRole('region', { name: 'Keys' });
  await keys.getByLabel('Secret name').fill('API_TOKEN');
  await keys.getByLabel('Secret value').fill(SECRET_VALUE);
  await keys.getByRole('button', { name: 'Save secret' }).click();
  await keys.getByText('API_TOKEN').waitFor();

  await keys.getByLabel('New passphrase').fill(PASSPHRASE);
  await keys.getByRole('button', { name: 'Protect keys with a passphrase' }).click();
  await keys.getByRole('button', { name: 'Remove passphrase' }).waitFor();
  await page.screenshot({ path: 'test-results/keys-on-disk-locked.png' });
}

/** Presses "Test connection": the server sees the key only if the executor could open it. */
async function testConnection(page: Page, server: OpenAIServer): Promise<string | undefined> {
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const before = server.requests.length;
  await settings
    .locator('[data-provider-name="Local server"]')
    .getByRole('button', { name: 'Test connection' })
    .click();
  await settings.getByText(/connected to Local server/).waitFor();
  return server.requests
    .slice(before)
    .filter((r) => r.method !== 'OPTIONS')
    .at(-1)?.authorization;
}

/** Writes records straight into the app's IndexedDB, as an earlier version of the app left them. */
function writeRecords(page: Page, records: Record<string, unknown[]>): Promise<void> {
  return page.evaluate(async (byStore) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(Object.keys(byStore), 'readwrite');
    for (const [store, values] of Object.entries(byStore)) for (const value of values) tx.objectStore(store).put(value);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, records);
}

/** The stored secret records, as the app's database holds them. */
function storedSecrets(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<Array<Record<string, unknown>>>((resolve) => {
      const request = db.transaction('secrets').objectStore('secrets').getAll();
      request.onsuccess = () => resolve(request.result as Array<Record<string, unknown>>);
    });
    db.close();
    return all;
  });
}

describe.skipIf(!chromiumPath)('keys on disk', () => {
  const profiles: string[] = [];
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
    await mkdir('test-results', { recursive: true });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(profiles.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it(
    'after adding a provider key and a workflow secret and setting a passphrase, ' +
      'no file of the profile holds either in plain text',
    async () => {
      const profile = await mkdtemp(join(tmpdir(), 'tabflow-keys-profile-'));
      profiles.push(profile);
      const secrets = { 'the provider key': PROVIDER_KEY, 'the workflow secret': SECRET_VALUE };
      const indexedDbDir = join(profile, 'Default', 'IndexedDB');

      await withProfile(profile, (page) => addKeyAndSecretThenLock(page, server.url));
      expect((await filesUnder(indexedDbDir)).length).toBeGreaterThan(0);
      expect(await findOnDisk(indexedDbDir, secrets)).toEqual([]);
      // The rest of the profile too (caches, session state): the key was typed into this browser.
      expect(await findOnDisk(profile, secrets)).toEqual([]);

      // The sealed key still opens: with the passphrase after a restart, then, the passphrase removed, with the device
      // key after another.
      await withProfile(profile, async (page) => {
        const keys = (await openSettings(page)).getByRole('region', { name: 'Keys' });
        await keys.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
        await keys.getByRole('button', { name: 'Unlock keys' }).click();
        await keys.getByRole('button', { name: 'Remove passphrase' }).waitFor();
        expect(await testConnection(page, server)).toBe(`Bearer ${PROVIDER_KEY}`);
        await keys.getByRole('button', { name: 'Remove passphrase' }).click();
        await keys.getByRole('button', { name: 'Protect keys with a passphrase' }).waitFor();
      });
      await withProfile(profile, async (page) => {
        await openSettings(page);
        expect(await testConnection(page, server)).toBe(`Bearer ${PROVIDER_KEY}`);
        await page.screenshot({ path: 'test-results/keys-on-disk-device-key.png' });
      });
      expect(await findOnDisk(profile, secrets)).toEqual([]);
    },
  );

  it(
    'a key an earlier version stored in plain text is sealed in place when the app starts, ' + 'and still works',
    async () => {
      const profile = await mkdtemp(join(tmpdir(), 'tabflow-keys-profile-'));
      profiles.push(profile);
      await withProfile(profile, async (page) => {
        await page.getByRole('button', { name: 'Settings' }).waitFor();
        const provider = { id: 'old-provider', name: 'Local server', kind: 'openai-compatible', baseUrl: server.url };
        await writeRecords(page, {
          settings: [{ key: 'providers', value: { providers: [provider], defaultProviderId: provider.id } }],
          secrets: [
            { name: 'provider:old-provider', value: PROVIDER_KEY },
            { name: 'secret:OLD_TOKEN', value: SECRET_VALUE },
          ],
        });
        await page.reload();
        await expect
          .poll(async () => (await storedSecrets(page)).map((s) => [s.name, s.under, 'value' in s]), {
            timeout: 15_000,
          })
          .toEqual([
            ['provider:old-provider', 'device', false],
            ['secret:OLD_TOKEN', 'device', false],
          ]);
        expect(JSON.stringify(await storedSecrets(page))).not.toContain(PROVIDER_KEY);
        await openSettings(page);
        expect(await testConnection(page, server)).toBe(`Bearer ${PROVIDER_KEY}`);
      });
    },
  );
});
