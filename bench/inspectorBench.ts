import type { BrowserContext, Page } from 'playwright-core';
import { LONG_RUN_ID, seedRunsInPage } from '../test/support/seedRuns';

/**
 * The runs list and the run inspector at scale, in the real app build: 5,000 runs and a run of 10,000
 * steps seeded straight into IndexedDB, then opened and scrolled through as a person would.
 */
export interface InspectorFigures {
  /** Pressing the header's Runs link → the count of 5,001 runs shown and the first rows drawn. */
  runsListOpenMs: number;
  runsListScrollLongTasks: number;
  runsListScrollLongestTaskMs: number;
  /** Pressing the long run's row → its first step rows drawn. */
  runDetailOpenMs: number;
  runDetailScrollLongTasks: number;
  runDetailScrollLongestTaskMs: number;
  /** Rows in the DOM at the end of each scroll (a window, not the whole list). */
  runsListRowsDrawn: number;
  stepRowsDrawn: number;
  runs: number;
  steps: number;
}

const RUNS = 5_000;
const STEPS = 10_000;

const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

type Task = { start: number; duration: number };

async function longTasksSince(page: Page, from: number): Promise<Task[]> {
  const all = await page.evaluate(() => (window as unknown as { __longTasks: Task[] }).__longTasks);
  return all.filter((task) => task.start >= from);
}

/** Ms from a click until `selector` is drawn (and at least `minRuns` runs counted), polled each frame. */
export async function timeUntil(
  page: Page,
  click: () => Promise<void>,
  selector: string,
  minRuns = 0,
): Promise<number> {
  const from = await page.evaluate(() => performance.now());
  await click();
  const done = await page.waitForFunction(
    ({ selector, minRuns }) => {
      const count = /^(\d+) runs$/.exec(document.querySelector('[data-testid="run-count"]')?.textContent ?? '');
      const counted = minRuns === 0 || (count !== null && Number(count[1]) >= minRuns);
      return counted && document.querySelector(selector) !== null && performance.now();
    },
    { selector, minRuns },
    { polling: 'raf', timeout: 60_000 },
  );
  return ((await done.jsonValue()) as number) - from;
}

/** Scrolls a box from top to bottom in `frames` equal steps, one a frame; the long tasks meanwhile, and rows drawn. */
export async function scrollThrough(page: Page, selector: string, frames: number) {
  const from = await page.evaluate(() => performance.now());
  await page.evaluate(
    ({ selector, frames }) =>
      new Promise<void>((resolve) => {
        const box = document.querySelector<HTMLElement>(selector)!;
        let frame = 0;
        const step = () => {
          frame++;
          box.scrollTop = ((box.scrollHeight - box.clientHeight) * frame) / frames;
          if (frame < frames) requestAnimationFrame(step);
          else resolve();
        };
        requestAnimationFrame(step);
      }),
    { selector, frames },
  );
  await page.waitForTimeout(1_000);
  const tasks = await longTasksSince(page, from);
  const rows = await page.evaluate((s) => document.querySelectorAll(`${s} li`).length, selector);
  return { count: tasks.length, longest: tasks.reduce((max, task) => Math.max(max, task.duration), 0), rows };
}

/** A page of the app watching long tasks, with a workflow made from the first template (records to seed name it). */
export async function openSeedingPage(context: BrowserContext, appUrl: string) {
  const page = await context.newPage();
  await page.addInitScript(LONG_TASKS);
  // tsx keeps the names of inner functions of what is evaluated in the page through a helper the page lacks.
  await page.addInitScript('globalThis.__name ??= (target) => target');
  await page.goto(appUrl);
  await page.getByTestId('template-item').first().getByRole('button', { name: 'Use template' }).click();
  await page.waitForURL(/#\/w\/[^/]+\/json/);
  return { page, workflowId: decodeURIComponent(new URL(page.url()).hash.split('/')[2]!) };
}

export async function measureInspector(context: BrowserContext, appUrl: string): Promise<InspectorFigures> {
  const { page, workflowId } = await openSeedingPage(context, appUrl);
  const request = { workflowId, workflowName: 'Bench: seeded', runs: RUNS, steps: STEPS, now: Date.now() };
  await page.evaluate(seedRunsInPage, request);
  // Back to the start page, reloaded: the seeded records are read as any stored ones would be.
  await page.goto(appUrl);
  await page.getByTestId('template-item').first().waitFor();
  await page.waitForTimeout(1_500);

  const runsListOpenMs = await timeUntil(
    page,
    () => page.getByRole('link', { name: 'Runs', exact: true }).click(),
    `.all-runs-list [data-run-id="${LONG_RUN_ID}"]`,
    // Runs of the benches before this one are listed too.
    RUNS + 1,
  );
  await page.waitForTimeout(500);
  const listScroll = await scrollThrough(page, '.all-runs-scroller', 120);
  await page.evaluate(() => (document.querySelector('.all-runs-scroller')!.scrollTop = 0));
  await page.waitForTimeout(500);

  const runDetailOpenMs = await timeUntil(
    page,
    () => page.locator(`.all-runs-list [data-run-id="${LONG_RUN_ID}"]`).click(),
    `.step-scroller .step-row[data-step-key="${LONG_RUN_ID}:work@each[0]"]`,
  );
  await page.waitForTimeout(1_500);
  const stepScroll = await scrollThrough(page, '.step-scroller', 200);
  await page.close();
  return {
    runsListOpenMs,
    runsListScrollLongTasks: listScroll.count,
    runsListScrollLongestTaskMs: listScroll.longest,
    runDetailOpenMs,
    runDetailScrollLongTasks: stepScroll.count,
    runDetailScrollLongestTaskMs: stepScroll.longest,
    runsListRowsDrawn: listScroll.rows,
    stepRowsDrawn: stepScroll.rows,
    runs: RUNS + 1,
    steps: STEPS,
  };
}
