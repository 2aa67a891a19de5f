import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { parseCsv } from '../../src/store/tableImport';
import { countByIdempotencyKey, startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import { importWorkflow, saveLocalProvider } from './app';
import { axeViolations, SCREENSHOT_DIR } from './axe';
import { baseUrl, chromiumPath, launch, openPage } from './browser';

/**
 * The experiments' proof (issue 13, "Show, when resolving"): a 50-row batch over two variants — the demo
 * model and an OpenAI-compatible test server set up in Settings — with a pure check and an LLM judge,
 * reloaded mid-run. Every cell completes once, pass rates show, and the exported CSV matches the runs.
 */

const KEY = 'sk-experiments-KEY-5e8a1c';
const ROWS = 50;
const WORKFLOW_NAME = 'Tone check';

const workflow = {
  workflowConfig: {
    name: WORKFLOW_NAME,
    config: {
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    },
  },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual', data: { text: '{{input.text}}' } },
      nextSteps: { default: 'classify' },
    },
    {
      stepSlug: 'classify',
      name: 'Classify',
      stepType: 'llm',
      config: {
        llmNode: {
          name: 'classifier',
          model: 'gpt-4o-mini',
          systemPrompt: 'Say in one word whether the tone is positive or negative.',
          userPrompt: 'Tone of: {{trigger.data.text}}',
          tools: [],
        },
      },
      nextSteps: { success: 'shape' },
    },
    {
      stepSlug: 'shape',
      name: 'Shape',
      stepType: 'action',
      config: {
        action: 'transform',
        expression: '{ "answer": steps.classify.output, "row": trigger.data.text }',
      },
      nextSteps: {},
    },
  ],
} as unknown as WorkflowFile;

const rowText = (i: number) => `review ${i}: ${i % 3 === 0 ? 'awful, "broken"' : 'lovely product'}`;
const csvRow = (i: number) => `"${rowText(i).replaceAll('"', '""')}",positive`;
const rowsCsv = () => `text,expected\n${Array.from({ length: ROWS }, (_, i) => csvRow(i)).join('\n')}\n`;

/** Every record of an object store of the app's database, read in the page. */
function readStore<T>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tabflow');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      return await new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, store);
}

interface Cell {
  key: string;
  batchId: string;
  rowIndex: number;
  variantId: string;
  status: string;
  runId?: string;
  output?: unknown;
  tokens?: number;
  latencyMs?: number;
  evaluations?: Array<{ evaluatorId: string; pass: boolean; reason: string; judgeRunId?: string }>;
}
interface Step {
  key: string;
  runId: string;
  kind: string;
  slug: string;
  status: string;
  parentKey?: string;
}

async function cellsOf(page: Page, batchId: string): Promise<Cell[]> {
  return (await readStore<Cell>(page, 'batchCells')).filter((cell) => cell.batchId === batchId);
}

async function waitForCells(page: Page, batchId: string, done: (cells: Cell[]) => boolean, timeout: number) {
  const until = Date.now() + timeout;
  for (;;) {
    const cells = await cellsOf(page, batchId);
    if (done(cells)) return cells;
    if (Date.now() > until) throw new Error(`cells never got there: ${JSON.stringify(countStatuses(cells))}`);
    await page.waitForTimeout(250);
  }
}

const countStatuses = (cells: Cell[]) =>
  cells.reduce<Record<string, number>>((counts, c) => ({ ...counts, [c.status]: (counts[c.status] ?? 0) + 1 }), {});
const finishedAndJudged = (cells: Cell[]) =>
  cells.length === 2 * ROWS && cells.every((c) => c.status === 'completed' && c.evaluations?.length === 2);

/** Screenshots of the results table (a failed verdict's reason shown) and of the charts. */
async function screenshots(page: Page, theme: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = (name: string) => resolve(SCREENSHOT_DIR, `experiments-${name}-${theme}.png`);
  // The figures one by one: a screenshot of the whole grid of charts, taller than the screen, would show the
  // page's sticky header across it.
  const figures = page.getByRole('region', { name: 'Charts' }).locator('figure');
  for (const [index, name] of ['pass-rate', 'cost', 'latency', 'latency-distribution'].entries()) {
    await figures.nth(index).scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await figures.nth(index).screenshot({ path: path(`chart-${name}`) });
  }
  const results = page.getByRole('region', { name: 'Results' });
  await results.scrollIntoViewIfNeeded();
  await results.locator('.results-scroller').evaluate((table) => (table.scrollLeft = 0));
  await results.screenshot({ path: path('results') });
  await results.locator('[data-verdict="fail"] a').first().hover();
  await page.waitForTimeout(200);
  await results.screenshot({ path: path('verdict-reason') });
  await page.screenshot({ path: path('page') });
}

