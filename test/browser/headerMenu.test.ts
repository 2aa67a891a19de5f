import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openCheckedPage, SCREENSHOT_DIR, type ColorScheme } from './axe';
import { chromiumPath, launch } from './browser';

/**
 * The header on a narrow window (420 px): one bar no taller than 64 px, its commands behind "Menu" — opened by
 * keyboard or a tap, Escape closes it and gives focus back, every destination reachable both ways, axe clean —
 * and on a wide one (1280 px) every command in one row with no Menu button. Screenshots in test-results/header/.
 */
const shots = resolve(SCREENSHOT_DIR, 'header');

/** Every destination of the header, by role and name. */
const COMMANDS: Array<{ role: 'button' | 'link' | 'combobox'; name: string }> = [
  { role: 'combobox', name: 'Theme' },
  { role: 'link', name: 'Inbox' },
  { role: 'link', name: 'Runs' },
  { role: 'link', name: 'Experiments' },
  { role: 'button', name: 'Import file' },
  { role: 'button', name: 'Paste JSON' },
  { role: 'button', name: 'Tables' },
  { role: 'button', name: 'Settings' },
  { role: 'button', name: 'New workflow' },
  { role: 'button', name: 'Keyboard shortcuts' },
];

const header = (page: Page) => page.locator('.app-header');
const menuButton = (page: Page) => header(page).getByRole('button', { name: /^Menu/ });
const command = (page: Page, { role, name }: (typeof COMMANDS)[number]) =>
  header(page).getByRole(role, { name, exact: true });

async function shoot(page: Page, name: string) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: resolve(shots, `${name}.png`) });
}

describe.skipIf(!chromiumPath)('the header', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each<ColorScheme>(['light', 'dark'])(
    'at 420 px: one bar, its commands behind Menu (%s)',
    async (scheme) => {
      const { context, page, errors } = await openCheckedPage(browser, {
        colorScheme: scheme,
        width: 420,
        hasTouch: true,
      });
      try {
        const bar = (await header(page).boundingBox())!;
        expect(bar.height).toBeLessThanOrEqual(64);
        for (const each of COMMANDS) expect(await command(page, each).isVisible(), each.name).toBe(false);
        expect(await axeViolations(page)).toEqual([]);
        await shoot(page, `header-${scheme}-420-closed`);

        // Keyboard: Tab reaches Menu, Enter opens it, Tab walks every command, Escape closes and gives focus back.
        const menu = menuButton(page);
        await menu.focus();
        await page.keyboard.press('Enter');
        expect(await menu.getAttribute('aria-expanded')).toBe('true');
        const reached: string[] = [];
        for (let i = 0; i < COMMANDS.length; i++) {
          await page.keyboard.press('Tab');
          reached.push(
            await page.evaluate(() => {
              const active = document.activeElement as HTMLElement | null;
              if (!active?.closest('.app-header')) return '';
              const label = (active as HTMLSelectElement).labels?.[0]?.textContent;
              return active.getAttribute('aria-label') ?? label ?? active.textContent?.trim() ?? '';
            }),
          );
        }
        // Tab from Menu walks every command, in order (the executor note is text, not a stop).
        expect(reached).toEqual(COMMANDS.map((each) => each.name));
        for (const each of COMMANDS) expect(await command(page, each).isVisible(), each.name).toBe(true);
        // Tabbing on out of the panel closes it.
        await page.keyboard.press('Tab');
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await menu.click();
        // Open: the panel lies over the page, axe clean.
        expect(await axeViolations(page)).toEqual([]);
        await shoot(page, `header-${scheme}-420-open`);
        await page.keyboard.press('Escape');
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
        expect(await command(page, COMMANDS[7]!).isVisible()).toBe(false);

        // Keyboard, to a dialog and back: Enter on Settings opens it; closing it returns focus to Menu.
        await page.keyboard.press('Enter');
        await command(page, { role: 'button', name: 'Settings' }).focus();
        await page.keyboard.press('Enter');
        const settings = page.getByRole('dialog', { name: 'Settings' });
        await settings.waitFor();
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await page.keyboard.press('Escape');
        await settings.waitFor({ state: 'detached' });
        expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);

        // Touch: a tap opens the menu, a tap on a link goes there and closes it; a tap outside closes it too.
        await menu.tap();
        await command(page, { role: 'link', name: 'Runs' }).tap();
        await page.waitForURL(/#\/runs/);
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await menu.tap();
        await command(page, { role: 'link', name: 'Experiments' }).waitFor();
        await page.touchscreen.tap(200, 600);
        expect(await menu.getAttribute('aria-expanded')).toBe('false');
        await menu.tap();
        await command(page, { role: 'link', name: 'Inbox' }).tap();
        await page.waitForURL(/#\/inbox/);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  it.each<ColorScheme>(['light', 'dark'])(
    'at 1280 px: every command in one row, no Menu (%s)',
    async (scheme) => {
      const { context, page, errors } = await openCheckedPage(browser, {
        colorScheme: scheme,
        width: 1280,
        hasTouch: true,
      });
      try {
        expect((await header(page).boundingBox())!.height).toBeLessThanOrEqual(64);
        expect(await menuButton(page).isVisible()).toBe(false);
        const tops = new Set<number>();
        for (const each of COMMANDS) {
          const box = await command(page, each).boundingBox();
          expect(box, each.name).not.toBeNull();
          tops.add(Math.round(box!.y + box!.height / 2));
        }
        expect(tops.size).toBe(1);
        expect(await axeViolations(page)).toEqual([]);
        await shoot(page, `header-${scheme}-1280`);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
