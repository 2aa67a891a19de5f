import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, createServer, type Plugin } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExportFile, exportText } from '../../src/schema/exporter';
import { buildShareLink } from '../../src/schema/share';
import { TEMPLATES } from '../../src/templates';
import { controlledByServiceWorker, runLocator, startRun, waitForRunStatus } from './app';
import { chromiumPath, launch } from './browser';
import { serveStatic, type StaticSite } from './staticSite';

const SHOTS = 'test-results';
const ROOT = resolve(import.meta.dirname, '../..');
/** The build the other browser tests use (globalSetup serves the same directory). */
const FIRST_BUILD = resolve(process.env.TABFLOW_DIST_DIR ?? join(ROOT, 'dist'));

/** A second deployment: the same app, its page marked so the test can tell which version is running. */
async function buildSecondDeployment(outDir: string): Promise<void> {
  const marker: Plugin = {
    name: 'second-deployment-marker',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: 'tabflow-deployment', content: 'second' } }],
  };
  // Vitest runs with NODE_ENV=test, which would make this a development build: a deployment is a production one.
  const testEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      root: ROOT,
      mode: 'production',
      plugins: [marker],
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = testEnv;
  }
}

/** What each template's Run form gets (every template runs on the demo model). */
const OFFLINE_INPUTS: Record<string, Record<string, string>> = {
  'single-customer-status': { customerId: 'cus_002' },
  'weather-outfit-chain': { location: 'Lisbon' },
  'parallel-analysis': { customerId: 'cus_001' },
  'support-routing': { message: 'I was charged twice for my subscription this month.' },
  'approval-before-update': { customerId: 'cus_002' },
  'invoice-extraction': { email: 'Please invoice ACME GmbH for 3 workshop days at 1200 EUR each. Due in 30 days.' },
  'customer-digest': {},
};

function singleCustomer() {
  const doc = structuredClone(TEMPLATES.find((t) => t.id === 'single-customer-status')!.doc);
  doc.workflowConfig.name = 'Offline import';
  return doc;
}

async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 } });
}

const deployment = (page: Page) =>
  page.evaluate(() => document.querySelector('meta[name="tabflow-deployment"]')?.getAttribute('content') ?? 'first');

async function useTemplate(page: Page, templateId: string): Promise<void> {
  await page.locator(`[data-template-id="${templateId}"]`).getByRole('button', { name: 'Use template' }).click();
  await page.locator('[data-testid="json-editor"] .cm-editor').waitFor();
}

