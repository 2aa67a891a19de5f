import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { chain, http, llm, set, transform } from '../support/flows';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { axeViolations, SCREENSHOT_DIR } from './axe';
import { baseUrl, chromiumPath, launch } from './browser';
import { startEffectServer, type EffectServer } from './effectServer';
import { storedRun } from './storedRuns';

/**
 * The run inspector's leftovers, end to end: a bundle whose run sent a secret to an http host and ran a
 * subworkflow replays in a browser with no secret, no confirmation and a different workflow of the child's name,
 * to the same outputs with no request; the Graph/Timeline view is in the address; a loop shows done/total;
 * Escape closes the step panel. Screenshots light and dark, 1280 px and 420 px.
 */

const SECRET = 'tok-inspector-replay-93be41';
const shots = resolve(SCREENSHOT_DIR, 'inspector');

const child = (prompt: string): WorkflowFile => chain('Replay child', [llm('shout', prompt)]);

function parent(server: EffectServer): WorkflowFile {
  const doc = chain(
    'Replay parent',
    [
      llm('draft', 'Write one line about {{input.value}}'),
      http('notify', `${server.origin}/notify`, {
        headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' },
        body: { text: '{{steps.draft.output}}' },
      }),
      {
        stepSlug: 'sub',
        name: 'sub',
        stepType: 'subworkflow',
        config: { workflow: 'Replay child', input: { value: '{{steps.draft.output}}' } },
      },
      transform('list', '["a", "b", "c"]'),
      {
        stepSlug: 'each',
        name: 'each',
        stepType: 'loop',
        config: { forEach: '{{steps.list.output}}', steps: [set('line', { item: '{{loop.item}}' })] },
      },
    ],
    { allowedHosts: [server.host], secrets: { API_TOKEN: { kind: 'local' } } },
  );
  return doc;
}

async function storeSecret(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const fields = { 'Secret name': name, 'Secret value': value };
  for (const [label, text] of Object.entries(fields)) await settings.getByLabel(label).fill(text);
  await settings.getByRole('button', { name: 'Save secret' }).click();
  await settings.getByText(name).first().waitFor();
  await settings.getByRole('button', { name: 'Close' }).click();
}

/** A screenshot with the run's views in sight (below the run's header and output). */
async function shoot(page: Page, name: string): Promise<void> {
  await page.getByRole('tablist', { name: 'Run views' }).first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await page.screenshot({ path: resolve(shots, `${name}.png`) });
}

