import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/chromium';

export const chromiumPath = inject('chromiumPath');
export const baseUrl = inject('baseUrl');

/** A browser for one test file. Each `newPage` context starts with empty storage. */
export async function launch(): Promise<Browser> {
  if (!chromiumPath) throw new Error('no chromium');
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console messages and page errors seen so far (for assertions that nothing leaked or crashed). */
  logs: string[];
}

export async function openPage(browser: Browser, path = ''): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`pageerror: ${error.message}`));
  await page.goto(new URL(path, baseUrl).toString());
  return { context, page, logs };
}
