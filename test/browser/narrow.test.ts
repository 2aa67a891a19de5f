import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerCommand, runLocator, waitForRunStatus } from './app';
import { checkA11y, openCheckedPage } from './axe';
import { chromiumPath, launch } from './browser';

const WIDTH = 390;
const HEIGHT = 844;

/** Nothing wider than the screen: no sideways scrolling, no column squeezed to nothing. */
async function expectFits(page: Page, where: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${where}: the page lays out ${width} px wide`).toBeLessThanOrEqual(WIDTH);
}

describe.skipIf(!chromiumPath)(`a narrow screen (${WIDTH}×${HEIGHT})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens a template, runs it on the demo model, approves and sees it complete, all within the width', async () => {
    const { context, page, errors } = await openCheckedPage(browser, {
      colorScheme: 'light',
      width: WIDTH,
      height: HEIGHT,
    });
    try {
      await expectFits(page, 'library');
      await checkA11y(page, 'narrow-library');
      const template = page.locator('[data-testid="template-item"][data-template-id="approval-before-update"]');
      await template.getByRole('button', { name: 'Use template' }).click();
      const editor = page.getByTestId('json-editor');
      await editor.locator('.cm-content').waitFor();
      // The editor gets the width of the screen, not a sliver of it.
      expect((await editor.boundingBox())!.width).toBeGreaterThan(WIDTH - 40);
      await expectFits(page, 'workflow');
      await checkA11y(page, 'narrow-workflow-json');

      // The library is behind the header's button once a workflow is open; choosing one closes it.
      const library = page.getByRole('button', { name: 'Library' });
      await library.click();
      const item = page.locator('[data-testid="workflow-item"]').first();
      await item.waitFor();
      await expectFits(page, 'library panel');
      await item.click();
      await item.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Start run' }).waitFor();
      // The form fits in the dialog too: no sideways scrolling inside it either.
      const fits = await dialog.locator('.dialog-body').evaluate((body) => body.scrollWidth <= body.clientWidth);
      expect((await dialog.boundingBox())!.width).toBeLessThanOrEqual(WIDTH);
      expect(fits).toBe(true);
      await checkA11y(page, 'narrow-run-dialog');
      await dialog.getByRole('button', { name: 'Start run' }).click();
      const detail = page.locator('.run-detail').first();
      await detail.waitFor();
      const runId = (await detail.getAttribute('data-run-id'))!;

      await waitForRunStatus(page, runId, 'waiting');
      const approve = runLocator(page, runId).getByRole('button', { name: 'Approve' });
      await approve.scrollIntoViewIfNeeded();
      await expectFits(page, 'waiting run');
      await checkA11y(page, 'narrow-run-waiting');
      await approve.click();
      await waitForRunStatus(page, runId, 'completed');
      await expectFits(page, 'completed run');
      await checkA11y(page, 'narrow-run-completed');

      // Tables and Settings open within the width too (a wide table scrolls inside its own box).
      for (const name of ['Tables', 'Settings']) {
        await (await headerCommand(page, 'button', name)).click();
        const opened = page.getByRole('dialog', { name });
        await opened.waitFor();
        expect((await opened.boundingBox())!.width, name).toBeLessThanOrEqual(WIDTH);
        await expectFits(page, name);
        await checkA11y(page, `narrow-${name.toLowerCase()}`);
        await page.keyboard.press('Escape');
        await opened.waitFor({ state: 'detached' });
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
