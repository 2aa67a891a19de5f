import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { importWorkflow, openRuns, runLocator, saveLocalProvider, waitForRunStatus } from './app';
import { checkA11y } from './axe';
import { chromiumPath, launch, openPage } from './browser';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';

/**
 * Budgets, the approvals inbox and run comparison in the built app, against a local OpenAI-compatible server:
 * a token cap set in the run form suspends the run at its second model call and Continue lets it finish; an
 * approval of another workflow's run is answered from the inbox with a reason; two runs are compared.
 */
const llm = (slug: string, prompt: string, next: Record<string, string> = {}) => ({
  stepSlug: slug,
  name: slug,
  stepType: 'llm',
  config: { llmNode: { name: slug, model: 'gpt-4o-mini', userPrompt: prompt, tools: [] } },
  nextSteps: next,
});

const twoCalls = {
  workflowConfig: { name: 'Two model calls' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'ask' },
    },
    llm('ask', 'Name a colour', { success: 'again' }),
    llm('again', 'Name another colour'),
  ],
} as WorkflowFile;

const needsApproval = {
  workflowConfig: { name: 'Needs approval' },
  stepsConfig: [
    { stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: { default: 'ok' } },
    {
      stepSlug: 'ok',
      name: 'Sign off',
      stepType: 'approval',
      config: { prompt: 'Ship the release?' },
      nextSteps: { approved: 'shipped' },
    },
    { stepSlug: 'shipped', name: 'Shipped', stepType: 'action', config: { action: 'set', values: { shipped: true } } },
  ],
} as WorkflowFile;

/** Presses Run, sets the form's token cap when given, starts, and returns the new run's id. */
async function startCappedRun(page: Page, tokenCap?: string): Promise<string> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog');
  if (tokenCap) await dialog.getByLabel('Token cap').fill(tokenCap);
  await dialog.getByRole('button', { name: 'Start run' }).click();
  await dialog.waitFor({ state: 'detached' });
  const detail = page.locator('.run-detail').first();
  await detail.waitFor();
  return (await detail.getAttribute('data-run-id'))!;
}

describe.skipIf(!chromiumPath)('budgets, the approvals inbox and compare in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer({ models: ['gpt-4o-mini'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a token cap suspends a run, the inbox answers another workflow, Continue finishes, runs compare', async () => {
    const { page, context, logs } = await openPage(browser);
    await saveLocalProvider(page, server.url, 'sk-local-test');
    await page.keyboard.press('Escape');

    // A run of "Needs approval" waits on its sign-off.
    await importWorkflow(page, needsApproval);
    await openRuns(page, 'Needs approval');
    const approvalRun = await startCappedRun(page);
    await waitForRunStatus(page, approvalRun, 'waiting');

    // "Two model calls" with a cap of 20 tokens: the first call spends 35, so the second asks first.
    await importWorkflow(page, twoCalls);
    await openRuns(page, 'Two model calls');
    server.script({ text: 'Teal', usage: { input: 30, output: 5 } });
    const requestsBefore = server.requests.length;
    const capped = await startCappedRun(page, '20');
    await waitForRunStatus(page, capped, 'waiting');
    const question = runLocator(page, capped).locator('[data-step-slug="again"] [data-testid="budget-question"]');
    await question.waitFor();
    expect(await question.textContent()).toContain(
      'This run reached its budget of 20 tokens — continue with 20 tokens more?',
    );
    const chatRequests = () => server.requests.slice(requestsBefore).filter((r) => r.method === 'POST').length;
    expect(chatRequests()).toBe(1);
    await page.screenshot({ path: 'test-results/budget-question.png' });

    // The header counts both questions; the inbox lists them, from either workflow, and answers the other one.
    const inboxLink = page.getByRole('link', { name: /^Inbox/ });
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toBe('2');
    await inboxLink.click();
    expect(page.url()).toMatch(/#\/inbox$/);
    const items = page.getByTestId('inbox-item');
    await expect.poll(() => items.count()).toBe(2);
    expect(await items.locator('.inbox-workflow').allTextContents()).toEqual(['Needs approval', 'Two model calls']);
    await checkA11y(page, 'inbox');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'inbox-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    const approval = items.filter({ hasText: 'Needs approval' });
    const approvalRunLink = await approval.getByRole('link', { name: 'Open the run' }).getAttribute('href');
    const cappedRunLink = await items
      .filter({ hasText: 'Two model calls' })
      .getByRole('link', { name: 'Open the run' })
      .getAttribute('href');
    await approval.getByLabel(/Reason/).fill('release notes checked');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => items.count()).toBe(1);
    await expect.poll(() => page.getByTestId('inbox-count').textContent()).toBe('1');

    // The approved run, in its own workflow, finished and shows the reason.
    await page.goto(new URL(approvalRunLink!, page.url()).href);
    await waitForRunStatus(page, approvalRun, 'completed');
    expect(await runLocator(page, approvalRun).getByTestId('run-answer').textContent()).toMatch(
      /^Approved at ok .* — reason: release notes checked$/,
    );

    // Continue, from the inbox: the cap is raised by 20 and the run finishes with its second call.
    await inboxLink.click();
    await items.first().getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => items.count()).toBe(0);
    await page.getByText('Nothing waits for an answer.').waitFor();
    await page.goto(new URL(cappedRunLink!, page.url()).href);
    await waitForRunStatus(page, capped, 'completed');
    expect(chatRequests()).toBe(2);

    // A second run without a cap, compared with the previous one from its controls.
    const uncapped = await startCappedRun(page);
    await waitForRunStatus(page, uncapped, 'completed');
    const run = runLocator(page, uncapped);
    await run.getByText('Compare with…').click();
    await page.screenshot({ path: 'test-results/compare-with-menu.png' });
    await run.getByRole('link', { name: /^The previous run/ }).click();
    await page.getByRole('heading', { name: 'Compare runs of Two model calls' }).waitFor();
    expect(page.url()).toContain(`/compare/${capped}/${uncapped}`);
    // The scripted "Teal" against the server's echo: the first model step differs, in its output.
    const askRow = page.locator('[data-testid="compare-row"][data-place="ask@"]');
    expect(await askRow.locator('td').last().textContent()).toBe('output');
    expect(await page.locator('[data-testid="compare-diff"][data-place="ask@"]').textContent()).toContain('"Teal"');
    // A spent the scripted 35 tokens and its second call; B only echoes.
    expect(await tokensOf(page, 'A')).toBeGreaterThan(35);
    expect(await tokensOf(page, 'B')).toBeGreaterThan(0);
    await page.screenshot({ path: 'test-results/compare-runs.png', fullPage: true });
    await checkA11y(page, 'compare');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkA11y(page, 'compare-dark');
    expect(logs.filter((line) => line.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });
});

/** A side's token total as the comparison shows it. */
async function tokensOf(page: Page, side: 'A' | 'B'): Promise<number> {
  return Number(await page.getByTestId(`compare-side-${side}`).getByTestId('compare-tokens').textContent());
}