describe.skipIf(!chromiumPath)('installable and offline (service worker, manifest, new versions)', () => {
  let browser: Browser;
  let site: StaticSite;
  const secondBuild = mkdtempSync(join(tmpdir(), 'tabflow-second-build-'));
  beforeAll(async () => {
    [browser, site] = await Promise.all([launch(), serveStatic(FIRST_BUILD)]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close()]);
    rmSync(secondBuild, { recursive: true, force: true });
  });

  it('the service worker precaches every script and stylesheet of the build (workers too), and no source map', () => {
    const serviceWorker = readFileSync(join(FIRST_BUILD, 'sw.js'), 'utf8');
    const precached = new Set([...serviceWorker.matchAll(/url:"([^"]+)"/g)].map((m) => m[1]));
    const assets = readdirSync(join(FIRST_BUILD, 'assets')).filter((name) => /\.(js|css)$/.test(name));
    expect(assets.some((name) => /^executor\.worker-/.test(name))).toBe(true);
    expect(assets.some((name) => /^validation\.worker-/.test(name))).toBe(true);
    expect(assets.filter((name) => !precached.has(`assets/${name}`))).toEqual([]);
    for (const file of ['index.html', 'workflow.schema.json', 'manifest.webmanifest', 'favicon.svg']) {
      expect(precached.has(file), file).toBe(true);
    }
    expect([...precached].filter((url) => url!.endsWith('.map'))).toEqual([]);
  });

  it('after one visit, with no network at all, the app reloads and runs every template on the demo model', async () => {
    site.deploy(FIRST_BUILD);
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(site.url);
    await page.locator('[data-template-id="customer-digest"]').waitFor();
    await controlledByServiceWorker(page);

    await context.setOffline(true);
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    for (const template of TEMPLATES) {
      await useTemplate(page, template.id);
      const runId = await startRun(page, OFFLINE_INPUTS[template.id]);
      if (template.id === 'approval-before-update') {
        await runLocator(page, runId).getByRole('button', { name: 'Approve' }).click({ timeout: 60_000 });
      }
      await waitForRunStatus(page, runId, 'completed', 90_000);
      const statuses = await runLocator(page, runId)
        .locator('[data-step-slug]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
      expect(
        statuses.every((status) => status === 'completed'),
        template.id,
      ).toBe(true);
      if (template.id === 'customer-digest' || template.id === 'weather-outfit-chain') {
        await page.screenshot({ path: `${SHOTS}/pwa-offline-${template.id}-completed.png` });
      }
    }

    // The format's schema, and the import check's worker (a share link opens the preview), come from the cache too.
    expect(await page.evaluate(async () => (await (await fetch('/workflow.schema.json')).json()).$schema)).toBeTruthy();
    await page.goto(await buildShareLink(exportText(buildExportFile(singleCustomer(), () => undefined)), site.url));
    const preview = page.getByRole('dialog', { name: 'Import preview' });
    await preview.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('[data-testid="workflow-item"][data-workflow-name="Offline import"]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it('served from a sub-path of a static host, it installs there and starts offline there', async () => {
    const nested = await serveStatic(FIRST_BUILD, '/tools/tabflow/');
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(nested.url);
      await page.locator('[data-template-id="customer-digest"]').waitFor();
      await controlledByServiceWorker(page);
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(scope).toBe(nested.url);
      const manifestUrl = new URL((await page.locator('link[rel="manifest"]').getAttribute('href'))!, nested.url);
      const manifest = (await (await page.request.get(manifestUrl.toString())).json()) as { start_url: string };
      expect(new URL(manifest.start_url, manifestUrl).toString()).toBe(nested.url);
      await context.setOffline(true);
      expect((await page.reload())?.fromServiceWorker()).toBe(true);
      await useTemplate(page, 'customer-digest');
    } finally {
      await context.close();
      await nested.close();
    }
  });

  it('a new deployment waits for Reload: the open tab is not reloaded, and Reload brings the new version', async () => {
    site.deploy(FIRST_BUILD);
    const context = await newContext(browser);
    const page = await context.newPage();
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(site.url);
    await page.locator('[data-template-id="customer-digest"]').waitFor();
    await controlledByServiceWorker(page);
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    expect(await deployment(page)).toBe('first');

    await buildSecondDeployment(secondBuild);
    site.deploy(secondBuild);
    // The tab checks for a new version when it comes back into view (and every hour).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const banner = page.getByRole('status', { name: 'New version' });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain('A new version is ready.');
    await page.screenshot({ path: `${SHOTS}/pwa-update-ready.png` });
    // Nothing reloads by itself: the same document, still the first version, even after a while.
    await page.waitForTimeout(1500);
    expect(loads).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await deployment(page)).toBe('first');

    await Promise.all([
      page.waitForEvent('load', { timeout: 30_000 }),
      banner.getByRole('button', { name: 'Reload' }).click(),
    ]);
    await page.locator('[data-template-id="customer-digest"]').waitFor();
    expect(await deployment(page)).toBe('second');
    // The new version keeps its service worker (it registers it again as the production build it is).
    await controlledByServiceWorker(page);
    await page.waitForTimeout(1000);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(1);
    expect(await page.getByRole('status', { name: 'New version' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/pwa-update-reloaded.png` });
    await context.close();
  }, 120_000);

  it('serves a valid web app manifest whose icons load, and Chromium finds the app installable', async () => {
    site.deploy(FIRST_BUILD);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(site.url);
    await controlledByServiceWorker(page);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifestUrl = new URL(href!, site.url).toString();
    const response = await page.request.get(manifestUrl);
    expect(response.ok()).toBe(true);
    const manifest = (await response.json()) as {
      name: string;
      start_url: string;
      display: string;
      theme_color: string;
      icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
    };
    expect(manifest).toMatchObject({ name: expect.stringContaining('Tabflow'), display: 'standalone' });
    expect(manifest.start_url).not.toMatch(/^\//); // relative: the build works under any path
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of manifest.icons) {
      const image = await page.request.get(new URL(icon.src, manifestUrl).toString());
      expect(image.headers()['content-type']).toBe('image/png');
      const png = await image.body();
      // PNG signature, then the IHDR chunk's width and height.
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`).toBe(icon.sizes);
    }
    const cdp = await context.newCDPSession(page);
    const { errors } = (await cdp.send('Page.getAppManifest')) as { errors: Array<{ message: string }> };
    expect(errors).toEqual([]);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: Array<{ errorId: string }>;
    };
    // A test context is incognito-like, which Chromium names as the one reason it would not offer to install.
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await context.close();
  });

  it('without the service worker, a lazy part that cannot be downloaded says so and loads on Retry', async () => {
    site.deploy(FIRST_BUILD);
    // As a tab opened before the service worker existed, or a browser that refuses it.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(site.url);
    await page.locator('[data-template-id="customer-digest"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-template-id="customer-digest"]').getByRole('button', { name: 'Use template' }).click();
    const failed = page.getByRole('alert').filter({ hasText: 'Couldn’t load this part (the JSON editor)' });
    await failed.waitFor({ timeout: 15_000 });
    // The rest of the app is still there: the workflow's toolbar and the library.
    await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}/pwa-lazy-chunk-failed.png` });
    // Nothing asks for it again and again while offline: only Retry does.
    let editorRequests = 0;
    page.on('request', (request) => void (/\/JsonEditor-[^/]*\.js/.test(request.url()) && editorRequests++));
    await page.waitForTimeout(1000);
    expect(editorRequests).toBe(0);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-testid="json-editor"] .cm-editor').waitFor({ timeout: 15_000 });

    // A part with a stylesheet of its own (the graph): on Retry it comes back styled, not bare.
    await context.setOffline(true);
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByRole('alert').filter({ hasText: 'Couldn’t load this part (the graph)' }).waitFor();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.locator('.graph-view').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() =>
      [...document.styleSheets].some((sheet) => {
        if (!/GraphCanvas-[^/]*\.css/.test(sheet.href ?? '')) return false;
        try {
          return sheet.cssRules.length > 0;
        } catch {
          return false; // the copy that failed to download
        }
      }),
    );
    await page.screenshot({ path: `${SHOTS}/pwa-lazy-graph-retried.png` });
    await context.close();
  });

  it('npm run dev where a built app left its service worker: the dev files are served, not that cache', async () => {
    // The built app first, as `vite preview` would serve it; then the dev server on the same port.
    const built = await serveStatic(FIRST_BUILD);
    const port = Number(new URL(built.url).port);
    const cacheDir = mkdtempSync(join(tmpdir(), 'tabflow-vite-'));
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(built.url);
    await controlledByServiceWorker(page);
    await built.close();
    const dev = await createServer({
      configFile: join(ROOT, 'vite.config.ts'),
      cacheDir,
      server: { host: '127.0.0.1', port, strictPort: true },
      logLevel: 'silent',
    });
    try {
      await dev.listen();
      // What the browser's update check gets from the dev server for the old worker: one that removes itself.
      const devWorker = await page.request.get(new URL('sw.js', built.url).toString());
      expect(devWorker.ok()).toBe(true);
      expect(devWorker.headers()['content-type']).toContain('javascript');
      expect(await devWorker.text()).toContain('registration.unregister()');
      await page.goto(built.url);
      // The old worker may answer this one navigation; the browser's update check then gets the dev
      // server's self-removing worker, which drops the caches and reloads the page from the dev server.
      await page.waitForFunction(
        async () =>
          navigator.serviceWorker.controller === null &&
          (await navigator.serviceWorker.getRegistrations()).length === 0 &&
          document.querySelector('script[src="/@vite/client"]') !== null,
        undefined,
        { timeout: 60_000, polling: 500 },
      );
      await page.locator('[data-template-id="customer-digest"]').waitFor({ timeout: 60_000 });
      // And it stays so: a reload is the dev server's, and the dev app drops what the old worker had cached.
      await page.reload();
      await page.waitForFunction(
        async () =>
          document.querySelector('script[src="/@vite/client"]') !== null &&
          navigator.serviceWorker.controller === null &&
          (await caches.keys()).length === 0,
        undefined,
        { timeout: 30_000, polling: 500 },
      );
    } finally {
      await context.close();
      await dev.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 150_000);
});
