import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { buildExportFile, exportText } from '../../src/schema/exporter';
import { buildShareLink } from '../../src/schema/share';
import { checkA11y, openCheckedPage, SCREENSHOT_DIR, type ColorScheme } from './axe';
import { baseUrl, chromiumPath, launch } from './browser';

/**
 * Setting up an experiment as a person would: a CSV with a bad row is refused with the row and column named,
 * the fixed file previews and starts, and the experiment's screen follows the batch on the demo model to done.
 * In the light and dark themes and on a 420 px screen, each screen checked with axe and photographed.
 */

const NARROW = 420;
const WORKFLOW_NAME = 'Haiku per topic';

const workflow = {
  workflowConfig: {
    name: WORKFLOW_NAME,
    config: {
      inputSchema: {
        type: 'object',
        properties: { topic: { type: 'string' }, lines: { type: 'integer' } },
        required: ['topic', 'lines'],
      },
    },
  },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'write' },
    },
    {
      stepSlug: 'write',
      name: 'Write',
      stepType: 'llm',
      config: {
        llmNode: {
          name: 'poet',
          model: 'demo-1',
          provider: 'demo',
          userPrompt: 'Write {{input.lines}} lines about {{input.topic}}',
          tools: [],
        },
      },
    },
  ],
} as unknown as WorkflowFile;

const GOOD_CSV = 'Topic,lines\nowls,03\nrain,2\n"tea, green",3\nfoxes,1\n';
const BAD_CSV = 'Topic,lines\nowls,3\nrain,two\n"tea, green",3\nfoxes,1\n';

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(150);
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `experiment-setup-${name}.png`), fullPage: true });
}

async function chooseFile(page: Page, text: string): Promise<void> {
  const setup = page.getByRole('form', { name: 'Experiment setup' });
  await setup.getByLabel('Rows file (CSV or JSON)').setInputFiles({
    name: 'topics.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(text),
  });
}

/** Imports through a share link and waits for the workflow to open (on a narrow screen the sidebar is hidden). */
async function importAndOpen(page: Page, doc: WorkflowFile): Promise<void> {
  await page.goto(await buildShareLink(exportText(buildExportFile(doc, () => undefined)), baseUrl));
  await page
    .getByRole('dialog', { name: 'Import preview' })
    .getByRole('button', { name: 'Import', exact: true })
    .click();
  await page.waitForURL(/#\/w\//);
}

/** Nothing wider than the screen: no sideways scrolling. */
async function expectFits(page: Page, width: number, where: string) {
  const laidOut = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(laidOut, `${where}: the page lays out ${laidOut} px wide`).toBeLessThanOrEqual(width);
}

/** From the workflow's "Run over a table…" to a finished 4-row batch; the bad file first when `badFirst`. */
async function setUpAndRun(page: Page, label: string, options: { badFirst: boolean; width: number }) {
  await importAndOpen(page, workflow);
  await page
    .getByRole('toolbar', { name: 'Workflow actions' })
    .getByRole('link', { name: 'Run over a table…' })
    .click();
  const setup = page.getByRole('form', { name: 'Experiment setup' });
  await setup.waitFor();
  expect(page.url()).toContain('#/experiments/new/');
  const start = setup.getByRole('button', { name: /^Start/ });

  if (options.badFirst) {
    await chooseFile(page, BAD_CSV);
    const alert = setup.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      'row 2, column “lines”: “two” is not a whole number (lines wants a whole number)',
    );
    expect(await start.isDisabled()).toBe(true);
    await screenshot(page, `${label}-bad-row`);
  }
  await chooseFile(page, GOOD_CSV);
  await setup.getByText('4 rows, columns: Topic, lines').waitFor();
  expect(await setup.getByRole('alert').count()).toBe(0);
  // Mapped by name ("Topic" → topic), and the text "03" read as the number the input wants.
  expect(await setup.getByLabel(/^topic \*/).inputValue()).toBe('Topic');
  const preview = setup.getByRole('table', { name: 'The first 4 rows as they will run' });
  expect(await preview.getByRole('row').nth(1).textContent()).toBe('1owls3');
  expect(await preview.getByRole('row').nth(3).textContent()).toBe('3tea, green3');
  await setup.getByText('“lines”: 1 value read as number').waitFor();
  await checkA11y(page, `experiment-setup-${label}`);
  await expectFits(page, options.width, `${label} setup`);
  await screenshot(page, `${label}-setup`);
  await start.scrollIntoViewIfNeeded();
  await screenshot(page, `${label}-setup-variants`);

  await setup.getByRole('button', { name: 'Start 4 runs' }).click();
  await page.waitForURL(/#\/experiments\/(?!new)[^/]+$/);
  const screen = page.getByRole('region', { name: 'Haiku per topic over topics' });
  await screen.waitFor();
  // Reactive: the counts follow the batch record to the end with no reload.
  await screen.getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
  expect(await screen.getByTestId('count-done').textContent()).toBe('4');
  expect(await screen.getByTestId('count-failed').textContent()).toBe('0');
  expect(await screen.getByRole('progressbar', { name: 'Runs finished' }).getAttribute('aria-valuetext')).toBe(
    '4 of 4 runs finished (100%)',
  );
  await checkA11y(page, `experiment-${label}`);
  await expectFits(page, options.width, `${label} experiment`);
  await screenshot(page, `${label}-experiment`);

  // The list links back to it.
  await page.goto(new URL('#/experiments', baseUrl).toString());
  const list = page.getByRole('table', { name: 'Experiments' });
  await list.getByRole('link', { name: 'Haiku per topic over topics' }).waitFor();
  expect(await list.getByRole('row').nth(1).textContent()).toContain('completed');
  await checkA11y(page, `experiments-${label}`);
}

describe.skipIf(!chromiumPath)('setting up an experiment', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const cases: Array<{ label: string; colorScheme: ColorScheme; width: number; badFirst: boolean }> = [
    { label: 'light', colorScheme: 'light', width: 1280, badFirst: true },
    { label: 'dark', colorScheme: 'dark', width: 1280, badFirst: false },
    { label: 'narrow', colorScheme: 'light', width: NARROW, badFirst: true },
  ];
  for (const { label, colorScheme, width, badFirst } of cases) {
    it(`${label}: a bad row is named, the fixed file starts a batch that reaches done`, async () => {
      const { context, page, errors } = await openCheckedPage(browser, { colorScheme, width, height: 900 });
      try {
        await setUpAndRun(page, label, { badFirst, width });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
