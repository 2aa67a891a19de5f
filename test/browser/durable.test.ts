import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { findTemplate } from '../../src/templates';
import { importWorkflow, openRuns, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';
import { startEffectServer, type EffectServer } from './effectServer';

function httpChain(name: string, host: string, count: number): WorkflowFile {
  const steps = Array.from({ length: count }, (_, i) => ({
    stepSlug: `call_${i}`,
    name: `Call ${i}`,
    stepType: 'action',
    config: { action: 'http', method: 'POST', url: `http://${host}/effect/${i}`, body: { i } },
    nextSteps: i + 1 < count ? { success: `call_${i + 1}` } : {},
  }));
  return {
    workflowConfig: { name, config: { allowedHosts: [host], retryPolicy: { maxRetries: 3, backoffMs: 200 } } },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'call_0' },
      },
      ...steps,
    ],
  } as WorkflowFile;
}

const waitWorkflow = (name: string, ms: number): WorkflowFile =>
  ({
    workflowConfig: { name },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'nap' },
      },
      { stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: ms }, nextSteps: { success: 'done' } },
      {
        stepSlug: 'done',
        name: 'Done',
        stepType: 'action',
        config: { action: 'set', values: { woke: true } },
        nextSteps: {},
      },
    ],
  }) as WorkflowFile;

describe.skipIf(!chromiumPath)('durable runs in the browser', () => {
  let browser: Browser;
  let server: EffectServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startEffectServer(150);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a 20-step run reloaded mid-run completes, each side effect applied once', async () => {
    const { page, context } = await openPage(browser);
    await importWorkflow(page, httpChain('Twenty calls', server.host, 20));
    const runId = await startRun(page);
    await page.getByRole('button', { name: `Allow ${server.host}` }).click();
    await page
      .locator(`.run-detail[data-run-id="${runId}"] [data-step-slug="call_5"][data-status="completed"]`)
      .waitFor({ timeout: 20_000 });
    await page.reload();
    await openRuns(page, 'Twenty calls');
    await waitForRunStatus(page, runId, 'completed', 60_000);
    expect(server.applied.size).toBe(20);
    const total = [...server.requests.values()].reduce((a, b) => a + b, 0);
    // The one request in flight at the reload may be sent again (same idempotency key); no other.
    expect(total).toBeLessThanOrEqual(21);
    expect([...server.requests.keys()].every((k) => k.startsWith(`${runId}:call_`))).toBe(true);
    expect(await runLocator(page, runId).locator('[data-status="completed"]').count()).toBe(21);
    await context.close();
  });

  it('two tabs: one executes, both show the run live, and closing the executor lets the other finish it', async () => {
    const { page: first, context } = await openPage(browser);
    await first.locator('[data-executor-role="executor"]').waitFor();
    const second = await context.newPage();
    await second.goto(first.url());
    await second.locator('[data-executor-role="follower"]').waitFor();
    await importWorkflow(second, waitWorkflow('Nap across tabs', 3000));
    const runId = await startRun(second);
    await waitForRunStatus(second, runId, 'waiting');
    await openRuns(first, 'Nap across tabs');
    await waitForRunStatus(first, runId, 'waiting');
    await first.close();
    await second.locator('[data-executor-role="executor"]').waitFor({ timeout: 10_000 });
    await waitForRunStatus(second, runId, 'completed', 20_000);
    await context.close();
  });

  it('a wait continues across a reload at its recorded wake time', async () => {
    const { page, context } = await openPage(browser);
    await importWorkflow(page, waitWorkflow('Nap over reload', 2500));
    const runId = await startRun(page);
    await waitForRunStatus(page, runId, 'waiting');
    await page.reload();
    await openRuns(page, 'Nap over reload');
    await waitForRunStatus(page, runId, 'completed', 20_000);
    await context.close();
  });

  it('an approval answered after a reload continues the run', async () => {
    const { page, context } = await openPage(browser);
    const approval = findTemplate('approval-before-update')!.doc;
    await importWorkflow(page, approval);
    const runId = await startRun(page);
    await waitForRunStatus(page, runId, 'waiting');
    await page.reload();
    await openRuns(page, approval.workflowConfig.name);
    await runLocator(page, runId).getByRole('button', { name: 'Approve' }).click();
    await waitForRunStatus(page, runId, 'completed', 20_000);
    await expect(
      runLocator(page, runId).locator('[data-step-slug="apply"][data-status="completed"]').count(),
    ).resolves.toBe(1);
    await context.close();
  });
});
