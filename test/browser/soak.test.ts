import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { KNOBS } from '../adversarial/knobs';
import { importWorkflow, openRuns, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';
import { startEffectServer, type EffectServer } from './effectServer';

/**
 * Soak: reload or close the executing tab while a run streams a model answer, runs a loop, fans out
 * or waits. Every run must complete with each step recorded once and each POST applied once per
 * idempotency key. `npm test` runs a few cycles; `npm run test:adversarial` runs 50.
 */

const NAME = 'Soak: stream, loop, fan-out, wait';
const PHASES = ['streaming', 'loop', 'fan-out', 'wait'] as const;
type Phase = (typeof PHASES)[number];
const LOOP_ITEMS = [1, 2, 3];
/** POSTs per run: one per loop item and one in the fan-out. */
const POSTS_PER_RUN = LOOP_ITEMS.length + 1;

function soakWorkflow(host: string): WorkflowFile {
  // Slow answers (`/slow/…`): the tab shows each POST in flight long enough to be pulled away, whatever the load.
  const post = (slug: string, path: string) => ({
    stepSlug: slug,
    name: slug,
    stepType: 'action',
    config: { action: 'http', method: 'POST', url: `http://${host}/${path}`, body: { path } },
  });
  const llm = (slug: string, prompt: string) => ({
    stepSlug: slug,
    name: slug,
    stepType: 'llm',
    config: { llmNode: { name: slug, model: 'gpt-4o-mini', userPrompt: prompt, tools: [] } },
  });
  return {
    workflowConfig: { name: NAME, config: { allowedHosts: [host], retryPolicy: { maxRetries: 3, backoffMs: 200 } } },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'ask' },
      },
      { ...llm('ask', 'Describe the weather in Porto in three sentences.'), nextSteps: { success: 'each' } },
      {
        stepSlug: 'each',
        name: 'Each',
        stepType: 'loop',
        config: { forEach: LOOP_ITEMS, concurrency: 2, steps: [post('post', 'slow/loop/{{loop.item}}')] },
        nextSteps: { success: 'fan' },
      },
      {
        stepSlug: 'fan',
        name: 'Fan',
        stepType: 'parallel',
        config: {
          join: 'all',
          branches: {
            call: [post('post_fan', 'slow/fan')],
            nap: [{ stepSlug: 'nap', name: 'Nap', stepType: 'wait', config: { durationMs: 2000 } }],
            think: [llm('think', 'Say what to wear in Porto today.')],
          },
        },
        nextSteps: { success: 'done' },
      },
      { stepSlug: 'done', name: 'Done', stepType: 'action', config: { action: 'set', values: { finished: true } } },
    ],
  } as WorkflowFile;
}

/** A step row showing the phase is under way: the moment to pull the tab away. */
const PHASE_SELECTOR: Record<Phase, string> = {
  streaming: '[data-step-slug="ask"][data-status="started"] .step-stream',
  loop: '[data-step-slug="post"][data-status="started"]',
  'fan-out': '[data-step-slug="post_fan"][data-status="started"], [data-step-slug="think"][data-status="started"]',
  wait: '[data-step-slug="nap"][data-status="waiting"]',
};

interface RunShape {
  /** Step rows recorded completed, by key. */
  completedKeys: string[];
  messageIds: string[];
  messages: string[];
}

/**
 * The run's status and its step rows are separate live queries: the rows may show the last step a moment after
 * the status says completed. Waits (up to 10 s) for as many completed rows as the reference run has; a step never
 * recorded never shows, so the comparison after this still catches it.
 */
async function rowsSettled(page: Page, runId: string, expected: number): Promise<void> {
  const completedRows = runLocator(page, runId).locator('[data-step-key][data-status="completed"]');
  for (let waited = 0; waited < 10_000; waited += 100) {
    if ((await completedRows.count()) >= expected) return;
    await page.waitForTimeout(100);
  }
}

async function runShape(page: Page, runId: string): Promise<RunShape> {
  const run = runLocator(page, runId);
  const keys = await run
    .locator('[data-step-key]')
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-step-key'), r.getAttribute('data-status')]));
  await run.locator('.threads summary').click();
  const messages = await run.locator('.thread-message').evaluateAll((items) =>
    items.map((i) => ({
      id: i.getAttribute('data-message-id') ?? '',
      text: `${i.querySelector('.thread-role')?.textContent}: ${i.querySelector('.thread-content')?.textContent}`,
    })),
  );
  return {
    completedKeys: keys
      .filter(([, status]) => status === 'completed')
      .map(([key]) => key!.slice(key!.indexOf(':') + 1)),
    messageIds: messages.map((m) => m.id),
    messages: messages.map((m) => m.text),
  };
}

/** The step keys one list has and the other lacks, named: what a failed cycle lost or gained. */
function describeDifference(expected: string[], actual: string[]): string {
  const missing = expected.filter((key) => !actual.includes(key));
  const extra = actual.filter((key) => !expected.includes(key));
  return [
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
    ...(extra.length ? [`extra ${extra.join(', ')}`] : []),
  ].join('; ');
}

