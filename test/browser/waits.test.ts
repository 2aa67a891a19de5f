import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';

/** Two waits at once, each answered on its own row: a 10-minute nap (its wake time in words) and an event. */
const napOrPayment: WorkflowFile = {
  workflowConfig: { name: 'Nap or payment' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'race' },
    },
    {
      stepSlug: 'race',
      name: 'Race',
      stepType: 'parallel',
      nextSteps: {},
      config: {
        join: 'any',
        branches: {
          sleep: [{ stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 600_000 }, nextSteps: {} }],
          pay: [
            { stepSlug: 'paid', name: 'Paid', stepType: 'event', config: { event: 'payment_received' }, nextSteps: {} },
          ],
        },
      },
    },
  ],
} as WorkflowFile;

describe.skipIf(!chromiumPath)('waits in the run view', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a nap shows its wake time in words and an event wait sends its event from its row', async () => {
    const { page, context } = await openPage(browser);
    await importWorkflow(page, napOrPayment);
    const runId = await startRun(page);
    await waitForRunStatus(page, runId, 'waiting');
    const run = runLocator(page, runId);
    const nap = run.locator('[data-step-slug="nap"] [data-wait="sleep"]');
    await nap.waitFor();
    expect(await nap.textContent()).toMatch(/^Sleeping until .+ \(in (9 min [1-5]?\d|10 min 0) s\)$/);
    expect(await run.locator('.run-waiting').textContent()).toMatch(
      /^Waiting for the wake time, at .+; the event “payment_received”$/,
    );
    expect(await run.textContent()).not.toMatch(/\d{4}-\d\d-\d\dT/);
    await run.screenshot({ path: 'test-results/waits-nap-and-event.png' });

    await run.locator('[data-step-slug="paid"]').getByRole('button', { name: 'Send payment_received…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send event' });
    expect(await dialog.getByLabel('Event name').inputValue()).toBe('payment_received');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await waitForRunStatus(page, runId, 'completed', 20_000);
    expect(await run.locator('[data-wait]').count()).toBe(0);
    await context.close();
  });
});
