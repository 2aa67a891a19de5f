import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, set } from '../support/flows';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { axeViolations, openCheckedPage, SCREENSHOT_DIR, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

/**
 * The run timeline's time axis on real runs (one of about 90 ms, a template's on the demo model of about 2 s):
 * at 420 and 1280 px, light and dark, opened at one width and resized to the other, fitted and zoomed in, no two
 * axis labels' boxes intersect. Screenshots in test-results/timeline/.
 */
const shots = resolve(SCREENSHOT_DIR, 'timeline');
/** The least space between two labels' text that still reads as two labels. */
const MIN_GAP_PX = 4;

interface Box {
  text: string;
  left: number;
  right: number;
}

/** The axis labels shown, left to right, as the browser lays them out. */
function axisLabels(page: Page, runId: string): Promise<Box[]> {
  return runLocator(page, runId)
    .locator('.run-timeline-axis .run-timeline-tick')
    .evaluateAll((ticks) =>
      ticks
        .map((tick) => {
          const range = document.createRange();
          range.selectNodeContents(tick);
          const box = range.getBoundingClientRect();
          return { text: tick.textContent ?? '', left: box.left, right: box.right };
        })
        .sort((a, b) => a.left - b.left),
    );
}

async function expectNoOverlap(page: Page, runId: string, where: string) {
  // The axis measures its track once laid out: give the resize a frame or two.
  await page.waitForTimeout(150);
  const labels = await axisLabels(page, runId);
  expect(labels.length, `${where}: labels ${JSON.stringify(labels)}`).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < labels.length; i++) {
    const [before, after] = [labels[i - 1]!, labels[i]!];
    // Apart by a few px at least: labels that merely touch read as one ("100 ms150 ms").
    const apart = after.left - before.right;
    expect(apart, `${where}: "${before.text}" and "${after.text}" (${JSON.stringify(labels)})`).toBeGreaterThanOrEqual(
      MIN_GAP_PX,
    );
  }
  // Every label within the timeline's box (none cut off at the end).
  const scroller = (await runLocator(page, runId).locator('.run-timeline-scroll').boundingBox())!;
  const zoomed = await runLocator(page, runId).getByRole('button', { name: 'Zoom out' }).isEnabled();
  if (!zoomed) expect(labels.at(-1)!.right, where).toBeLessThanOrEqual(scroller.x + scroller.width);
}

async function shoot(page: Page, runId: string, name: string) {
  mkdirSync(shots, { recursive: true });
  await runLocator(page, runId).getByTestId('run-timeline').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(shots, `${name}.png`) });
}

const wait = (slug: string, durationMs: number) => ({
  stepSlug: slug,
  name: slug,
  stepType: 'wait',
  config: { durationMs },
});
const QUICK = chain('Quick waits', [set('a', { n: 1 }), wait('short', 40), set('b', { n: 2 }), wait('shorter', 45)]);

/** Opens the run's timeline at 1280 px, then at 420 px and back, zoomed in step by step, then reloaded at 420 px. */
async function checkTimeline(page: Page, runId: string, label: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await runLocator(page, runId).getByRole('tab', { name: 'Timeline' }).click();
  await runLocator(page, runId).getByTestId('run-timeline').waitFor();
  for (const width of [1280, 420, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoOverlap(page, runId, `${label}, ${width} px, fitted`);
    await shoot(page, runId, `timeline-${label}-${width}`);
    const zoomIn = runLocator(page, runId).getByRole('button', { name: 'Zoom in' });
    for (const zoom of [2, 4, 8]) {
      await zoomIn.click();
      await expectNoOverlap(page, runId, `${label}, ${width} px, ${zoom}×`);
    }
    if (width === 420) await shoot(page, runId, `timeline-${label}-${width}-zoomed`);
    await runLocator(page, runId).getByRole('button', { name: 'Fit to run' }).click();
  }
  // Opened at the narrow width from the start (no resize on the way).
  await page.setViewportSize({ width: 420, height: 900 });
  await page.reload();
  await runLocator(page, runId).getByTestId('run-timeline').waitFor();
  await expectNoOverlap(page, runId, `${label}, 420 px, after a reload`);
  expect(await axeViolations(page, '.run-timeline')).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(!chromiumPath)('the run timeline’s time axis', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each<ColorScheme>(['light', 'dark'])(
    'labels never overlap at 420 and 1280 px, fitted or zoomed (%s)',
    async (colorScheme) => {
      const { context, page, errors } = await openCheckedPage(browser, { colorScheme, width: 1280, height: 900 });
      try {
        // A run of about 90 ms (two short waits), then a template's run of about two seconds on the demo model.
        await importWorkflow(page, QUICK);
        const quick = await startRun(page);
        await waitForRunStatus(page, quick, 'completed');
        await checkTimeline(page, quick, `quick-${colorScheme}`);
        const template = page.locator('[data-testid="template-item"][data-template-id="weather-outfit-chain"]');
        await template.getByRole('button', { name: 'Use template' }).click();
        await page.locator('[data-testid="json-editor"] .cm-content').waitFor();
        const demo = await startRun(page);
        await waitForRunStatus(page, demo, 'completed');
        await checkTimeline(page, demo, `demo-${colorScheme}`);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );
});
