import type { BrowserContext } from 'playwright-core';
import { ROWS_PER_CHUNK } from '../src/store/batches';
import { openSeedingPage, scrollThrough, timeUntil } from './inspectorBench';

/**
 * An experiment's results table at scale, in the real app build: 10,000 rows × 2 variants (20,000 finished
 * cells with outputs and verdicts) seeded straight into IndexedDB, then opened, scrolled through and sorted.
 */
export interface ResultsFigures {
  /** Opening the experiment's address → its first results row drawn with its output. */
  openMs: number;
  scrollLongTasks: number;
  scrollLongestTaskMs: number;
  /** Rows in the DOM at the end of the scroll (a window, not 10,000). */
  rowsDrawn: number;
  /** Pressing a column's sort → the sorted first row drawn (every row read and ordered). */
  sortMs: number;
  rows: number;
  cells: number;
}

const ROWS = 10_000;
const BATCH_ID = 'bench-results';

interface SeedRequest {
  batchId: string;
  workflowId: string;
  rows: number;
  rowsPerChunk: number;
  now: number;
}

/** Writes the batch, its rows and every cell in the page (self-contained: `page.evaluate` runs it). */
async function seedExperimentInPage(request: SeedRequest): Promise<void> {
  const { batchId, workflowId, rows, rowsPerChunk, now } = request;
  const variants = [
    { id: 'a', label: 'Model A' },
    { id: 'b', label: 'Model B' },
  ];
  const evaluators = [{ id: 'label', label: 'Has a label', kind: 'regex', path: 'label', pattern: '\\w' }];
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const opening = indexedDB.open('tabflow');
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const write = (store: string, records: object[]) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite');
      for (const record of records) tx.objectStore(store).put(record);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  const row = (i: number) => ({
    text: `review ${i}: ${i % 3 === 0 ? 'awful' : 'lovely'} product`,
    expected: 'positive',
  });
  const chunks: object[] = [];
  for (let first = 0; first < rows; first += rowsPerChunk)
    chunks.push({
      batchId,
      rowIndex: first,
      rows: Array.from({ length: Math.min(rowsPerChunk, rows - first) }, (_, k) => row(first + k)),
    });
  const cells: object[] = [];
  for (let i = 0; i < rows; i++)
    variants.forEach((variant, v) => {
      const key = `${batchId}.r${i}.v${v}`;
      cells.push({
        key,
        batchId,
        rowIndex: i,
        variantIndex: v,
        variantId: variant.id,
        status: 'completed',
        attempt: 0,
        runId: key,
        output: { label: i % 3 === 0 ? 'negative' : 'positive', score: { value: (i * 7919 + v) % 1000 } },
        tokens: 40 + (i % 17),
        costUsd: v === 0 ? 0 : 0.0001 * (1 + (i % 5)),
        latencyMs: 200 + ((i * 104_729 + v * 31) % 2_000), // as `seededLatency` for v = 0
        evaluations: [{ evaluatorId: 'label', pass: i % 11 !== 0, reason: i % 11 === 0 ? 'no label' : '' }],
        startedAt: now - 60_000,
        finishedAt: now,
      });
    });
  const counts = { queued: 0, running: 0, waiting: 0, completed: cells.length, failed: 0, cancelled: 0 };
  const spec = {
    name: 'Bench: 10,000 rows',
    workflowId,
    source: { kind: 'list', column: 'text' },
    mapping: { text: 'text' },
    variants,
    evaluators,
  };
  await write('batches', [
    {
      id: batchId,
      name: spec.name,
      workflowId,
      spec,
      variantWorkflows: [],
      columns: ['text', 'expected'],
      rowCount: rows,
      status: 'completed',
      counts,
      totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
      concurrency: 4,
      createdAt: now - 60_000,
      updatedAt: now,
      finishedAt: now,
    },
  ]);
  await write('batchRows', chunks);
  for (let i = 0; i < cells.length; i += 5_000) await write('batchCells', cells.slice(i, i + 5_000));
  db.close();
}

/** Variant A's latency of row `i`, as seeded. */
const seededLatency = (i: number) => 200 + ((i * 104_729) % 2_000);

