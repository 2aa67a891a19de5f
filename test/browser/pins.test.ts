import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, llm } from '../support/flows';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { importWorkflow, runLocator, saveLocalProvider, startRun, waitForRunStatus } from './app';
import { axeViolations, SCREENSHOT_DIR } from './axe';
import { chromiumPath, launch, openPage } from './browser';

/** trigger → draft (LLM) → polish (LLM, reads draft): both answered by the local OpenAI-compatible server. */
const workflow = chain('Pins in the browser', [
  llm('draft', 'Draft about {{input.topic}}'),
  llm('polish', 'Polish: {{steps.draft.output}}'),
]);

/** The user prompt of each chat request the server answered, in order. */
const prompts = (server: OpenAIServer): string[] =>
  server.requests
    .filter((r) => r.method === 'POST')
    .map((r) => {
      const messages = (r.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
      return String(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');
    });

/** Screenshots show the screen, not the toasts over it. */
async function shot(page: Page, name: string) {
  const dismiss = page.locator('.toasts').getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
}

async function openStepPanel(page: Page, slug: string) {
  await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
  await page.locator('[data-testid="graph-canvas"][data-state="ready"]').waitFor();
  await page.locator(`[data-testid="graph-node"][data-slug="${slug}"]`).click();
  return page.locator('[data-testid="pin-section"]');
}

describe.skipIf(!chromiumPath)('pinned outputs and run this step in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a pinned output is used by the next run (the model gets no request for it); run this step', async () => {
    const { page, logs } = await openPage(browser);
    await saveLocalProvider(page, server.url, 'sk-pins-test');
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
    await importWorkflow(page, workflow);
    await page.locator(`[data-testid="workflow-item"][data-workflow-name="${workflow.workflowConfig.name}"]`).click();

    server.script({ text: 'DRAFT-ONE' }, { text: 'POLISHED-ONE' });
    const first = await startRun(page, { topic: 'otters' });
    await waitForRunStatus(page, first, 'completed');
    expect(prompts(server)).toEqual(['Draft about otters', 'Polish: DRAFT-ONE']);

    // Pin draft's output from the canvas's step panel; its node says "pinned".
    const panel = await openStepPanel(page, 'draft');
    await panel.getByRole('button', { name: "Pin the last run's output" }).click();
    await page.locator('[data-testid="pin-section"][data-pinned="true"]').waitFor();
    await page.locator('[data-testid="graph-node"][data-slug="draft"] [data-testid="node-pinned"]').waitFor();
    expect(await panel.getByLabel('Pinned output value').innerText()).toContain('DRAFT-ONE');
    await panel.evaluate((section) => section.scrollIntoView({ block: 'center' }));
    await shot(page, 'pins-canvas-panel');
    expect(await axeViolations(page, '[data-testid="pin-section"]')).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'pins-canvas-panel-dark');
    expect(await axeViolations(page, '[data-testid="pin-section"]')).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    // A typed output with a mistake is refused, naming it.
    await panel.getByRole('button', { name: 'Edit pin…' }).click();
    await panel.getByRole('textbox', { name: 'Output (JSON)' }).fill('{"text": "typed",}');
    await panel.getByRole('button', { name: 'Pin', exact: true }).click();
    await panel.getByRole('alert').waitFor();
    expect(await panel.getByRole('alert').innerText()).toMatch(/^Not pinned: .*not valid JSON.*line 1, column \d+/);
    await panel.evaluate((section) => section.scrollIntoView({ block: 'end' }));
    await shot(page, 'pins-typed-error');
    expect(await axeViolations(page, '[data-testid="pin-section"]')).toEqual([]);
    await panel.getByRole('button', { name: 'Cancel' }).click();

    // The next run from the Run button uses the pin: only polish reaches the model, with the pinned draft.
    server.script({ text: 'POLISHED-TWO' });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await page.getByTestId('run-form-pins').innerText()).toContain('draft');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    const second = await startRun(page, { topic: 'badgers' });
    await waitForRunStatus(page, second, 'completed');
    expect(prompts(server).slice(2)).toEqual(['Polish: DRAFT-ONE']);
    const run = runLocator(page, second);
    await run.locator('[data-step-slug="draft"] [data-testid="step-pinned"]').waitFor();
    expect(await run.getByTestId('run-iteration').innerText()).toBe('1 step pinned');
    expect(await run.locator('[data-step-slug="polish"] [data-testid="step-pinned"]').count()).toBe(0);
    await shot(page, 'pins-run-uses-pin');
    expect(await axeViolations(page, `.run-detail[data-run-id="${second}"]`)).toEqual([]);
    // The step inspector offers Pin output, Run this step and Run to here.
    await run.locator('[data-step-slug="polish"]').getByRole('link', { name: 'Select' }).click();
    const inspector = page.getByTestId('step-inspector');
    await inspector.getByRole('button', { name: 'Pin output' }).waitFor();
    await inspector.getByRole('button', { name: 'Run to here' }).waitFor();
    await shot(page, 'pins-step-inspector');
    expect(await axeViolations(page, '[data-testid="step-inspector"]')).toEqual([]);
    // The run's graph marks the step it ran pinned.
    const views = run.getByRole('tablist', { name: 'Run views' });
    await views.getByRole('tab', { name: 'Graph' }).click();
    const pinnedNode = (slug: string) =>
      run.locator(`[data-testid="graph-node"][data-slug="${slug}"] [data-testid="node-pinned"]`);
    await pinnedNode('draft').waitFor();
    expect(await pinnedNode('polish').count()).toBe(0);
    await shot(page, 'pins-run-graph');
    await views.getByRole('tab', { name: 'Steps' }).click();

    // Unpin; Run this step (polish) from the panel: only polish runs, on the last run's draft output.
    const draftPanel = await openStepPanel(page, 'draft');
    await draftPanel.getByRole('button', { name: 'Unpin' }).click();
    await page.locator('[data-testid="pin-section"][data-pinned="false"]').waitFor();
    await openStepPanel(page, 'polish');
    server.script({ text: 'POLISHED-THREE' });
    await page.locator('[data-testid="pin-section"]').getByRole('button', { name: 'Run this step' }).click();
    const detail = page.locator(`.run-detail:not([data-run-id="${second}"])`).first();
    await detail.waitFor();
    const third = (await detail.getAttribute('data-run-id'))!;
    expect(third).not.toBe(second);
    await waitForRunStatus(page, third, 'completed');
    // The last run's draft was the pin DRAFT-ONE, copied as this run's input; the model saw polish only.
    expect(prompts(server).slice(3)).toEqual(['Polish: DRAFT-ONE']);
    const only = runLocator(page, third);
    expect(await only.getByTestId('run-iteration').innerText()).toBe('ran only polish');
    expect(await only.locator('[data-step-slug="draft"]').innerText()).toContain('from an earlier run');
    expect(await only.locator('.run-output').innerText()).toContain('POLISHED-THREE');
    await shot(page, 'pins-run-this-step');
    expect(await axeViolations(page, `.run-detail[data-run-id="${third}"]`)).toEqual([]);
    expect(logs.filter((line) => line.startsWith('pageerror') || line.startsWith('error'))).toEqual([]);
  }, 120_000);
});
