import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { baseUrl } from './browser';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export type ColorScheme = 'light' | 'dark';

/** A page for accessibility checks, in a colour scheme and size; the app runs under its own CSP, as for anyone. */
export async function openCheckedPage(
  browser: Browser,
  options: { colorScheme: ColorScheme; width?: number; height?: number; hasTouch?: boolean },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme,
    hasTouch: options.hasTouch ?? false,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(baseUrl);
  await page.getByTestId('template-item').first().waitFor();
  return { context, page, errors };
}

/**
 * The serious and critical axe-core violations on the page as it is now (WCAG 2.x A and AA rules, best
 * practices), in the whole document or inside `scope` (a selector). axe is evaluated over the DevTools
 * protocol, which the app's Content-Security-Policy does not govern, so it works on any page.
 */
export async function axeViolations(page: Page, scope?: string): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(`${readFileSync(AXE_PATH, 'utf8')};0`);
  return page.evaluate(async (within) => {
    type AxeResult = {
      violations: Array<{ id: string; impact?: string; help: string; nodes: Array<{ target: string[] }> }>;
    };
    const axe = (window as unknown as { axe: { run(context: Document | string): Promise<AxeResult> } }).axe;
    const result = await axe.run(within ?? document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact!,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
  }, scope);
}

/**
 * Runs axe on the screen shown, saves a screenshot of it (test-results/a11y-<label>.png) and fails
 * on any serious or critical violation, listing each with the elements it was found on.
 */
export async function checkA11y(page: Page, label: string): Promise<void> {
  // Let transitions and toasts settle: axe reads computed colours as they are.
  await page.waitForTimeout(150);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `a11y-${label}.png`) });
  const violations = await axeViolations(page);
  expect(violations, `${label}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}
