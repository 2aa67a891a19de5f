import type { Page } from 'playwright-core';
import { buildExportFile, exportText } from '../../src/schema/exporter';
import { buildShareLink } from '../../src/schema/share';
import type { WorkflowFile } from '../../src/schema/workflow';
import { baseUrl } from './browser';

/** Brings a workflow into the app the way a person would: its share link, then "Import". */
export async function importWorkflow(page: Page, doc: WorkflowFile): Promise<void> {
  const link = await buildShareLink(exportText(buildExportFile(doc, () => undefined)), baseUrl);
  await page.goto(link);
  const preview = page.getByRole('dialog', { name: 'Import preview' });
  await preview.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator(`[data-testid="workflow-item"][data-workflow-name="${doc.workflowConfig.name}"]`).waitFor();
}

/** Presses Run, fills the inputs, starts, and returns the new run's id. */
export async function startRun(page: Page, inputs: Record<string, string> = {}): Promise<string> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const dialog = page.getByRole('dialog');
  for (const [name, value] of Object.entries(inputs)) await dialog.getByLabel(name, { exact: false }).fill(value);
  await dialog.getByRole('button', { name: 'Start run' }).click();
  const detail = page.locator('.run-detail').first();
  // An input the steps read but no schema declares, left empty, is warned about first: start anyway.
  const anyway = dialog.getByRole('button', { name: 'Start anyway' });
  await Promise.race([dialog.waitFor({ state: 'detached' }), anyway.waitFor()]);
  if (await anyway.isVisible()) await anyway.click();
  await detail.waitFor();
  return (await detail.getAttribute('data-run-id'))!;
}

export function runLocator(page: Page, runId: string) {
  return page.locator(`.run-detail[data-run-id="${runId}"]`);
}

export async function waitForRunStatus(page: Page, runId: string, status: string, timeout = 30_000): Promise<void> {
  await page.locator(`.run-detail[data-run-id="${runId}"][data-run-status="${status}"]`).waitFor({ timeout });
}

/** Opens a saved workflow's runs tab. */
export async function openRuns(page: Page, workflowName: string): Promise<void> {
  await page.locator(`[data-testid="workflow-item"][data-workflow-name="${workflowName}"]`).click();
  await page.getByRole('tab', { name: 'Runs' }).click();
}

/** Saves an OpenAI-compatible provider "Local server" (`providerUrl`, `key`) in Settings, which stays open. */
export async function saveLocalProvider(page: Page, providerUrl: string, key: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('button', { name: 'Add provider' }).click();
  const form = settings.getByRole('form', { name: 'Provider' });
  await form.getByLabel('Name', { exact: true }).fill('Local server');
  await form.getByLabel('Kind').selectOption('openai-compatible');
  await form.getByLabel('Base URL').fill(providerUrl);
  await form.getByLabel('API key', { exact: true }).fill(key);
  await form.getByRole('button', { name: 'Save provider' }).click();
}

/** Waits until the service worker has precached the app and controls this page. */
export async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const registration = await navigator.serviceWorker.ready;
      return registration.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
    },
    undefined,
    { timeout: 30_000 },
  );
}

/** Presses "Use template" on the first template and returns the new workflow's id (from its address). */
export async function useFirstTemplate(page: Page): Promise<string> {
  await page.getByTestId('template-item').first().getByRole('button', { name: 'Use template' }).click();
  await page.waitForURL(/#\/w\/[^/]+\/json/);
  return decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
}

/**
 * A header command (`role` and exact name). Below 720 px the commands fold behind the header's Menu button:
 * it is opened first when the command is not shown.
 */
export async function headerCommand(page: Page, role: 'button' | 'link', name: string) {
  const command = page.locator('.app-header').getByRole(role, { name, exact: true });
  const menu = page.locator('.app-header').getByRole('button', { name: /^Menu/ });
  if (!(await command.isVisible()) && (await menu.isVisible())) await menu.click();
  return command;
}
