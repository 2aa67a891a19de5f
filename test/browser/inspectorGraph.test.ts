import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocator, startRun, waitForRunStatus } from './app';
import { checkA11y, openCheckedPage, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

/**
 * The run inspector's Graph and Timeline views on a real run of a template (the customer digest: a table
 * query, a loop over the customers, a 2 s durable wait, a transform; no model needed): statuses shown live on
 * the canvas, every bar on the timeline, a node opening its step, axe in light and dark and at a phone's width.
 */
const TEMPLATE_ID = 'customer-digest';

function views(page: Page) {
  return page.getByRole('tablist', { name: 'Run views' }).first();
}

/** Axe over the whole page, with the run's views scrolled into the screenshot. */
async function checkViews(page: Page, label: string) {
  await views(page).evaluate((tabs) => tabs.scrollIntoView({ block: 'start' }));
  await checkA11y(page, label);
}

/** The run state shown on the node `slug` of the run's graph (with that status, when given). */
function nodeState(page: Page, slug: string, status?: string) {
  const withStatus = status ? `[data-status="${status}"]` : '';
  return page
    .locator(`.run-graph [data-testid="graph-node"][data-slug="${slug}"] [data-testid="run-node-state"]${withStatus}`)
    .first();
}

async function runTemplate(page: Page, templateId = TEMPLATE_ID): Promise<string> {
  const template = page.locator(`[data-testid="template-item"][data-template-id="${templateId}"]`);
  await template.getByRole('button', { name: 'Use template' }).click();
  await page.locator('[data-testid="json-editor"] .cm-content').waitFor();
  return startRun(page);
}

describe.skipIf(!chromiumPath)('the run inspector: graph and timeline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each<ColorScheme>(['light', 'dark'])(
    'shows a run live on its graph and its timeline, and a node opens its step (%s)',
    async (colorScheme) => {
      const { context, page, errors } = await openCheckedPage(browser, { colorScheme });
      try {
        const runId = await runTemplate(page);
        await views(page).getByRole('tab', { name: 'Graph' }).click();
        // Opened while the run waits its 2 s: the last step has not run yet, and turns completed by itself.
        expect(await nodeState(page, 'digest').getAttribute('data-status', { timeout: 10_000 })).toBe('pending');
        await waitForRunStatus(page, runId, 'completed');
        for (const slug of ['start', 'customers', 'each_customer', 'line', 'pause', 'digest'])
          await nodeState(page, slug, 'completed').waitFor({ timeout: 30_000 });
        const [done, total] = (await nodeState(page, 'each_customer').getAttribute('data-iterations'))!
          .split('/')
          .map(Number);
        expect(total).toBeGreaterThan(0);
        expect(done).toBe(total);
        await page.locator('.run-graph [data-testid="graph-canvas"][data-layout="elk"]').waitFor({ timeout: 20_000 });
        await page.waitForTimeout(400); // the fit's animation
        await checkViews(page, `inspector-graph-${colorScheme}`);

        // A click on a node opens that step's inspector beside the graph.
        await page.locator('.run-graph [data-testid="graph-node"][data-slug="pause"]').first().click();
        const inspector = page.getByTestId('step-inspector');
        await expect.poll(() => inspector.getAttribute('data-step-key')).toBe(`${runId}:pause@`);
        // From the keyboard: the canvas takes focus, the arrows move the selection, Enter opens the step.
        await page.locator('.run-graph [data-testid="graph-canvas"]').focus();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await expect.poll(() => inspector.getAttribute('data-step-key')).toBe(`${runId}:digest@`);

        await views(page).getByRole('tab', { name: 'Timeline' }).click();
        const timeline = runLocator(page, runId).getByTestId('run-timeline');
        await timeline.waitFor();
        const sleep = timeline.locator('[data-slug="pause"] [data-kind="sleep"]');
        expect(await sleep.getAttribute('aria-label')).toMatch(/^Short durable wait: sleep, 2\.\d s$/);
        expect(await timeline.getByText('iteration 1 of each_customer').count()).toBe(1);
        expect(await timeline.locator('[data-slug="line"] .run-timeline-bar').count()).toBeGreaterThan(0);
        await checkViews(page, `inspector-timeline-${colorScheme}`);

        // A phone's width: both views stay usable.
        await page.setViewportSize({ width: 390, height: 800 });
        await checkViews(page, `inspector-timeline-${colorScheme}-390`);
        await views(page).getByRole('tab', { name: 'Graph' }).click();
        await page.locator('.run-graph [data-testid="graph-canvas"]').waitFor();
        await page.waitForTimeout(400);
        await checkViews(page, `inspector-graph-${colorScheme}-390`);
        if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it('draws parallel branches side by side, in lanes of their own, with the LLM rounds on the demo model', async () => {
    const { context, page, errors } = await openCheckedPage(browser, { colorScheme: 'light' });
    try {
      const runId = await runTemplate(page, 'parallel-analysis');
      await waitForRunStatus(page, runId, 'completed');
      await views(page).getByRole('tab', { name: 'Graph' }).click();
      for (const slug of ['lookup', 'analyses', 'risk_analyst', 'value_analyst', 'summary'])
        await nodeState(page, slug, 'completed').waitFor();
      await views(page).getByRole('tab', { name: 'Timeline' }).click();
      const timeline = runLocator(page, runId).getByTestId('run-timeline');
      await timeline.waitFor();
      expect(await timeline.getByText('branch risk of analyses').count()).toBe(1);
      expect(await timeline.getByText('branch value of analyses').count()).toBe(1);
      // The two analysts ran at once: their bars overlap on the shared axis.
      const span = async (slug: string) => {
        const box = (await timeline.locator(`[data-slug="${slug}"] [data-kind="attempt"]`).first().boundingBox())!;
        return [box.x, box.x + box.width];
      };
      const [riskFrom, riskTo] = await span('risk_analyst');
      const [valueFrom, valueTo] = await span('value_analyst');
      expect(Math.max(riskFrom!, valueFrom!)).toBeLessThanOrEqual(Math.min(riskTo!, valueTo!) + 2);
      expect(
        await timeline.locator('[data-slug="summary"] [data-kind="attempt"]').first().getAttribute('aria-label'),
      ).toMatch(/^Summary: attempt 1 of round 1, succeeded, \d/);
      await checkViews(page, 'inspector-timeline-parallel');
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    } finally {
      await context.close();
    }
  }, 120_000);
});
