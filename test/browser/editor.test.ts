import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { runLocator, startRun, waitForRunStatus } from './app';
import { axeViolations } from './axe';
import { chromiumPath, launch, openPage } from './browser';

const SHOTS = 'test-results';

function node(page: Page, slug: string) {
  return page.locator(`[data-testid="graph-node"][data-slug="${slug}"]`);
}

/** Clicks a palette entry: the new step follows the selected one. */
async function add(page: Page, label: string) {
  await page.getByRole('toolbar', { name: 'Add a step' }).getByRole('button', { name: label, exact: true }).click();
}

/** The document as the JSON tab's editor holds it. */
async function savedDoc(page: Page): Promise<WorkflowFile> {
  return page.evaluate(() => {
    const lines = document.querySelector('[data-testid="json-editor"] .cm-content');
    return JSON.parse((lines as HTMLElement).innerText) as WorkflowFile;
  });
}

/** ELK's layout is up and the view has fitted it (a 150 ms animation). */
async function settled(page: Page) {
  await page.locator('[data-testid="graph-canvas"][data-layout="elk"]').waitFor();
  await page.waitForTimeout(400);
}

/** Drags from the output handle of `from` to the node `to`. */
async function connect(page: Page, from: string, to: string) {
  const handle = node(page, from).locator('.react-flow__handle.source');
  const start = (await handle.boundingBox())!;
  const end = (await node(page, to).locator('.react-flow__handle.target').boundingBox())!;
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y - 20, { steps: 12 });
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 4 });
  await page.mouse.up();
}

