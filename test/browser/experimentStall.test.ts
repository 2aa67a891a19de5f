import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, llm } from '../support/flows';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { importWorkflow, saveLocalProvider } from './app';
import { checkA11y } from './axe';
import { baseUrl, chromiumPath, launch } from './browser';

/**
 * An experiment whose provider accepts its requests and never answers: after two minutes without progress the
 * experiment's screen says so, names what its runs wait on, and offers the provider's settings. The page's clock is
 * Playwright's (the executor's worker keeps real time), moved on three minutes once the requests hang.
 */

const KEY = 'sk-stall-KEY-91c2';
const ROWS = 2;
const WORKFLOW_NAME = 'Stalled greeting';

const workflow = chain(WORKFLOW_NAME, [llm('greet', 'Greet {{trigger.data.value}}')], {
  inputSchema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
});

describe.skipIf(!chromiumPath)('an experiment that makes no progress', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer({ apiKey: KEY });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says so after two minutes, naming the provider and model its runs wait on, with a way to Settings', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.clock.install();
      await page.goto(baseUrl);
      await saveLocalProvider(page, server.url, KEY);
      await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
      await importWorkflow(page, workflow);
      const workflowId = decodeURIComponent(/#\/w\/([^/]+)/.exec(page.url())![1]!);
      server.script(...Array.from({ length: ROWS }, () => ({ fault: 'hang' as const })));

      await page.goto(new URL(`#/experiments/new/${encodeURIComponent(workflowId)}`, baseUrl).toString());
      const setup = page.getByRole('form', { name: 'Experiment setup' });
      await setup.getByLabel('Rows file (CSV or JSON)').setInputFiles({
        name: 'names.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('value\nAda\nGrace\n'),
      });
      await setup.getByText(`${ROWS} rows, columns: value`).waitFor();
      const variant = setup.getByRole('group', { name: 'Variants' }).locator('li.experiment-card').first();
      await variant.getByLabel('Name', { exact: true }).fill('Local');
      await variant.getByLabel('Provider').selectOption({ label: 'Local server' });
      await variant.getByLabel('Model', { exact: true }).fill('test-model');
      await setup.getByRole('button', { name: `Start ${ROWS} runs` }).click();
      await page.waitForURL(/#\/experiments\/(?!new)[^/]+$/);

      // Both rounds reached the provider, which holds them: nothing will move the batch any more.
      await expect
        .poll(() => server.requests.filter((r) => r.path.endsWith('/chat/completions')).length, { timeout: 30_000 })
        .toBe(ROWS);
      const stall = page.getByTestId('experiment-stall');
      await page.clock.fastForward('01:00');
      expect(await stall.count(), 'a minute without progress is no stall yet').toBe(0);
      await page.clock.fastForward('02:00');
      await stall.waitFor();
      const text = (await stall.textContent()) ?? '';
      expect(text).toMatch(/No progress for 3 min/);
      expect(text).toContain('a model answer for step “greet”');
      expect(text).toContain('test-model');
      expect(text).toMatch(/2 runs still in flight/);
      await checkA11y(page, 'experiment-stall');

      await stall.getByRole('button', { name: 'Check the provider in Settings' }).click();
      await page.getByRole('dialog', { name: 'Settings' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
