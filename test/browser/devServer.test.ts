import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRun, waitForRunStatus } from './app';
import { chromiumPath, launch } from './browser';

/** `npm run dev` as on a fresh machine: its own dependency cache, optimized from scratch. */
async function startDevServer(cacheDir: string): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    configFile: resolve(import.meta.dirname, '../../vite.config.ts'),
    cacheDir,
    optimizeDeps: { force: true },
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'silent',
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 5173;
  return { server, url: `http://127.0.0.1:${port}/` };
}

describe.skipIf(!chromiumPath)('the quick start (npm run dev)', () => {
  let browser: Browser;
  let dev: { server: ViteDevServer; url: string };
  const cacheDir = mkdtempSync(join(tmpdir(), 'tabflow-vite-'));
  beforeAll(async () => {
    [browser, dev] = await Promise.all([launch(), startDevServer(cacheDir)]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), dev?.server.close()]);
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('serves an app whose first run on the demo model completes without the page reloading', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    let loads = 0;
    page.on('load', () => loads++);
    await page.goto(dev.url);
    await page
      .locator('[data-template-id="weather-outfit-chain"]')
      .getByRole('button', { name: 'Use template' })
      .click();
    const runId = await startRun(page, { location: 'Lisbon' });
    await waitForRunStatus(page, runId, 'completed', 45_000);
    expect(loads).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
