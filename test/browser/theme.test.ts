import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, chromiumPath, launch } from './browser';

const DARK_SURFACE = 'rgb(23, 26, 32)';
const LIGHT_SURFACE = 'rgb(255, 255, 255)';

/** The colour a sidebar (a surface) is painted with right now. */
const surfaceColour = (page: Page) =>
  page.locator('.sidebar').evaluate((element) => getComputedStyle(element).backgroundColor);

describe.skipIf(!chromiumPath)('the theme in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("follows the system's preference live; a stored choice wins, applied by the entry module on reload", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await page.getByTestId('template-item').first().waitFor();
    expect(await surfaceColour(page)).toBe(DARK_SURFACE);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await surfaceColour(page)).toBe(LIGHT_SURFACE);
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');

    await page.getByLabel('Theme').selectOption('dark');
    expect(await surfaceColour(page)).toBe(DARK_SURFACE);
    // On the next visit the entry module has put the stored choice on <html> by DOMContentLoaded.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        (window as unknown as { themeAtStart: string | undefined }).themeAtStart =
          document.documentElement.dataset.theme;
      });
    });
    await page.reload();
    await page.getByTestId('template-item').first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { themeAtStart?: string }).themeAtStart)).toBe('dark');
    expect(await surfaceColour(page)).toBe(DARK_SURFACE);
    await context.close();
  });
});
