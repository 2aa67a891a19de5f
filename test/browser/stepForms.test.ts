import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyStepWorkflow } from '../support/everyStep';
import { importWorkflow } from './app';
import { axeViolations } from './axe';
import { chromiumPath, launch, openPage } from './browser';

const SHOTS = 'test-results';

async function openStep(page: Page, slug: string) {
  await page.locator(`[data-testid="graph-node"][data-slug="${slug}"]`).click();
  await page.locator('[data-testid="step-form"]').waitFor();
}

/** Serious or critical axe findings inside the step form. */
const formViolations = (page: Page) => axeViolations(page, '[data-testid="step-form"]');

describe.skipIf(!chromiumPath)('the step forms in the app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('edit a prompt with completion from the keyboard, preview an expression, no serious axe finding', async () => {
    const { page, context, logs } = await openPage(browser);
    const file = everyStepWorkflow();
    await importWorkflow(page, file);
    await page.locator(`[data-testid="workflow-item"][data-workflow-name="${file.workflowConfig.name}"]`).click();
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.locator('[data-testid="graph-canvas"][data-state="ready"]').waitFor();

    await openStep(page, 'review');
    const question = page.getByLabel('Question', { exact: true });
    await question.click();
    await question.press('End');
    await page.keyboard.type(' {{steps.cl');
    const list = page.getByRole('listbox', { name: 'Completions for Question' });
    await list.waitFor();
    expect(await list.getByRole('option').allInnerTexts()).toEqual([expect.stringContaining('steps.classify.output')]);
    await page.screenshot({ path: `${SHOTS}/forms-completion.png` });
    expect(await formViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await question.inputValue()).toBe('Approve {{input.customerId}}? {{steps.classify.output}}');

    await openStep(page, 'route');
    const preview = page.locator('.form-preview-value');
    await preview.waitFor();
    expect(await preview.innerText()).toBe(
      'Evaluates to false — the rule does not match (no finished run yet: empty data)',
    );
    await page.getByLabel('Rule 1: when', { exact: true }).fill('steps.classify.output.label =');
    await page.locator('.form-preview-error').waitFor();
    await page.screenshot({ path: `${SHOTS}/forms-condition-preview.png` });
    expect(await formViolations(page)).toEqual([]);
    await openStep(page, 'classify');
    await page.screenshot({ path: `${SHOTS}/forms-llm.png` });
    expect(await formViolations(page)).toEqual([]);
    await page.getByLabel('Theme').selectOption('dark');
    await openStep(page, 'notify');
    await page.screenshot({ path: `${SHOTS}/forms-action-dark.png` });
    expect(await formViolations(page)).toEqual([]);
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });
});