async function noAxeViolations(page: Page, label: string): Promise<void> {
  const found = await axeViolations(page);
  expect(found, `${label}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

/** A tab of the replay's views (the first tablist: its subworkflow step shows the child run's detail inside it). */
const viewTab = (page: Page, name: string) =>
  page.getByRole('tablist', { name: 'Run views' }).first().getByRole('tab', { name, exact: true });

describe.skipIf(!chromiumPath)('the run inspector: replays, views in the address, loops', () => {
  let browser: Browser;
  let server: EffectServer;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launch();
    server = await startEffectServer(0);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'a bundle with a secret http step and a subworkflow replays elsewhere to the same outputs, asking nothing',
    {
      timeout: 120_000,
    },
    async () => {
      const recorder = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await recorder.newPage();
      await page.goto(baseUrl);
      await storeSecret(page, 'API_TOKEN', SECRET);
      await importWorkflow(page, child('Shout {{input.value}}'));
      await importWorkflow(page, parent(server));
      const runId = await startRun(page, { value: 'otters' });
      await page.getByRole('button', { name: `Allow ${server.host}` }).click();
      await waitForRunStatus(page, runId, 'completed', 60_000);
      const notified = () => server.log.filter((r) => r.path === '/notify' && r.method === 'POST');
      expect(notified().map((r) => r.headers.authorization)).toEqual([`Bearer ${SECRET}`]);
      const recorded = await storedRun(page, runId);
      await runLocator(page, runId).getByRole('button', { name: 'Bundle link' }).click();
      const link = await runLocator(page, runId)
        .getByLabel(/Bundle link/)
        .inputValue();
      expect(link).not.toContain(SECRET);
      await recorder.close();

      // Another browser: no secret, no host confirmed, and a different workflow named like the child.
      const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const other = await viewer.newPage();
      await other.goto(baseUrl);
      await importWorkflow(other, child('Whisper {{input.value}}'));
      await other.goto(link);
      await other.getByRole('dialog', { name: 'Open a run bundle' }).getByRole('button', { name: 'Open run' }).click();
      const imported = other.locator('.run-detail').first();
      await imported.getByText(/Opened from a run bundle/).waitFor();
      const importedId = (await imported.getAttribute('data-run-id'))!;
      await imported.getByRole('button', { name: 'Replay', exact: true }).click();
      // The replay's address (its subworkflow run has a run detail of its own too).
      await other.waitForURL((url) => !url.hash.includes(encodeURIComponent(importedId)));
      const replayId = decodeURIComponent(/\/runs\/([^/]+)/.exec(new URL(other.url()).hash)![1]!);
      const replayDetail = runLocator(other, replayId);
      await waitForRunStatus(other, replayId, 'completed', 60_000);
      expect(await other.getByTestId('host-consent').count()).toBe(0);
      const replay = await storedRun(other, replayId);
      expect(replay.output).toEqual(recorded.output);
      expect(replay.steps.map((s) => [s.slug, s.output])).toEqual(recorded.steps.map((s) => [s.slug, s.output]));
      expect(notified()).toHaveLength(1);
      await replayDetail.getByText(/A replay of a bundle’s run/).waitFor();
      await shoot(other, 'replay-1280-light');
      const list = other.locator('.run-item');
      await list.filter({ hasText: 'imported' }).first().waitFor();
      await list.filter({ hasText: 'replay' }).first().waitFor();

      // The toasts of the import would cover the canvas (a toast may also go by itself meanwhile).
      const dismiss = other.getByRole('button', { name: 'Dismiss' });
      while ((await dismiss.count()) > 0)
        await dismiss
          .first()
          .click({ timeout: 2_000 })
          .catch(() => undefined);
      // The Graph view: the loop's iterations done of total; the address names the view.
      await viewTab(other, 'Graph').click();
      expect(other.url()).toContain(`/runs/${encodeURIComponent(replayId)}/view=graph`);
      const loopNode = other.locator('[data-testid="graph-node"][data-slug="each"] [data-testid="run-node-state"]');
      await expect.poll(() => loopNode.getAttribute('data-iterations')).toBe('3/3');
      await shoot(other, 'graph-1280-light');
      await other
        .getByTestId('graph-canvas')
        .first()
        .screenshot({ path: resolve(shots, 'graph-canvas-1280-light.png') });
      await noAxeViolations(other, 'run graph');
      await viewTab(other, 'Timeline').click();
      await other.getByTestId('run-timeline').waitFor();
      expect(other.url()).toContain('/view=timeline');
      await other.reload();
      await other.getByTestId('run-timeline').waitFor();
      expect(await viewTab(other, 'Timeline').getAttribute('aria-selected')).toBe('true');
      await shoot(other, 'timeline-1280-light');
      await other.goBack();
      await expect.poll(() => viewTab(other, 'Graph').getAttribute('aria-selected')).toBe('true');

      // A node opens its step; Escape closes the panel and focus is back on the node.
      const node = other.locator('[data-testid="graph-node"][data-slug="notify"]');
      await node.click();
      await other
        .getByTestId('step-inspector')
        .getByText(/answered from the recording this run replays/)
        .waitFor();
      await shoot(other, 'step-1280-light');
      await other.keyboard.press('Escape');
      await other.getByTestId('step-inspector').waitFor({ state: 'detached' });
      // The node's React Flow wrapper (the element a click focuses) has the focus again.
      const focused = await other.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      expect(focused).toBe('rf__node-notify');

      // The header's executor note stays on one line at 1280 px.
      const note = other.locator('.executor-role');
      const box = await note.boundingBox();
      await other
        .locator('header')
        .first()
        .screenshot({ path: resolve(shots, 'header-1280-light.png') });
      expect(box?.height ?? 0).toBeLessThan(24);

      await other.emulateMedia({ colorScheme: 'dark' });
      await shoot(other, 'graph-1280-dark');
      await noAxeViolations(other, 'run graph, dark');
      await viewTab(other, 'Timeline').click();
      await other.getByTestId('run-timeline').waitFor();
      await shoot(other, 'timeline-1280-dark');
      await other
        .locator('header')
        .first()
        .screenshot({ path: resolve(shots, 'header-1280-dark.png') });

      await other.setViewportSize({ width: 420, height: 900 });
      await shoot(other, 'timeline-420-dark');
      await viewTab(other, 'Graph').click();
      await shoot(other, 'graph-420-dark');
      await other.emulateMedia({ colorScheme: 'light' });
      await shoot(other, 'graph-420-light');
      await viewTab(other, 'Steps').click();
      await shoot(other, 'replay-420-light');
      await noAxeViolations(other, 'replay, 420 px');
      await viewer.close();
    },
  );
});
