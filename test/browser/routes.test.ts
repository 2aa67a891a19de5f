import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate } from '../../src/templates';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { baseUrl, chromiumPath, launch, openPage } from './browser';

const SHOTS = 'test-results';
const TEMPLATE = 'weather-outfit-chain';

const hashOf = (page: Page) => new URL(page.url()).hash;
const selectedStep = (page: Page) => page.locator('.step-row[aria-current="step"]');

/** The address once it has settled on `expected` (navigation may be a task away, e.g. after Back). */
async function expectHash(page: Page, expected: string | RegExp): Promise<void> {
  const settled = expect.poll(() => hashOf(page), { timeout: 10_000 });
  if (typeof expected === 'string') await settled.toBe(expected);
  else await settled.toMatch(expected);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A plain static host serving the built app below `prefix` (like a project page on a shared host). */
async function serveBelow(prefix: string): Promise<{ url: string; server: Server }> {
  const root = resolve(process.env.TABFLOW_DIST_DIR ?? resolve(import.meta.dirname, '../../dist'));
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
    const file = path.startsWith(prefix) ? path.slice(prefix.length) || 'index.html' : null;
    if (file === null || file.includes('..')) return void response.writeHead(404).end();
    readFile(resolve(root, file)).then(
      (body) =>
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`, server };
}

describe.skipIf(!chromiumPath)('every screen has an address', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a run and a step in it survive a reload, Back/Forward and a paste into a fresh page', async () => {
    const { page, context, logs } = await openPage(browser);
    await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
    await expectHash(page, /^#\/w\/[^/]+\/json$/);
    const workflowAddress = hashOf(page);
    const runId = await startRun(page, { location: 'Lisbon' });
    await waitForRunStatus(page, runId, 'completed', 45_000);
    const runAddress = `${workflowAddress.replace(/\/json$/, '')}/runs/${encodeURIComponent(runId)}`;
    await expectHash(page, runAddress);

    // Select the second LLM step: the address names it.
    const row = runLocator(page, runId).locator('.step-row[data-step-slug="fashion_agent"]');
    const stepKey = (await row.getAttribute('data-step-key'))!;
    await row.getByRole('link', { name: 'Select' }).click();
    const stepAddress = `${runAddress}/steps/${encodeURIComponent(stepKey)}`;
    await expectHash(page, stepAddress);
    await expect(selectedStep(page).getAttribute('data-step-key')).resolves.toBe(stepKey);

    await page.reload();
    await runLocator(page, runId).waitFor();
    await selectedStep(page).waitFor();
    expect(await selectedStep(page).getAttribute('data-step-key')).toBe(stepKey);
    expect(await page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected')).toBe('true');
    expect(hashOf(page)).toBe(stepAddress);
    await page.screenshot({ path: `${SHOTS}/routes-step-after-reload.png` });

    await page.goBack();
    await expectHash(page, runAddress);
    await expect.poll(() => selectedStep(page).count()).toBe(0);
    await page.goBack();
    await expectHash(page, workflowAddress);
    await expect.poll(() => page.getByRole('tab', { name: 'JSON' }).getAttribute('aria-selected')).toBe('true');
    await page.goForward();
    await page.goForward();
    await expectHash(page, stepAddress);
    await selectedStep(page).waitFor();

    // The address pasted into a fresh page of the same browser profile.
    const fresh = await context.newPage();
    await fresh.goto(`${baseUrl}${stepAddress}`);
    await runLocator(fresh, runId).waitFor();
    await selectedStep(fresh).waitFor();
    expect(await selectedStep(fresh).getAttribute('data-step-key')).toBe(stepKey);
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('Tables and Settings have addresses; a reload keeps them open over the same screen; closing returns', async () => {
    const { page, context } = await openPage(browser);
    await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expectHash(page, /^#\/w\/[^/]+\/runs$/);
    const runsAddress = hashOf(page);
    await page.getByRole('button', { name: 'Tables' }).click();
    await expectHash(page, '#/tables');
    await page.reload();
    const tables = page.getByRole('dialog', { name: 'Tables' });
    await tables.waitFor();
    // Underneath, still the workflow it was opened over.
    expect(await page.getByRole('tab', { name: 'Runs' }).getAttribute('aria-selected')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/routes-tables-after-reload.png` });
    await page.keyboard.press('Escape');
    await expectHash(page, runsAddress);
    expect(await tables.count()).toBe(0);

    await page.goto(`${baseUrl}#/settings`);
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await context.close();
  });

  it('an address to a deleted workflow, an unknown run or nothing at all says so, with the way home', async () => {
    const { page, context, logs } = await openPage(browser);
    await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
    await expectHash(page, /^#\/w\/[^/]+\/json$/);
    const workflowAddress = hashOf(page);

    await page.goto(`${baseUrl}${workflowAddress.replace(/\/json$/, '')}/runs/no-such-run`);
    const notFound = page.getByTestId('not-found');
    await notFound.getByText('This run is not here').waitFor();
    await page.screenshot({ path: `${SHOTS}/routes-unknown-run.png` });

    await page.goto(`${baseUrl}${workflowAddress}`);
    await page.getByRole('toolbar', { name: 'Workflow actions' }).getByRole('button', { name: 'Delete' }).click();
    await expectHash(page, '#/');
    await page.goto(`${baseUrl}${workflowAddress}`);
    await notFound.getByText('This workflow is not here').waitFor();
    await page.screenshot({ path: `${SHOTS}/routes-deleted-workflow.png` });
    await notFound.getByRole('link', { name: 'Go to the library' }).click();
    await expectHash(page, '#/');
    await page.getByRole('heading', { name: /durable llm workflows/i }).waitFor();

    await page.goto(`${baseUrl}#/w/%E0%A4%A/runs`);
    await notFound.getByText('This address leads nowhere').waitFor();
    await page.screenshot({ path: `${SHOTS}/routes-malformed.png` });
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('the build runs from a static host below any path: the address of a run there survives a reload', async () => {
    const host = await serveBelow('/team/tools/tabflow/');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${host.url}#/settings`);
      await page.getByRole('dialog', { name: 'Settings' }).waitFor();
      await page.keyboard.press('Escape');
      await page.locator(`[data-template-id="${TEMPLATE}"]`).getByRole('button', { name: 'Use template' }).click();
      const runId = await startRun(page, { location: 'Lisbon' });
      await waitForRunStatus(page, runId, 'completed', 45_000);
      await expectHash(page, new RegExp(`/runs/${runId}$`));
      await page.reload();
      await waitForRunStatus(page, runId, 'completed');
      expect(new URL(page.url()).pathname).toBe('/team/tools/tabflow/');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      host.server.close();
    }
  });

  it('a share link still imports, and the address becomes the imported workflow', async () => {
    const { page, context } = await openPage(browser);
    await importWorkflow(page, findTemplate('support-routing')!.doc);
    await expectHash(page, /^#\/w\/[^/]+\/json$/);
    await page.reload();
    await page.getByRole('textbox', { name: 'Workflow name' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Workflow name' }).inputValue()).toBe('Support Routing');
    expect(await page.getByRole('dialog', { name: 'Import preview' }).count()).toBe(0);
    await context.close();
  });
});