describe.skipIf(!chromiumPath)('the visual editor', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('builds a workflow from an empty one in the canvas and the forms, and runs it to completed', async () => {
    const { page, context, logs } = await openPage(browser);
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    await page.locator('[data-testid="graph-canvas"][data-state="ready"]').waitFor();
    await node(page, 'start').click();
    await add(page, 'LLM');
    await node(page, 'ask').waitFor();
    await add(page, 'Condition');
    await node(page, 'condition').waitFor();
    await add(page, 'Approval');
    await node(page, 'approval').waitFor();
    await node(page, 'condition').click();
    await add(page, 'Loop');
    await node(page, 'loop').waitFor();
    // A step with nothing selected stands alone; a dragged connection links it, choosing the branch.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await add(page, 'Wait');
    await node(page, 'wait').waitFor();
    await settled(page);
    await connect(page, 'approval', 'wait');
    await page
      .getByRole('group', { name: 'Connect approval to wait' })
      .getByRole('button', { name: 'approved' })
      .click();
    await page.locator('.react-flow__edge[data-id="approval->approved"]').waitFor();
    // The LLM step's prompt, written in its form beside the canvas.
    await node(page, 'ask').click();
    const prompt = page.getByTestId('step-form').getByLabel('User prompt');
    await prompt.fill('Write one sentence about durable workflows.');
    await expect.poll(() => node(page, 'ask').getAttribute('data-slug')).toBe('ask');
    await page.screenshot({ path: `${SHOTS}/editor-graph-light.png` });
    await page.getByLabel('Theme').selectOption('dark');
    await page.screenshot({ path: `${SHOTS}/editor-graph-dark.png` });
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Theme').selectOption('light');

    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'JSON' }).click();
    // The editor catches up with the graph's edits once it is shown again.
    const shape = async () => (await savedDoc(page)).stepsConfig.map((s) => [s.stepSlug, s.stepType, s.nextSteps]);
    await expect.poll(shape).toEqual([
      ['start', 'trigger', { success: 'ask' }],
      ['ask', 'llm', { success: 'condition' }],
      ['condition', 'condition', { yes: 'approval', no: 'loop' }],
      ['approval', 'approval', { approved: 'wait' }],
      ['loop', 'loop', undefined],
      ['wait', 'wait', undefined],
    ]);
    const doc = await savedDoc(page);
    expect((doc.stepsConfig[1]!.config as { llmNode: { userPrompt: string } }).llmNode.userPrompt).toBe(
      'Write one sentence about durable workflows.',
    );
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    expect(await axeViolations(page)).toEqual([]);

    const runId = await startRun(page);
    await waitForRunStatus(page, runId, 'waiting');
    await runLocator(page, runId).getByRole('button', { name: 'Approve' }).click();
    await waitForRunStatus(page, runId, 'completed');

    // The canvas marks what changed since version 1 (the empty workflow).
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    await page.getByLabel('Changes since').selectOption({ label: 'version 1' });
    await expect.poll(() => page.locator('.graph-node-added').count()).toBe(6);
    expect(await node(page, 'start').getAttribute('class')).toMatch(/graph-node-changed/);
    await page.screenshot({ path: `${SHOTS}/editor-graph-changes.png` });

    // Versions: the first one (the empty workflow) against now, then restored: the graph follows.
    await page.getByRole('button', { name: 'Versions', exact: true }).click();
    const versions = page.getByRole('dialog');
    const rows = versions.locator('.version-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const first = versions.locator('.version-row[data-version-seq="1"]');
    const current = versions.locator('.version-row[aria-current="true"]');
    // Two are always compared: ticking version 1 lets go of the older pick and keeps the current one.
    await first.locator('.version-compare input').check();
    await expect.poll(() => current.locator('.version-compare input').isChecked()).toBe(true);
    const added = versions.locator('.diff-step[data-diff-kind="added"] code');
    await expect
      .poll(() => added.allTextContents())
      .toEqual(expect.arrayContaining(['ask', 'condition', 'approval', 'loop', 'wait']));
    await page.screenshot({ path: `${SHOTS}/editor-versions-diff.png` });
    await first.getByRole('button', { name: 'Restore version 1' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    await expect.poll(() => page.locator('[data-testid="graph-node"]').count()).toBe(1);
    await node(page, 'start').waitFor();
    expect(logs.filter((l) => l.startsWith('pageerror') || /Content Security Policy/.test(l))).toEqual([]);
    await context.close();
  });

  it('moves a step into a loop by dragging it there, and back out; a palette entry dropped on it goes in', async () => {
    const { page, context } = await openPage(browser);
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    await node(page, 'start').click();
    await add(page, 'Loop');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await add(page, 'Wait');
    await node(page, 'wait').waitFor();
    await settled(page);
    const drag = async (slug: string, to: { x: number; y: number }) => {
      const box = (await node(page, slug).boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + 8);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 15 });
      await page.mouse.up();
    };
    const loop = (await node(page, 'loop').boundingBox())!;
    await drag('wait', { x: loop.x + loop.width / 2, y: loop.y + loop.height - 12 });
    // Read from what was saved (the JSON editor, hidden behind the Graph tab, catches up only when shown).
    const parentOf = (slug: string) =>
      page.evaluate(async (slug) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('tabflow');
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const records = await new Promise<Array<{ doc: WorkflowFile }>>((resolve, reject) => {
          const request = db.transaction('workflows').objectStore('workflows').getAll();
          request.onsuccess = () => resolve(request.result as Array<{ doc: WorkflowFile }>);
          request.onerror = () => reject(request.error);
        });
        db.close();
        const doc = records[0]!.doc;
        const inLoop = doc.stepsConfig.some(
          (s) => s.stepType === 'loop' && s.config.steps.some((inner) => inner.stepSlug === slug),
        );
        return inLoop ? 'loop' : doc.stepsConfig.some((s) => s.stepSlug === slug) ? 'top' : 'gone';
      }, slug);
    await expect.poll(() => parentOf('wait')).toBe('loop');
    await settled(page);
    await page.screenshot({ path: `${SHOTS}/editor-moved-into-loop.png` });
    const canvas = (await page.getByTestId('graph-canvas').boundingBox())!;
    await drag('wait', { x: canvas.x + canvas.width - 60, y: canvas.y + 40 });
    await expect.poll(() => parentOf('wait')).toBe('top');
    // A palette entry dropped on the loop goes into its body.
    await settled(page);
    const target = (await node(page, 'loop').boundingBox())!;
    await page
      .getByRole('toolbar', { name: 'Add a step' })
      .getByRole('button', { name: 'Event', exact: true })
      .dragTo(page.getByTestId('graph-canvas'), {
        targetPosition: {
          x: target.x + target.width / 2 - canvas.x,
          y: target.y + target.height - 10 - canvas.y,
        },
      });
    await expect.poll(() => parentOf('event')).toBe('loop');
    await context.close();
  });

  it('is readable (read-only) on a narrow screen', async () => {
    const { page, context } = await openPage(browser);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole('button', { name: 'Use template' }).first().click();
    await page.getByRole('tablist', { name: 'Workflow views' }).getByRole('tab', { name: 'Graph' }).click();
    await page.locator('[data-testid="graph-canvas"]').waitFor();
    await page.locator('[data-testid="graph-node"]').first().waitFor();
    expect(await page.getByRole('toolbar', { name: 'Add a step' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/editor-graph-narrow.png` });
    await context.close();
  });
});
