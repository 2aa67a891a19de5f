import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openCheckedPage, SCREENSHOT_DIR, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

const BATCH_ID = 'charts-demo';
const ROWS = 40;

/**
 * A finished two-variant experiment written straight into IndexedDB as the scheduler stores it: the demo
 * variant answers in 200–590 ms and passes 3 of 4 rows, the other in 800–1970 ms and passes 1 of 2.
 */
async function storeExperiment(page: Page): Promise<void> {
  await page.evaluate(
    async ({ batchId, rows }) => {
      const db = await new Promise<IDBDatabase>((done, fail) => {
        const request = indexedDB.open('tabflow');
        request.onsuccess = () => done(request.result);
        request.onerror = () => fail(request.error);
      });
      const variants = [
        { id: 'demo', label: 'Demo model' },
        { id: 'local', label: 'Local server', model: { provider: 'local', model: 'test-model' } },
      ];
      const evaluators = [
        { id: 'shape', label: 'Valid JSON', kind: 'json-schema', path: '', schema: { type: 'object' } },
        { id: 'judge', label: 'Judge', kind: 'llm-judge', prompt: 'Is {{output}} right?', model: { model: 'demo' } },
      ];
      const cells = [];
      for (let rowIndex = 0; rowIndex < rows; rowIndex++) {
        for (const [variantIndex, variant] of variants.entries()) {
          const pass = variantIndex === 0 ? rowIndex % 4 !== 0 : rowIndex % 2 === 0;
          cells.push({
            key: `${batchId}.r${rowIndex}.v${variantIndex}`,
            batchId,
            rowIndex,
            variantIndex,
            variantId: variant.id,
            status: 'completed',
            attempt: 0,
            output: { label: pass ? 'positive' : 'unsure' },
            tokens: 120 + variantIndex * 40,
            costUsd: variantIndex === 0 ? 0 : 0.0021,
            latencyMs: variantIndex === 0 ? 200 + ((rowIndex * 37) % 400) : 800 + ((rowIndex * 53) % 1200),
            evaluations: [
              { evaluatorId: 'shape', pass: true, reason: 'output matches the schema' },
              { evaluatorId: 'judge', pass, reason: 'the judge said so', tokens: 60, costUsd: variantIndex * 0.0004 },
            ],
          });
        }
      }
      const spec = {
        name: 'Sentiment check',
        workflowId: 'w-charts',
        source: { kind: 'list', column: 'text' },
        mapping: { text: 'text' },
        variants,
        evaluators,
      };
      const counts = { queued: 0, running: 0, waiting: 0, completed: cells.length, failed: 0, cancelled: 0 };
      const batch = {
        id: batchId,
        name: spec.name,
        workflowId: spec.workflowId,
        spec,
        variantWorkflows: [],
        columns: ['text'],
        rowCount: rows,
        status: 'completed',
        counts,
        totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
        concurrency: 4,
        createdAt: Date.now(),
        updatedAt: Date.now(),
        finishedAt: Date.now(),
      };
      const tx = db.transaction(['batches', 'batchRows', 'batchCells'], 'readwrite');
      tx.objectStore('batches').put(batch);
      // Rows are stored a chunk of 256 a record (`batchRowChunkSchema`), keyed by the chunk's first row.
      for (let first = 0; first < rows; first += 256) {
        const chunk = Array.from({ length: Math.min(256, rows - first) }, (_, i) => ({ text: `Review ${first + i}` }));
        tx.objectStore('batchRows').put({ batchId, rowIndex: first, rows: chunk });
      }
      for (const cell of cells) tx.objectStore('batchCells').put(cell);
      await new Promise<void>((done, fail) => {
        tx.oncomplete = () => done();
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    { batchId: BATCH_ID, rows: ROWS },
  );
}

/** The share of a canvas's pixels within a small distance of `rgb` (a colour the page resolved). */
function colourShare(page: Page, chart: string, rgb: string): Promise<number> {
  return page.evaluate(
    ({ selector, colour }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`)!;
      const [r, g, b] = (colour.match(/\d+/g) ?? []).map(Number) as [number, number, number];
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let near = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 24) near++;
      }
      return near / (data.length / 4);
    },
    { selector: `[data-chart="${chart}"]`, colour: rgb },
  );
}

/** What a custom property resolves to inside the charts (their series colours are `light-dark()` values). */
function resolvedColour(page: Page, property: string): Promise<string> {
  return page.evaluate((name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    document.querySelector('.experiment-charts')!.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, property);
}

const PASSES: Array<{ colorScheme: ColorScheme; width: number }> = [
  { colorScheme: 'light', width: 1280 },
  { colorScheme: 'dark', width: 1280 },
  { colorScheme: 'dark', width: 420 },
];

describe.skipIf(!chromiumPath)('experiment charts in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(PASSES)('draws the four charts in the theme’s colours ($colorScheme, $width px)', async (pass) => {
    const { context, page, errors } = await openCheckedPage(browser, { ...pass, height: 900 });
    // Tall enough for the whole charts section in one element screenshot.
    await page.setViewportSize({ width: pass.width, height: 2000 });
    try {
      await storeExperiment(page);
      const scripts = () =>
        page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name.split('/').pop()!));
      expect((await scripts()).filter((name) => name.startsWith('ChartCanvas'))).toEqual([]);
      await page.goto(new URL(`#/experiments/${BATCH_ID}`, page.url()).toString());
      const charts = page.locator('.experiment-charts');
      await charts.locator('canvas').nth(3).waitFor({ timeout: 20_000 });
      expect((await scripts()).some((name) => name.startsWith('ChartCanvas'))).toBe(true);

      // The numbers, as the tables give them to everyone (demo: 30 of 40 pass; local: 20 of 40).
      const passRate = charts.locator('[data-chart="pass-rate"] tbody tr');
      await expect.poll(() => passRate.first().textContent()).toContain('75.0% (30/40)');
      expect(await passRate.nth(1).textContent()).toContain('50.0% (20/40)');

      // Bars drawn in the first series colour as this theme resolves it.
      const accent = await resolvedColour(page, '--chart-series-1');
      expect(await colourShare(page, 'pass-rate', accent)).toBeGreaterThan(0.01);
      const width = await charts
        .locator('[data-chart="latency"] canvas')
        .evaluate((c) => c.getBoundingClientRect().width);
      expect(width).toBeLessThanOrEqual(pass.width);

      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await charts.scrollIntoViewIfNeeded();
      await charts.screenshot({
        path: resolve(SCREENSHOT_DIR, `experiment-charts-${pass.colorScheme}-${pass.width}.png`),
      });
      const violations = await axeViolations(page, '.experiment-charts');
      expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
