import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { CHROMIUM_FLAGS } from '../test/support/chromium';

const BENCH = fileURLToPath(new URL('.', import.meta.url));

/**
 * The quick bench scripts (`resumeOnly.ts`, `anatomyOnly.ts`, `compareBuilds.ts`): each bench page build of `dists`
 * served on 127.0.0.1 and opened in one headless Chromium over a fresh on-disk `profile` (one page each, its own
 * origin, so its own IndexedDB); `measure` runs once every page is ready, and the browser and the servers are closed
 * after it, whatever it does.
 */
export async function withQuickBenchPages<T>(
  dists: readonly string[],
  profile: string,
  measure: (pages: Page[]) => Promise<T>,
): Promise<T> {
  rmSync(profile, { recursive: true, force: true });
  mkdirSync(profile, { recursive: true });
  const servers: PreviewServer[] = [];
  try {
    for (const dist of dists) servers.push(await serve(dist));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_FLAGS,
    });
    try {
      const pages: Page[] = [];
      for (const server of servers) {
        const page = await context.newPage();
        await page.goto(addressOf(server));
        await page.locator('body[data-ready="true"]').waitFor();
        pages.push(page);
      }
      return await measure(pages);
    } finally {
      await context.close();
    }
  } finally {
    for (const server of servers) await server.close();
  }
}

export function withQuickBenchPage<T>(dist: string, profile: string, measure: (page: Page) => Promise<T>): Promise<T> {
  return withQuickBenchPages([dist], profile, ([page]) => measure(page!));
}

function serve(dist: string): Promise<PreviewServer> {
  return preview({
    configFile: `${BENCH}vite.config.ts`,
    root: BENCH,
    build: { outDir: dist },
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'warn',
  });
}

function addressOf(server: PreviewServer): string {
  const address = server.httpServer.address();
  if (typeof address !== 'object' || !address) throw new Error('preview server has no address');
  return `http://127.0.0.1:${address.port}/`;
}
