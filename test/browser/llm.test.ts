import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuns, runLocator, saveLocalProvider, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

const KEY = 'sk-browser-test-KEY-7f3a9c2e';

async function addProvider(page: Page, providerUrl: string): Promise<void> {
  await saveLocalProvider(page, providerUrl, KEY);
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings
    .locator('[data-provider-name="Local server"]')
    .getByRole('button', { name: 'Test connection' })
    .click();
  await settings.getByText(/connected to Local server/).waitFor();
  await settings.getByRole('button', { name: 'Close' }).click();
}

/** Every object store but the secrets table, as text: what must never contain a key. */
function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const out: Record<string, unknown[]> = {};
    for (const name of Array.from(db.objectStoreNames).filter((n) => n !== 'secrets')) {
      out[name] = await new Promise<unknown[]>((resolve) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
      });
    }
    db.close();
    return JSON.stringify(out);
  });
}

describe.skipIf(!chromiumPath)('LLM steps in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer({ chunkDelayMs: 120 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'the seed example runs on an OpenAI-compatible provider set up in Settings, ' +
      'survives a reload mid-stream, and never leaks the key',
    async () => {
      const { page, context, logs } = await openPage(browser);
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await addProvider(page, server.url);
      await page
        .locator('[data-template-id="single-customer-status"]')
        .getByRole('button', { name: 'Use template' })
        .click();
      const runId = await startRun(page, { customerId: 'cus_002' });
      // Reload while the second agent is streaming.
      await runLocator(page, runId)
        .locator('[data-step-slug="status_analyzer_agent"][data-status="started"] .step-stream')
        .waitFor({ timeout: 30_000 });
      await page.reload();
      await openRuns(page, 'Single Customer Status Assessment');
      await waitForRunStatus(page, runId, 'completed', 60_000);

      const run = runLocator(page, runId);
      await run.locator('.threads summary').click();
      const messages = await run.locator('.thread-message').evaluateAll((items) =>
        items.map((i) => ({
          id: i.getAttribute('data-message-id'),
          role: i.querySelector('.thread-role')?.textContent,
          author: i.querySelector('.thread-author')?.getAttribute('data-author-provider'),
          text: i.querySelector('.thread-content')?.textContent,
        })),
      );
      expect(messages.filter((m) => m.role === 'user')).toHaveLength(3);
      expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
      expect(new Set(messages.map((m) => `${m.role}:${m.text}`)).size).toBe(messages.length);
      // Every answer says what answered it: the provider from Settings, never the demo model.
      const answers = messages.filter((m) => m.role === 'assistant');
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((m) => m.author !== undefined && m.author !== null && m.author !== 'demo')).toBe(true);
      const second = server.requests
        .filter((r) => r.path.endsWith('/chat/completions'))
        .map((r) => JSON.stringify(r.body.messages));
      const firstReply = answers[0]!.text!;
      expect(second.at(-1)!.split(JSON.stringify(firstReply).slice(1, -1)).length - 1).toBe(1);
      expect(server.requests.every((r) => r.path.endsWith('/models') || r.authorization === `Bearer ${KEY}`)).toBe(
        true,
      );

      await page.getByRole('tab', { name: 'JSON' }).click();
      await page.getByRole('button', { name: 'Copy JSON' }).click();
      const exported = await page.evaluate(() => navigator.clipboard.readText());
      await page.getByRole('button', { name: 'Copy share link' }).click();
      await page.waitForTimeout(300);
      const link = await page.evaluate(() => navigator.clipboard.readText());
      expect(link).toContain('#workflow=');
      const stored = await dumpIndexedDb(page);
      for (const text of [stored, exported, link, logs.join('\n')]) expect(text).not.toContain(KEY);
      expect(stored).toContain('Local server');
      await context.close();
    },
  );
});