/** The setup screen, filled in as a person would: the rows file, two variants, a regex check and a judge. */
async function setUpExperiment(page: Page, workflowId: string): Promise<void> {
  await page.goto(new URL(`#/experiments/new/${encodeURIComponent(workflowId)}`, baseUrl).toString());
  const setup = page.getByRole('form', { name: 'Experiment setup' });
  await setup.getByLabel('Rows file (CSV or JSON)').setInputFiles({
    name: 'reviews.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rowsCsv()),
  });
  await setup.getByText(`${ROWS} rows, columns: text, expected`).waitFor();
  const variants = setup.getByRole('group', { name: 'Variants' });
  await variants.getByRole('button', { name: 'Add a variant' }).click();
  const [demo, local] = [variants.locator('li.experiment-card').nth(0), variants.locator('li.experiment-card').nth(1)];
  await demo.getByLabel('Name', { exact: true }).fill('Demo');
  await demo.getByLabel('Provider').selectOption({ label: 'demo (offline)' });
  await demo.getByLabel('Model', { exact: true }).fill('demo');
  await local.getByLabel('Name', { exact: true }).fill('Local');
  await local.getByLabel('Provider').selectOption({ label: 'Local server' });
  await local.getByLabel('Model', { exact: true }).fill('test-model');
  const evaluators = setup.getByRole('group', { name: 'Evaluators' });
  await evaluators.getByLabel('Check', { exact: true }).selectOption({ label: 'Matches a regex' });
  await evaluators.getByRole('button', { name: 'Add evaluator' }).click();
  const regex = evaluators.getByRole('group', { name: /^Evaluator: / }).nth(0);
  await regex.getByLabel('Name', { exact: true }).fill('Mentions the review');
  await regex.getByLabel('Output path (empty: all of it)').fill('row');
  await regex.getByLabel('Pattern (RE2)').fill('^review \\d+');
  await evaluators.getByLabel('Check', { exact: true }).selectOption({ label: 'LLM as judge' });
  await evaluators.getByRole('button', { name: 'Add evaluator' }).click();
  await evaluators
    .getByRole('group', { name: /^Evaluator: / })
    .nth(1)
    .getByLabel('Name', { exact: true })
    .fill('Judge');
  await setup.getByRole('button', { name: `Start ${2 * ROWS} runs` }).click();
}

