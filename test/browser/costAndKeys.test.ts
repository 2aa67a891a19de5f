import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocator, saveLocalProvider, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

/**
 * Against a local OpenAI-compatible server that lists its models to anyone but answers only with its key:
 * a wrong key is caught by "Test connection" and by the run (which links to the provider's settings), and a
 * step that met a 500 and a 429 lists its attempts, with the estimated cost of every step.
 */
const KEY = 'sk-browser-right-KEY-51d0c2';
const WRONG = 'sk-browser-wrong-KEY-0000aa';

/** What has focus, as a person would name it: the control's text and whether it sits in the Settings dialog. */
function focused(page: Page) {
  return page.evaluate(() => ({
    text: document.activeElement?.textContent ?? '',
    inSettings: document.activeElement?.closest('[role="dialog"][aria-label="Settings"]') !== null,
  }));
}

describe.skipIf(!chromiumPath)('costs, retries and keys in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer({ apiKey: KEY, models: ['gpt-4o-mini'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('catches a wrong key, links the failed run to the provider, then shows retries and costs', async () => {
    const { page, context, logs } = await openPage(browser);
    await saveLocalProvider(page, server.url, WRONG);
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const entry = settings.locator('[data-provider-name="Local server"]');
    await entry.waitFor();
    // Focus stays in Settings, on the saved entry's first control; Escape still closes the dialog.
    await expect.poll(() => focused(page)).toEqual({ text: 'Test connection', inSettings: true });
    await entry.getByRole('button', { name: 'Test connection' }).click();
    await entry.getByText('key rejected by Local server (401)').waitFor();
    await page.screenshot({ path: 'test-results/keys-test-connection-wrong-key.png' });
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });

    await page
      .locator('[data-template-id="single-customer-status"]')
      .getByRole('button', { name: 'Use template' })
      .click();
    const failedRun = await startRun(page, { customerId: 'cus_002' });
    await waitForRunStatus(page, failedRun, 'failed');
    const run = runLocator(page, failedRun);
    await run.getByRole('alert').getByText('key rejected by Local server').waitFor();
    await run.getByRole('alert').getByRole('button', { name: 'Check the key in Settings' }).click();
    const form = settings.getByRole('form', { name: 'Provider' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('Local server');
    await page.keyboard.type(KEY);
    await form.getByRole('button', { name: 'Save provider' }).click();
    await entry.getByRole('button', { name: 'Test connection' }).click();
    await entry.getByText(/connected to Local server: the key works/).waitFor();
    await settings.getByRole('button', { name: 'Close' }).click();

    // The first model round meets a 500, then a 429 asking for 1 s, then answers.
    server.script({ status: 500 }, { status: 429, headers: { 'retry-after': '1' } });
    const retriedRun = await startRun(page, { customerId: 'cus_002' });
    await waitForRunStatus(page, retriedRun, 'completed', 60_000);
    const done = runLocator(page, retriedRun);
    const first = done.locator('[data-step-slug="data_collector_agent"]');
    const attempts = first.locator('.step-attempts');
    await attempts.locator('summary').click();
    const lines = await attempts.locator('li').allTextContents();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^round 1, attempt 1 failed after .+: Local server answered 500.* \(server\) — waited .+/);
    expect(lines[1]).toMatch(
      /^round 1, attempt 2 failed after .+\(rate-limit\) — waited .+, the server asked for 1\.0 s$/,
    );
    expect(lines[2]).toMatch(/^round 1, attempt 3 succeeded after /);
    await expect
      .poll(() => first.locator('.step-cost').textContent())
      .toMatch(/≈ \$0\.0\d+ \(estimate, OpenAI list prices of 2025-08-07\)/);
    expect(await done.locator('.run-usage').textContent()).toContain('OpenAI list prices of 2025-08-07');
    await first.screenshot({ path: 'test-results/step-with-retries.png' });
    const item = page.locator(`.run-item[data-run-id="${retriedRun}"]`);
    await expect.poll(() => item.getByTestId('run-facts').textContent()).toMatch(/tokens≈ \$/);
    expect(await item.textContent()).toContain('customerId: cus_002');
    await page.locator('.runs-list').screenshot({ path: 'test-results/runs-list.png' });
    await page.screenshot({ path: 'test-results/run-with-retries-and-cost.png' });

    // Forgetting every key: the provider says "no key", and the next run fails as such (not "key rejected").
    await page.getByRole('button', { name: 'Settings' }).click();
    await settings.getByRole('button', { name: 'Forget all keys' }).click();
    await settings.getByRole('button', { name: 'Forget them' }).click();
    await expect.poll(() => entry.textContent()).toContain('· no key');
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
    const keyless = await startRun(page, { customerId: 'cus_002' });
    await waitForRunStatus(page, keyless, 'failed');
    expect(await runLocator(page, keyless).getByRole('alert').textContent()).toContain(
      'no key for Local server: it asks for an API key and none is saved',
    );
    for (const text of logs) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(WRONG);
    }
    await context.close();
  });
});
