import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECT_TIMEOUT_MS } from '../../src/schema/limits';
import type { WorkflowFile } from '../../src/schema/workflow';
import { importWorkflow, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch, openPage } from './browser';
import { startEffectServer, type EffectServer } from './effectServer';

/** http steps in the built app: hosts in one normal form, no redirects followed, no request that hangs. */
const SHOTS = 'test-results';

function httpWorkflow(
  name: string,
  allowedHosts: string[],
  config: Record<string, unknown>,
  step: Record<string, unknown> = {},
): WorkflowFile {
  return {
    workflowConfig: {
      name,
      config: { allowedHosts, secrets: { API_TOKEN: { kind: 'local' }, ORG_ID: { kind: 'local' } } },
    },
    stepsConfig: [
      {
        stepSlug: 'start',
        name: 'Start',
        stepType: 'trigger',
        config: { type: 'manual' },
        nextSteps: { default: 'call' },
      },
      {
        stepSlug: 'call',
        name: 'Call',
        stepType: 'action',
        config: { action: 'http', method: 'POST', body: { order: 42 }, ...config },
        nextSteps: {},
        ...step,
      },
    ],
  } as WorkflowFile;
}

async function saveSecret(page: Page, name: string, value: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  const keys = settings.getByRole('region', { name: 'Keys' });
  await keys.getByLabel('Secret name').fill(name);
  await keys.getByLabel('Secret value').fill(value);
  await keys.getByRole('button', { name: 'Save secret' }).click();
  await keys.getByText(name, { exact: false }).first().waitFor();
  await settings.getByRole('button', { name: 'Close' }).click();
  await settings.waitFor({ state: 'hidden' });
}

describe.skipIf(!chromiumPath)('http steps: hosts, redirects and timeouts in the browser', () => {
  let browser: Browser;
  let server: EffectServer;
  let other: EffectServer;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launch();
    [server, other] = [await startEffectServer(0), await startEffectServer(0)];
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await other?.close();
  });

  it('a decimal-IPv4 URL asks to allow 127.0.0.1:PORT, names the secrets it sends, and runs after Allow', async () => {
    const { page, context, logs } = await openPage(browser);
    await saveSecret(page, 'API_TOKEN', 'tok-browser-123456');
    await saveSecret(page, 'ORG_ID', 'org-browser-7890');
    const url = `http://2130706433:${server.port}/decimal`;
    await importWorkflow(
      page,
      httpWorkflow('Decimal host', [server.host], {
        url,
        headers: { authorization: 'Bearer {{secrets.API_TOKEN}}', 'x-api-key': '{{secrets.ORG_ID}}' },
      }),
    );
    const runId = await startRun(page);
    const consent = runLocator(page, runId).getByTestId('host-consent');
    await consent.waitFor();
    await expect.poll(() => consent.getAttribute('data-host')).toBe(server.host);
    expect(await consent.innerText()).toMatch(
      new RegExp(`request to ${server.host.replace(/\./g, '\\.')}, with the secrets API_TOKEN, ORG_ID\\.`),
    );
    await runLocator(page, runId).screenshot({ path: `${SHOTS}/http-consent-secrets.png` });
    await page.getByRole('button', { name: `Allow ${server.host}` }).click();
    await waitForRunStatus(page, runId, 'completed', 20_000);
    const sent = server.log.filter((r) => r.path === '/decimal' && r.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe('Bearer tok-browser-123456');
    expect(await page.content()).not.toContain('tok-browser-123456');
    expect(logs.join('\n')).not.toContain('tok-browser-123456');
    await context.close();
  });

  it('a 307 to another port never reaches that port: the step fails with the redirect message, once', async () => {
    const { page, context } = await openPage(browser);
    await saveSecret(page, 'API_TOKEN', 'tok-redirect-123456');
    const to = `${other.origin}/steal`;
    await importWorkflow(
      page,
      httpWorkflow(
        'Redirected',
        [server.host, other.host],
        {
          url: `${server.origin}/redirect?to=${encodeURIComponent(to)}`,
          headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' },
        },
        { retryPolicy: { maxRetries: 3, backoffMs: 100 } },
      ),
    );
    const runId = await startRun(page);
    await page.getByRole('button', { name: `Allow ${server.host}` }).click();
    await waitForRunStatus(page, runId, 'failed', 20_000);
    const error = runLocator(page, runId).locator('[data-step-slug="call"] .step-error');
    await expect.poll(() => error.innerText()).toContain('the server answered with a redirect, which is not followed');
    await runLocator(page, runId).screenshot({ path: `${SHOTS}/http-redirect-refused.png` });
    expect(server.log.filter((r) => r.path === '/redirect' && r.method === 'POST')).toHaveLength(1);
    expect(other.log).toEqual([]);
    await context.close();
  });

  it(
    'a server that never answers: the default timeout ends the attempt and the retry policy runs it again',
    async () => {
      const { page, context } = await openPage(browser);
      await importWorkflow(
        page,
        httpWorkflow(
          'Never answers',
          [server.host],
          { url: `${server.origin}/hang-once/browser`, method: 'GET', body: undefined },
          { retryPolicy: { maxRetries: 2, backoffMs: 200, jitter: false } },
        ),
      );
      const runId = await startRun(page);
      await page.getByRole('button', { name: `Allow ${server.host}` }).click();
      // No timeoutMs on the step: the default for an http request applies.
      await waitForRunStatus(page, runId, 'completed', EFFECT_TIMEOUT_MS.http + 20_000);
      const row = runLocator(page, runId).locator('[data-step-slug="call"]');
      await expect.poll(() => row.innerText()).toContain('2 attempts, 1 failed');
      await runLocator(page, runId).screenshot({ path: `${SHOTS}/http-timeout-retried.png` });
      expect(server.log.filter((r) => r.path === '/hang-once/browser' && r.method === 'GET')).toHaveLength(2);
      await context.close();
    },
    EFFECT_TIMEOUT_MS.http + 40_000,
  );
});
