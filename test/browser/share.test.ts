import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportFile, exportText } from '../../src/schema/exporter';
import { buildShareLink } from '../../src/schema/share';
import { findTemplate } from '../../src/templates';
import { baseUrl, chromiumPath, launch, openPage } from './browser';

describe.skipIf(!chromiumPath)('share links in the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opening a share link shows the preview; Import saves the workflow, which survives a reload', async () => {
    const template = findTemplate('support-routing')!;
    const link = await buildShareLink(exportText(buildExportFile(template.doc, () => undefined)), baseUrl);
    const { page, context, logs } = await openPage(browser, link.slice(baseUrl.length));
    const preview = page.getByRole('dialog', { name: 'Import preview' });
    await preview.waitFor();
    // The file is checked in a worker ("Checking…") before its summary shows.
    await preview.getByText('Support Routing').first().waitFor();
    expect(await page.locator('[data-testid="workflow-item"]').count()).toBe(0);
    await preview.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('[data-testid="workflow-item"][data-workflow-name="Support Routing"]').waitFor();
    // The share fragment is gone; the address is the imported workflow's.
    expect(new URL(page.url()).hash).toMatch(/^#\/w\/[^/]+\/json$/);
    await page.reload();
    await page.locator('[data-testid="workflow-item"][data-workflow-name="Support Routing"]').waitFor();
    expect(await page.getByRole('dialog', { name: 'Import preview' }).count()).toBe(0);
    expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('a damaged link explains itself and imports nothing', async () => {
    const { page, context } = await openPage(browser, '#workflow=AAAA-broken');
    await page
      .getByText(/damaged or incomplete/)
      .first()
      .waitFor();
    expect(await page.locator('[data-testid="workflow-item"]').count()).toBe(0);
    await context.close();
  });

  it('serves the JSON Schema of the format', async () => {
    const response = await fetch(new URL('workflow.schema.json', baseUrl));
    expect(response.status).toBe(200);
    const schema = await response.json();
    expect(schema.$id).toBe('/workflow.schema.json');
    expect(JSON.stringify(schema)).toContain('stepsConfig');
  });
});
