import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { checkA11y, openCheckedPage, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

const SHOTS = 'test-results';

const workflow = (prompt: string): WorkflowFile =>
  ({
    workflowConfig: { name: 'Two tabs' },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'ask' },
      },
      {
        stepSlug: 'ask',
        name: 'Ask',
        stepType: 'llm',
        config: { llmNode: { name: 'ask', model: 'demo', userPrompt: prompt, tools: [] } },
        nextSteps: {},
      },
    ],
  }) as WorkflowFile;

const text = (prompt: string) => JSON.stringify(workflow(prompt), null, 2);

async function openWorkflow(page: Page): Promise<void> {
  await page.locator('[data-testid="workflow-item"][data-workflow-name="Two tabs"]').click();
  await page.locator('[data-testid="json-editor"] .cm-content').waitFor();
}

/** Replaces the whole editor text, as a paste would. */
async function typeText(page: Page, value: string): Promise<void> {
  await page.locator('[data-testid="json-editor"] .cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(value);
}

const editorText = (page: Page) => page.locator('[data-testid="json-editor"] .cm-content').innerText();
const banner = (page: Page) => page.getByRole('alert', { name: 'Changed in another tab' });
const saveStatus = (page: Page) => page.getByTestId('save-status');

describe.skipIf(!chromiumPath)('two tabs editing one workflow', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Both schemes: axe checks the conflict banner and the versions panel in each.
  it.each<ColorScheme>(['light', 'dark'])(
    '(%s) an edit in one tab shows in the other; both edit: the second gets the choice, nothing is lost',
    async (colorScheme) => {
      const { page: first, context } = await openCheckedPage(browser, { colorScheme });
      await importWorkflow(first, workflow('Original prompt'));
      await openWorkflow(first);
      const second = await context.newPage();
      await second.clock.install();
      await second.goto(first.url());
      await openWorkflow(second);

      // One tab edits: the other, with nothing unsaved, shows the edit by itself.
      await typeText(first, text('Edited in the first tab'));
      await expect.poll(() => saveStatus(first).innerText()).toBe('Saved');
      await expect.poll(() => editorText(second), { timeout: 10_000 }).toContain('Edited in the first tab');
      await expect.poll(() => saveStatus(second).innerText()).toBe('Saved');

      // Both edit before either has seen the other's save. The second tab's clock stands still meanwhile,
      // so its save (400 ms after its last keystroke) comes second, whatever the machine's speed.
      await second.clock.pauseAt(new Date(Date.now() + 60_000));
      await typeText(second, text('Second tab wording'));
      await typeText(first, text('First tab wording'));
      await first.keyboard.press('ControlOrMeta+S');
      await expect.poll(() => saveStatus(first).innerText()).toBe('Saved');
      await second.clock.resume();
      await banner(second).waitFor({ timeout: 10_000 });
      expect(await saveStatus(second).innerText()).toBe('Changed in another tab');
      expect(await editorText(second)).toContain('Second tab wording');
      expect(await banner(first).count()).toBe(0);
      const [loser, winner, mine, theirs] = [second, first, 'Second tab wording', 'First tab wording'];

      await banner(loser).getByRole('button', { name: 'See both' }).click();
      const both = banner(loser).getByRole('region', { name: 'Changes from theirs to yours' });
      await expect.poll(() => both.innerText()).toContain(theirs);
      expect(await both.innerText()).toContain(mine);
      await loser.screenshot({ path: `${SHOTS}/two-tabs-conflict-banner-${colorScheme}.png` });
      await checkA11y(loser, `conflict-banner-${colorScheme}`);

      // Keep mine: saved on top, and the other tab (idle) shows it at once; theirs stays a version.
      await banner(loser).getByRole('button', { name: 'Keep mine' }).click();
      await expect.poll(() => banner(loser).count()).toBe(0);
      await expect.poll(() => saveStatus(loser).innerText()).toBe('Saved');
      await expect.poll(() => editorText(winner), { timeout: 10_000 }).toContain(mine);

      await winner.getByRole('button', { name: 'Versions' }).click();
      const dialog = winner.getByRole('dialog', { name: 'Versions of Two tabs' });
      const newest = dialog.locator('[data-version-seq="4"]');
      await expect.poll(() => newest.innerText()).toContain('kept over another tab');
      const diff = dialog.getByRole('region', { name: /^Changes from version 3 to version 4/ });
      await expect.poll(() => diff.innerText()).toContain(theirs);
      expect(await diff.innerText()).toContain(mine);
      await winner.screenshot({ path: `${SHOTS}/versions-panel-${colorScheme}.png` });
      await checkA11y(winner, `versions-panel-${colorScheme}`);

      // A run records the version it ran, and its detail links back to it.
      await winner.keyboard.press('Escape');
      const runId = await startRun(winner);
      await waitForRunStatus(winner, runId, 'completed');
      await runLocator(winner, runId).getByRole('button', { name: 'ran version 4' }).click();
      await expect.poll(() => dialog.locator('.version-focused').getAttribute('data-version-seq')).toBe('4');
      await context.close();
    },
    60_000,
  );
});