async function isExecutor(page: Page): Promise<boolean> {
  return (await page.locator('[data-executor-role="executor"]').count()) > 0;
}

describe.skipIf(!chromiumPath)('soak: reload or close the executing tab mid-run', () => {
  let browser: Browser;
  let server: EffectServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startEffectServer(300);
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    `${KNOBS.browserCycles} cycles: every run completes, each step recorded once, each POST applied once per key`,
    async () => {
      const { page: first, context } = await openPage(browser);
      await importWorkflow(first, soakWorkflow(server.host));
      const tabs: Page[] = [first, await openTab(context, first.url())];
      // A reference run, uninterrupted: what each interrupted run must end with. Allows the host once.
      await tabs[0]!.bringToFront();
      await openRuns(tabs[0]!, NAME);
      const referenceId = await startRun(tabs[0]!);
      // Concurrent loop iterations each ask; one answer is remembered for the workflow.
      await runLocator(tabs[0]!, referenceId)
        .getByRole('button', { name: `Allow ${server.host}` })
        .first()
        .click();
      await waitForRunStatus(tabs[0]!, referenceId, 'completed', 60_000);
      const reference = await runShape(tabs[0]!, referenceId);
      expect(new Set(reference.completedKeys).size).toBe(reference.completedKeys.length);

      let duplicates = 0;
      for (let cycle = 0; cycle < KNOBS.browserCycles; cycle++) {
        const phase = PHASES[cycle % PHASES.length]!;
        const action = (cycle + Math.floor(cycle / PHASES.length)) % 2 === 0 ? 'reload' : 'close';
        const label = `cycle ${cycle} (${action} during ${phase})`;
        const executorTab = (await isExecutor(tabs[0]!)) ? tabs[0]! : tabs[1]!;
        const otherTab = executorTab === tabs[0] ? tabs[1]! : tabs[0]!;
        // A background tab gets no animation frames: Playwright's actionability checks would stall on it.
        await executorTab.bringToFront();
        await openRuns(executorTab, NAME);
        const runId = await startNewRun(executorTab);
        await runLocator(executorTab, runId).locator(PHASE_SELECTOR[phase]).first().waitFor({ timeout: 30_000 });
        let survivor: Page;
        if (action === 'reload') {
          await executorTab.reload();
          survivor = executorTab;
        } else {
          await executorTab.close();
          survivor = otherTab;
          tabs.splice(0, 2, otherTab, await openTab(context, otherTab.url()));
          await survivor.locator('[data-executor-role="executor"]').waitFor({ timeout: 15_000 });
        }
        await survivor.bringToFront();
        await openRuns(survivor, NAME);
        await survivor.locator(`.run-item[data-run-id="${runId}"]`).click();
        await waitForRunStatus(survivor, runId, 'completed', 60_000);
        if (cycle === 0 || cycle === KNOBS.browserCycles - 1)
          await survivor.screenshot({ path: `test-results/soak-cycle-${cycle}.png`, fullPage: true });

        await rowsSettled(survivor, runId, reference.completedKeys.length);
        const shape = await runShape(survivor, runId);
        const keys = [...server.requests.keys()].filter((k) => k.startsWith(`${runId}:`));
        const found = [
          ...(new Set(shape.completedKeys).size !== shape.completedKeys.length ? ['a step recorded twice'] : []),
          ...(shape.completedKeys.length !== reference.completedKeys.length
            ? [
                `${shape.completedKeys.length} steps recorded, ` +
                  `the uninterrupted run has ${reference.completedKeys.length}: ` +
                  describeDifference(reference.completedKeys, shape.completedKeys),
              ]
            : []),
          ...(keys.length !== POSTS_PER_RUN ? [`${keys.length} POST idempotency keys, expected ${POSTS_PER_RUN}`] : []),
          ...keys.filter((k) => !server.applied.has(k)).map((k) => `POST ${k} never applied`),
          ...(new Set(shape.messageIds).size !== shape.messageIds.length ||
          shape.messages.length !== reference.messages.length
            ? ['thread messages duplicated or lost']
            : []),
        ];
        duplicates += found.length;
        expect(found, label).toEqual([]);
      }
      console.log(
        `browser soak: ${KNOBS.browserCycles} cycles ` +
          `(reload or close of the executing tab during ${PHASES.join(', ')}); duplicates found: ${duplicates}`,
      );
      await context.close();
    },
    KNOBS.browserCycles * 60_000 + 90_000,
  );
});

/** startRun, but waits until the detail shows the new run (the previous one's is still on screen at first). */
async function startNewRun(page: Page): Promise<string> {
  const before = new Set(
    await page.locator('.run-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-run-id'))),
  );
  await startRun(page);
  const detail = page.locator('.run-detail').first();
  for (let i = 0; i < 200; i++) {
    const id = await detail.getAttribute('data-run-id');
    if (id && !before.has(id)) return id;
    await page.waitForTimeout(50);
  }
  throw new Error('the new run did not open');
}

async function openTab(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('[data-executor-role]').first().waitFor();
  return page;
}
