import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSharePayload, shareDataFromHash } from '../../src/schema/share';
import { chain, llm } from '../support/flows';
import { startOpenAIServer, type OpenAIServer } from '../support/openaiServer';
import {
  controlledByServiceWorker,
  importWorkflow,
  runLocator,
  saveLocalProvider,
  startRun,
  waitForRunStatus,
} from './app';
import { axeViolations, SCREENSHOT_DIR } from './axe';
import { storedRun } from './storedRuns';
import { baseUrl, chromiumPath, launch } from './browser';

const KEY = 'sk-bundle-browser-KEY-5d1e8b7a';

const workflow = chain('Bundle story', [
  llm('draft', 'Write one line about {{input.value}}', { systemPrompt: 'Be brief.' }),
  llm('polish', 'Polish this line: {{steps.draft.output}}'),
]);

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `bundles-${name}.png`) });
}

async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const found = await axeViolations(page);
  expect(found, `${label}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}

/** The id of the run the detail shows once it is none of `previous`. */
async function nextRunId(page: Page, ...previous: string[]): Promise<string> {
  const detail = page.locator(`.run-detail${previous.map((id) => `:not([data-run-id="${id}"])`).join('')}`).first();
  await detail.waitFor();
  return (await detail.getAttribute('data-run-id'))!;
}

describe.skipIf(!chromiumPath)('run bundles in the browser', () => {
  let browser: Browser;
  let server: OpenAIServer;
  beforeAll(async () => {
    browser = await launch();
    server = await startOpenAIServer();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'a run on a keyed provider, exported, opens in a fresh browser with no provider and the network off, ' +
      'replays to identical outputs with no request, and an edited prompt runs that step on the demo model',
    async () => {
      // The recording browser: a provider with a key, a workflow of two LLM steps run on it.
      const recorder = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await recorder.newPage();
      await page.goto(baseUrl);
      await saveLocalProvider(page, server.url, KEY);
      await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Close' }).click();
      await importWorkflow(page, workflow);
      const runId = await startRun(page, { value: 'otters' });
      await waitForRunStatus(page, runId, 'completed');
      const recorded = await storedRun(page, runId);
      expect(recorded.steps.map((s) => [s.slug, s.provider])).toEqual([
        ['start', undefined],
        ['draft', 'Local server'],
        ['polish', 'Local server'],
      ]);
      const modelRequests = server.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
      expect(modelRequests).toBe(2);

      const run = runLocator(page, runId);
      const download = page.waitForEvent('download');
      await run.getByRole('button', { name: 'Export bundle' }).click();
      const file = readFileSync((await (await download).path())!, 'utf8');
      await run.getByRole('button', { name: 'Bundle link' }).click();
      const link = await run.getByLabel(/Bundle link/).inputValue();
      await screenshot(page, 'exported');
      const fromLink = await decodeSharePayload(shareDataFromHash(link.slice(link.indexOf('#')))!);
      expect(JSON.parse(fromLink)).toMatchObject({ format: 'tabflow-run-bundle', runId });
      for (const bytes of [file, link, fromLink]) expect(bytes).not.toContain(KEY);
      console.log(`run bundle: file ${file.length} characters, link ${link.length} characters`);
      await recorder.close();

      // A fresh browser: no provider, no key. Once the app is kept offline by its service worker, the
      // network goes off and every request that is not answered by the service worker is counted.
      const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const network: string[] = [];
      let offline = false;
      viewer.on('requestfinished', (request: Request) => {
        void request.response().then((response) => {
          if (offline && !response?.fromServiceWorker()) network.push(request.url());
        });
      });
      viewer.on('requestfailed', (request: Request) => offline && network.push(`failed: ${request.url()}`));
      let servedOffline = 0;
      viewer.on('request', () => offline && servedOffline++);
      const other = await viewer.newPage();
      await other.goto(link);
      await controlledByServiceWorker(other);
      const dialog = other.getByRole('dialog', { name: 'Open a run bundle' });
      await dialog.getByText('Bundle story').waitFor();
      await screenshot(other, 'open-dialog');
      await expectNoAxeViolations(other, 'open dialog');
      await viewer.setOffline(true);
      offline = true;
      await dialog.getByRole('button', { name: 'Open run' }).click();
      const importedId = await nextRunId(other, runId);
      await waitForRunStatus(other, importedId, 'completed');
      const imported = runLocator(other, importedId);
      await imported.getByText(/Opened from a run bundle/).waitFor();
      expect(await storedRun(other, importedId)).toEqual(recorded);
      await screenshot(other, 'imported-run');
      await expectNoAxeViolations(other, 'imported run');

      await imported.getByRole('button', { name: 'Replay', exact: true }).click();
      const replayId = await nextRunId(other, importedId);
      await waitForRunStatus(other, replayId, 'completed');
      const replay = await storedRun(other, replayId);
      expect(replay.output).toEqual(recorded.output);
      expect(replay.steps.map((s) => s.output)).toEqual(recorded.steps.map((s) => s.output));
      expect(replay.steps.map((s) => s.provider)).toEqual([undefined, 'recorded', 'recorded']);
      await screenshot(other, 'replayed');
      expect(network).toEqual([]);

      // Edit the second step's prompt: it runs on the demo model, the first still comes from the recording.
      await other.goBack();
      await runLocator(other, importedId)
        .getByRole('button', { name: /Edit prompts/ })
        .click();
      const edit = other.getByRole('dialog', { name: 'Edit prompts and replay' });
      await edit.getByLabel(/polish/).fill('Make this line shorter: {{steps.draft.output}}');
      await screenshot(other, 'edit-dialog');
      await expectNoAxeViolations(other, 'edit dialog');
      await edit.getByRole('button', { name: 'Replay with these prompts' }).click();
      const editedId = await nextRunId(other, importedId, replayId);
      await waitForRunStatus(other, editedId, 'completed', 60_000);
      const edited = await storedRun(other, editedId);
      expect(edited.steps.map((s) => s.provider)).toEqual([undefined, 'recorded', 'demo']);
      expect(edited.steps[1]!.output).toEqual(recorded.steps[1]!.output);
      expect(edited.steps[2]!.output).not.toEqual(recorded.steps[2]!.output);
      await screenshot(other, 'edited-replay');
      expect(network).toEqual([]);
      // The bundle screens in the dark theme too.
      await other.emulateMedia({ colorScheme: 'dark' });
      await other.goBack();
      await runLocator(other, importedId)
        .getByText(/Opened from a run bundle/)
        .waitFor();
      await screenshot(other, 'imported-run-dark');
      await expectNoAxeViolations(other, 'imported run, dark');
      await runLocator(other, importedId)
        .getByRole('button', { name: /Edit prompts/ })
        .click();
      await screenshot(other, 'edit-dialog-dark');
      await expectNoAxeViolations(other, 'edit dialog, dark');
      expect(server.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(modelRequests);
      console.log(`offline: ${servedOffline} requests, all answered by the service worker; ${network.length} went out`);
      await viewer.close();
    },
    120_000,
  );
});
