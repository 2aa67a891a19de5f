import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { buildExportFile, exportText } from '../src/schema/exporter';
import { buildShareLink } from '../src/schema/share';
import { parallelLlm } from './workflows';
import { initialChunks } from './chunkGraph';

/** Measures taken in the real app (the product build), as a person would use it. */

/** The demo pace the stream figure asks for; the product reads it only once the proposed setting exists. */
export const DEMO_TOKENS_PER_SECOND = 200;
export const DEMO_PACE_SETTING = 'demoTokensPerSecond';
const STREAM_WORKFLOW = 'Bench: four agents streaming';

/**
 * Waits until the library has loaded (a list or its empty note, not "Loading…"): the first screen is
 * usable. Returns when that happened, in ms since the epoch, as the page saw it.
 */
async function libraryShown(page: Page): Promise<number> {
  const shownAt = await page.waitForFunction(
    () => {
      const sidebar = document.querySelector('nav.sidebar');
      if (!sidebar) return false;
      const shown =
        sidebar.querySelector('.workflow-list') !== null ||
        !/Loading/.test(sidebar.querySelector('.sidebar-note')?.textContent ?? 'Loading');
      return shown && performance.timeOrigin + performance.now();
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await shownAt.jsonValue()) as number;
}

export interface InitialJs {
  /** The first screen's own scripts: index.html's entry and everything it imports statically (its modulepreloads). */
  gzipBytes: number;
  files: Array<{ url: string; bytes: number; gzipBytes: number }>;
  /**
   * Not counted: the executor worker's script. The page starts it once it is running, so whether its request falls
   * before the first screen is a matter of timing.
   */
  workerGzipBytes: number;
}

const gzipSize = (body: Buffer) => gzipSync(body, { level: 9 }).length;

/**
 * The first screen's JavaScript, read from the build: index.html's module entry and modulepreloads and,
 * transitively, every chunk they import statically — the scripts the page must load before it can show
 * anything. Lazy chunks and workers are left out by construction, so the figure does not depend on
 * which request happens to start early.
 */
export function measureInitialJs(distDir: string): InitialJs {
  const files = initialChunks(distDir).map((path) => {
    const body = readFileSync(join(distDir, decodeURIComponent(path)));
    return { url: path, bytes: body.length, gzipBytes: gzipSize(body) };
  });
  const worker = readdirSync(join(distDir, 'assets')).find((name) => /^executor\.worker-.*\.js$/.test(name));
  return {
    gzipBytes: files.reduce((total, f) => total + f.gzipBytes, 0),
    files,
    workerGzipBytes: worker ? gzipSize(readFileSync(join(distDir, 'assets', worker))) : 0,
  };
}

/** Writes an app setting straight into the app's IndexedDB (read by a worker that starts afterwards). */
async function putSetting(page: Page, key: string, value: unknown): Promise<void> {
  await page.evaluate(
    async ({ key, value }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('tabflow');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('settings', 'readwrite');
        tx.objectStore('settings').put({ key, value });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { key, value },
  );
}

/** Collects main-thread long tasks from the first moment of every page of this context. */
const LONG_TASK_OBSERVER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
`;

export interface StreamFigure {
  longTasks: number;
  longestTaskMs: number;
  windowMs: number;
  /** Each long task: when it started (ms after "Start run" was pressed) and how long it took. */
  tasks: Array<{ atMs: number; ms: number }>;
  /** Streamed tokens per second of each LLM round, as recorded (words × 1.3 over the attempt's time). */
  observedTokensPerSecond: number[];
}

/**
 * Four LLM steps streaming at once on the demo model, the run detail open: long tasks on the main
 * thread from pressing "Start run" until the run shows completed.
 */
export async function measureStreaming(context: BrowserContext, appUrl: string): Promise<StreamFigure> {
  const setup = await context.newPage();
  await setup.goto(appUrl);
  await libraryShown(setup);
  await putSetting(setup, DEMO_PACE_SETTING, DEMO_TOKENS_PER_SECOND);
  await setup.close(); // its worker ends: the next page's worker starts after the setting is written

  const page = await context.newPage();
  await page.addInitScript(LONG_TASK_OBSERVER);
  const doc = parallelLlm(STREAM_WORKFLOW);
  await page.goto(await buildShareLink(exportText(buildExportFile(doc, () => undefined)), appUrl));
  await page
    .getByRole('dialog', { name: 'Import preview' })
    .getByRole('button', { name: 'Import', exact: true })
    .click();
  await page.locator(`[data-testid="workflow-item"][data-workflow-name="${STREAM_WORKFLOW}"]`).waitFor();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const from = await page.evaluate(() => performance.now());
  await page.getByRole('dialog').getByRole('button', { name: 'Start run' }).click();
  const detail = page.locator('.run-detail').first();
  await detail.waitFor();
  const runId = (await detail.getAttribute('data-run-id'))!;
  const run = page.locator(`.run-detail[data-run-id="${runId}"]`);
  await page
    .locator(
      ['completed', 'failed', 'cancelled']
        .map((s) => `.run-detail[data-run-id="${runId}"][data-run-status="${s}"]`)
        .join(', '),
    )
    .waitFor({ timeout: 120_000 });
  const to = await page.evaluate(() => performance.now());
  const status = await run.getAttribute('data-run-status');
  if (status !== 'completed')
    throw new Error(
      `the streaming run ended ${status}: ${await run
        .locator('.run-error')
        .textContent()
        .catch(() => '')}`,
    );
  const tasks = (
    await page.evaluate(
      () => (window as unknown as { __longTasks: Array<{ start: number; duration: number }> }).__longTasks,
    )
  ).filter((t) => t.start >= from && t.start <= to);
  const observedTokensPerSecond = await roundPaces(page, runId);
  await page.close();
  return {
    longTasks: tasks.length,
    longestTaskMs: tasks.reduce((max, t) => Math.max(max, t.duration), 0),
    windowMs: to - from,
    tasks: tasks.map((t) => ({ atMs: Math.round(t.start - from), ms: Math.round(t.duration) })),
    observedTokensPerSecond,
  };
}

/** The pace each model round streamed at, from its stored record. */
function roundPaces(page: Page, runId: string): Promise<number[]> {
  return page.evaluate(async (runId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    type RoundRecord = {
      stepType: string;
      status: string;
      output?: { text?: unknown };
      attempts: Array<{ startedAt: number; endedAt: number }>;
    };
    const steps = await new Promise<RoundRecord[]>((resolve, reject) => {
      const range = IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
      const request = db.transaction('steps').objectStore('steps').index('[runId+seq]').getAll(range);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return steps
      .filter((s) => s.stepType === 'llm-round' && s.status === 'completed')
      .map((s) => {
        const attempt = s.attempts[s.attempts.length - 1]!;
        const words = String(s.output?.text ?? '')
          .split(/\s+/)
          .filter(Boolean).length;
        return Math.round((words * 1.3) / ((attempt.endedAt - attempt.startedAt) / 1000));
      });
  }, runId);
}