describe.skipIf(!chromiumPath)('experiments in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    // Slow answers (about half a second each), so the reload lands in the middle of the batch.
    server = await startOpenAIServer({ chunkDelayMs: 60, apiKey: KEY });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'a 50-row batch over the demo model and a test server, with a check and a judge, survives a reload: ' +
      '100 cells each run once, pass rates shown, the CSV matches the runs',
    async () => {
      const { page, context, logs } = await openPage(browser);
      await saveLocalProvider(page, server.url, KEY);
      await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
      await importWorkflow(page, workflow);
      const workflowId = decodeURIComponent(/#\/w\/([^/]+)/.exec(page.url())![1]!);
      await setUpExperiment(page, workflowId);
      await page.waitForURL(/#\/experiments\/(?!new)[^/]+$/);
      const batchId = decodeURIComponent(/#\/experiments\/([^/]+)$/.exec(page.url())![1]!);

      // Reload with some cells done and most still to run.
      const before = await waitForCells(
        page,
        batchId,
        (cells) => cells.filter((c) => c.status === 'completed').length >= 10,
        60_000,
      );
      expect(before.filter((c) => c.status === 'completed').length).toBeLessThan(2 * ROWS);
      await page.reload();
      const cells = await waitForCells(page, batchId, finishedAndJudged, 180_000);
      console.log(`experiments: reloaded at ${countStatuses(before).completed} of ${2 * ROWS} cells done`);

      // The test server: each local cell's prompt answered exactly once (a request cut by the reload may be re-sent).
      const counts = countByIdempotencyKey(server.requests.filter((r) => r.path.endsWith('/chat/completions')));
      const prompts = Array.from({ length: ROWS }, (_, i) => `Tone of: ${rowText(i)}`);
      expect([...counts.keys()].sort()).toEqual([...prompts].sort());
      for (const prompt of prompts) expect(counts.get(prompt)!.answered, prompt).toBe(1);
      const resent = [...counts.values()].filter((c) => c.requests > 1).length;
      expect(resent).toBeLessThanOrEqual(server.closedEarly);

      // The journal: every cell's run and every judge's run completed, each step recorded once and completed.
      const runs = await readStore<{ id: string; status: string; output?: unknown }>(page, 'runs');
      const steps = await readStore<Step>(page, 'steps');
      const runById = new Map(runs.map((run) => [run.id, run]));
      const judgeRuns = cells.flatMap((c) => c.evaluations!.flatMap((e) => (e.judgeRunId ? [e.judgeRunId] : [])));
      expect(judgeRuns).toHaveLength(2 * ROWS);
      for (const runId of [...cells.map((c) => c.runId!), ...judgeRuns]) {
        expect(runById.get(runId)?.status, runId).toBe('completed');
        const own = steps.filter((s) => s.runId === runId && s.kind === 'step');
        expect(new Set(own.map((s) => s.slug)).size, runId).toBe(own.length);
        expect(
          own.every((s) => s.status === 'completed'),
          runId,
        ).toBe(true);
      }
      for (const cell of cells.filter((c) => c.variantId === cells[0]!.variantId)) {
        const rounds = steps.filter((s) => s.runId === cell.runId && s.kind === 'llm-round');
        expect(rounds, cell.runId).toHaveLength(1);
      }
      expect(cells.filter((c) => c.evaluations!.find((e) => e.evaluatorId === 'e1')?.pass)).toHaveLength(2 * ROWS);

      // Pass rates, charts and the results table on the experiment's screen.
      const results = page.getByRole('table', { name: /^Results of / });
      await results.waitFor();
      await expect(results.getAttribute('aria-rowcount')).resolves.toBe(String(ROWS + 2));
      const charts = page.getByRole('region', { name: 'Charts' });
      await charts.waitFor();
      await expect(
        charts
          .getByText(/pass rate/i)
          .first()
          .isVisible(),
      ).resolves.toBe(true);
      await expect(charts.getByText('100%').first().isVisible()).resolves.toBe(true);
      await screenshots(page, 'light');
      expect(await axeViolations(page)).toEqual([]);
      // A row in full: its inputs, each variant's whole output and every verdict with its reason.
      await page.getByRole('button', { name: 'Row 1: details' }).click();
      const detail = page.getByRole('region', { name: 'Row 1' });
      await detail
        .getByRole('article', { name: 'Local' })
        .getByText('echo: Tone of: review 0', { exact: false })
        .waitFor();
      await detail.screenshot({ path: resolve(SCREENSHOT_DIR, 'experiments-row-detail-light.png') });
      expect(await axeViolations(page)).toEqual([]);
      await detail.getByRole('button', { name: 'Close' }).click();

      // Export CSV: the download, read back by the app's own parser, has every run's output.
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const file = await (await download).path();
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(KEY);
      const records = parseCsv(text);
      expect(records).toHaveLength(ROWS);
      for (const cell of cells) {
        const record = records[cell.rowIndex]!;
        const label = cell.variantId === cells[0]!.variantId ? 'Demo' : 'Local';
        const output = runById.get(cell.runId!)!.output as { answer: unknown; row: unknown };
        expect(record['input.text']).toBe(rowText(cell.rowIndex));
        expect(String(record[`${label} / output.row`])).toBe(String(output.row));
        // Text answers are one column; parseCsv reads a value that is exactly a JavaScript number as a number.
        expect(typeof output.answer).toBe('string');
        expect(String(record[`${label} / output.answer`])).toBe(output.answer);
        expect(String(record[`${label} / tokens`])).toBe(String(cell.tokens));
        expect(String(record[`${label} / latency (ms)`])).toBe(String(cell.latencyMs));
        expect(record[`${label} / status`]).toBe('completed');
        expect(record[`${label} / run id`]).toBe(cell.runId);
      }

      // A cell opens its run in the inspector, at the run's address; Back returns to the results.
      const third = cells.find((c) => c.rowIndex === 2 && c.variantId === cells[0]!.variantId)!;
      await page.getByRole('region', { name: 'Results' }).locator('[data-row-index="2"] a').first().click();
      await page.locator(`.run-detail[data-run-id="${third.runId}"][data-run-status="completed"]`).waitFor();
      expect(decodeURIComponent(page.url())).toContain(`/runs/${third.runId}`);
      await page.goBack();
      await page.getByRole('table', { name: /^Results of / }).waitFor();

      // Dark theme and a phone's width.
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshots(page, 'dark');
      expect(await axeViolations(page)).toEqual([]);
      await page.setViewportSize({ width: 420, height: 900 });
      await screenshots(page, '420');
      expect(await axeViolations(page)).toEqual([]);
      expect(logs.join('\n')).not.toContain(KEY);
      await context.close();
    },
    300_000,
  );
});
