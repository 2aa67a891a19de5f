import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { runLocator, saveLocalProvider, startRun, waitForRunStatus } from './app';
import { checkA11y, openCheckedPage, SCREENSHOT_DIR } from './axe';
import { chromiumPath, launch } from './browser';

const TEMPLATE = 'weather-outfit-chain';

describe.skipIf(!chromiumPath)('the step inspector in a real browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    // A slow stream, so the step is still answering when its inspector opens.
    server = await startOpenAIServer({ chunkDelayMs: 250 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an LLM step of a demo-model run shows its filled-in prompt, output and tokens, in both themes', async () => {
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'light' });
    await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
    const runId = await startRun(page, { location: 'Lisbon' });
    await waitForRunStatus(page, runId, 'completed', 45_000);

    const row = runLocator(page, runId).locator('.step-row[data-step-slug="weather_agent"]');
    await row.getByRole('link', { name: 'Select' }).click();
    const panel = page.locator('[data-testid="step-inspector"][data-state="ready"]');
    await panel.waitFor();
    expect(await panel.getAttribute('data-step-key')).toBe(await row.getAttribute('data-step-key'));

    // The prompt as the model got it: the template {{trigger.data.location}} filled in.
    await expect(panel.getByRole('region', { name: 'User prompt' }).textContent()).resolves.toContain(
      'What is the weather in Lisbon?',
    );
    const fact = (term: string) => panel.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd');
    await expect(fact('Model').textContent()).resolves.toBe('demo model');
    expect(await fact('Tokens').textContent()).toMatch(/^[1-9]\d* tokens, \d+ in, \d+ out$/);
    await expect(fact('Cost').textContent()).resolves.toBe('free (offline demo model)');
    const output = panel.getByRole('region', { name: 'Output' });
    // A text answer opens as text; the tree and the raw JSON are a tab away.
    expect((await output.getByRole('tabpanel').textContent())!.length).toBeGreaterThan(10);
    await output.getByRole('tab', { name: 'Tree' }).click();
    await output.getByRole('tree', { name: 'Output' }).waitFor();
    await panel.getByRole('region', { name: 'Thread messages' }).getByText('written by this step').waitFor();

    // Beside the list on a wide screen.
    const list = (await runLocator(page, runId).locator('.run-views').boundingBox())!;
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(list.x + list.width - 1);

    // The panel from its top for the screenshots (clicking a tab above scrolled it).
    await panel.evaluate((element) => element.scrollTo(0, 0));
    await checkA11y(page, 'step-inspector-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'step-inspector-dark');

    // Below the list on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const narrowList = (await runLocator(page, runId).locator('.run-views').boundingBox())!;
    const narrow = (await panel.boundingBox())!;
    expect(narrow.y).toBeGreaterThanOrEqual(narrowList.y + narrowList.height - 1);
    await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'step-inspector-narrow.png') });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the live token stream of a running LLM step shows in its inspector, then its output', async () => {
    const answer = 'Sunny and warm in Lisbon today with a light breeze from the sea in the afternoon';
    server.script({ text: answer });
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'light' });
    await saveLocalProvider(page, server.url, 'sk-step-inspector-test');
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
    await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
    const runId = await startRun(page, { location: 'Lisbon' });
    const row = runLocator(page, runId).locator('.step-row[data-step-slug="weather_agent"][data-status="started"]');
    await row.getByRole('link', { name: 'Select' }).click();
    const stream = page.locator('[data-testid="step-inspector"] [data-testid="step-stream"]');
    await expect.poll(() => stream.textContent(), { timeout: 20_000 }).toMatch(/^Sunny and warm/);
    const partial = (await stream.textContent())!;
    expect(partial.length).toBeLessThan(answer.length); // seen while it streams, not after
    await page.screenshot({ path: resolve(SCREENSHOT_DIR, 'step-inspector-streaming.png') });
    await waitForRunStatus(page, runId, 'completed', 45_000);
    const output = page.locator('[data-testid="step-inspector"]').getByRole('region', { name: 'Output' });
    await expect.poll(() => output.getByRole('tabpanel').textContent()).toBe(answer);
    expect(await stream.count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a parallel step of a real run lists its branches with their state; a table query its rows', async () => {
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'dark' });
    await page.locator('[data-template-id="parallel-analysis"]').getByRole('button', { name: 'Use template' }).click();
    const runId = await startRun(page, { customerId: 'cus_002' });
    await waitForRunStatus(page, runId, 'completed', 45_000);
    const panel = page.locator('[data-testid="step-inspector"][data-state="ready"]');
    const fact = (term: string) => panel.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd');

    await runLocator(page, runId)
      .locator('.step-row[data-step-slug="lookup"]')
      .getByRole('link', { name: 'Select' })
      .click();
    await expect.poll(() => fact('Rows read').textContent()).toBe('1');
    await expect(fact('Table').textContent()).resolves.toBe('customers');

    const row = runLocator(page, runId).locator('.step-row[data-step-slug="analyses"]');
    await row.getByRole('link', { name: 'Select' }).click();
    await expect.poll(() => panel.getAttribute('data-step-type')).toBe('parallel');
    await expect(fact('Join').textContent()).resolves.toBe('all: every branch must finish');
    const branches = panel.getByRole('list', { name: 'Branches' }).locator('li');
    await expect.poll(() => branches.allTextContents()).toEqual(['risk completed', 'value completed']);
    await panel.evaluate((element) => element.scrollTo(0, 0));
    await checkA11y(page, 'step-inspector-parallel-dark');
    expect(errors).toEqual([]);
    await context.close();
  });
});