function lowestLatencyRow(rows: number): number {
  let best = 0;
  for (let i = 1; i < rows; i++) if (seededLatency(i) < seededLatency(best)) best = i;
  return best;
}

const firstRowDrawn = (rowIndex: number) => `[role="table"] [data-row-index="${rowIndex}"] a`;

export async function measureResults(context: BrowserContext, appUrl: string): Promise<ResultsFigures> {
  const { page, workflowId } = await openSeedingPage(context, appUrl);
  const seed = { batchId: BATCH_ID, workflowId, rows: ROWS, rowsPerChunk: ROWS_PER_CHUNK, now: Date.now() };
  await page.evaluate(seedExperimentInPage, seed);
  await page.goto(appUrl);
  await page.getByTestId('template-item').first().waitFor();
  await page.waitForTimeout(1_500);
  // The experiment screen's chunk is loaded once first (a person opening it twice would not wait for it again).
  await page.evaluate((id) => (location.hash = `#/experiments/${id}`), BATCH_ID);
  await page.locator(firstRowDrawn(0)).first().waitFor({ timeout: 60_000 });
  await page.evaluate(() => (location.hash = '#/'));
  await page.getByTestId('template-item').first().waitFor();
  await page.waitForTimeout(1_000);

  const openMs = await timeUntil(
    page,
    () => page.evaluate((id) => void (location.hash = `#/experiments/${id}`), BATCH_ID),
    firstRowDrawn(0),
  );
  // The charts above the table read every cell once when the screen opens: the scroll starts once they are drawn.
  await page.getByRole('region', { name: 'Charts' }).locator('canvas').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1_000);
  const scroll = await scrollThrough(page, '.results-scroller-long', 200);
  const rowsDrawn = await page.locator('[role="table"] [data-row-index]').count();
  await page.evaluate(() => (document.querySelector('.results-scroller-long')!.scrollTop = 0));
  await page.waitForTimeout(1_000);
  // Sorted by variant A's latency, the first row is the one `seedExperimentInPage` gave the lowest (ties: row order).
  const fastest = lowestLatencyRow(ROWS);
  const sortMs = await timeUntil(
    page,
    () => page.getByRole('button', { name: 'Sort by Model A latency (ms)' }).click(),
    `[role="table"] .results-body > [data-row-index="${fastest}"]:first-child a`,
  );
  await page.close();
  return {
    openMs,
    scrollLongTasks: scroll.count,
    scrollLongestTaskMs: scroll.longest,
    rowsDrawn,
    sortMs,
    rows: ROWS,
    cells: ROWS * 2,
  };
}

/** What `report.ts` prints of these figures. */
export interface ResultsReportFigures {
  results_open_10000_ms: number;
  results_scroll_longest_task_ms: number;
  results_sort_10000_ms: number;
}

export const RESULTS_UNITS: Record<keyof ResultsReportFigures, string> = {
  results_open_10000_ms: 'ms',
  results_scroll_longest_task_ms: 'ms',
  results_sort_10000_ms: 'ms',
};

const round = (value: number) => Math.round(value * 10) / 10;

export function resultsReportFigures(results: ResultsFigures): ResultsReportFigures {
  return {
    results_open_10000_ms: round(results.openMs),
    results_scroll_longest_task_ms: round(results.scrollLongestTaskMs),
    results_sort_10000_ms: round(results.sortMs),
  };
}

/** 10,000 rows × 2 variants: opens in under 1 s, scrolls with no long task over 50 ms, sorts in under 1 s. */
export function resultsGoals(f: ResultsReportFigures) {
  const longest = f.results_scroll_longest_task_ms;
  return [
    {
      name: 'results of 10,000 rows × 2: open < 1,000 ms, no scroll task > 50 ms',
      pass: f.results_open_10000_ms < 1000 && longest <= 50,
      detail: `${f.results_open_10000_ms.toFixed(0)} ms, longest task ${longest.toFixed(0)} ms`,
    },
    {
      name: 'results of 10,000 rows × 2: a sort by latency < 1,000 ms',
      pass: f.results_sort_10000_ms < 1000,
      detail: `${f.results_sort_10000_ms.toFixed(0)} ms`,
    },
  ];
}
