import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { headerCommand, waitForRunStatus } from './app';
import { checkA11y, openCheckedPage, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

/** A template that runs to the end on the demo model, with one input. */
const TEMPLATE_ID = 'weather-outfit-chain';

const PASTED = `export default {
  workflowConfig: { name: 'Pasted for the preview', description: 'Relaxed JSON, as docs print it' },
  stepsConfig: [
    { stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} },
  ],
};`;

async function closeDialog(page: Page, name: string) {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name }).waitFor({ state: 'detached' });
}

/** Every main screen, in the order a new user meets them, each checked by axe (and photographed). */
async function visitMainScreens(page: Page, label: string) {
  await checkA11y(page, `${label}-library`);
  const template = page.locator(`[data-testid="template-item"][data-template-id="${TEMPLATE_ID}"]`);
  await template.getByRole('button', { name: 'Use template' }).click();
  await page.locator('[data-testid="json-editor"] .cm-content').waitFor();
  await page.getByText('No problems').waitFor();
  await checkA11y(page, `${label}-workflow-json`);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const runDialog = page.getByRole('dialog');
  await runDialog.getByRole('button', { name: 'Start run' }).waitFor();
  await checkA11y(page, `${label}-run-dialog`);
  await runDialog.getByRole('button', { name: 'Start run' }).click();
  const detail = page.locator('.run-detail').first();
  await detail.waitFor();
  await waitForRunStatus(page, (await detail.getAttribute('data-run-id'))!, 'completed');
  await checkA11y(page, `${label}-runs-tab`);

  await (await headerCommand(page, 'button', 'Settings')).click();
  await page.getByRole('dialog', { name: 'Settings' }).waitFor();
  await checkA11y(page, `${label}-settings`);
  await closeDialog(page, 'Settings');

  await (await headerCommand(page, 'button', 'Tables')).click();
  await page.getByRole('dialog', { name: 'Tables' }).getByRole('table').first().waitFor();
  await checkA11y(page, `${label}-tables`);
  await closeDialog(page, 'Tables');

  await (await headerCommand(page, 'button', 'Paste JSON')).click();
  const paste = page.getByRole('dialog', { name: 'Paste JSON' });
  await paste.getByRole('textbox').fill(PASTED);
  await paste.getByRole('button', { name: 'Preview import' }).click();
  const preview = page.getByRole('dialog', { name: 'Import preview' });
  await preview.getByText('Converted from relaxed JSON', { exact: false }).waitFor();
  await checkA11y(page, `${label}-import-preview`);
}

const PASSES: Array<{ colorScheme: ColorScheme; width: number; height: number }> = [
  { colorScheme: 'light', width: 1280, height: 800 },
  { colorScheme: 'dark', width: 1280, height: 800 },
  { colorScheme: 'dark', width: 390, height: 844 },
];

describe.skipIf(!chromiumPath)('accessibility: axe on every main screen, light and dark', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(PASSES)(
    'no serious or critical violation ($colorScheme, $width px)',
    async ({ colorScheme, width, height }) => {
      const { context, page, errors } = await openCheckedPage(browser, { colorScheme, width, height });
      try {
        await page.waitForFunction((scheme) => document.documentElement.dataset.theme === scheme, colorScheme);
        if (width < 720) await page.getByRole('button', { name: 'Use template' }).first().waitFor();
        await visitMainScreens(page, `${colorScheme}-${width}`);
        if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
