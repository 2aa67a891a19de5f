import { screen, waitFor, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/engine/clock';
import { Engine } from '../../src/engine/engine';
import type { WorkflowFile } from '../../src/schema/workflow';
import type { TabflowDb } from '../../src/store/db';
import { createWorkflow } from '../../src/store/workflows';
import { DexieEngineStore } from '../../src/store/engineStore';
import { fakeModel } from '../support/model';
import { freshDb, renderApp } from './helpers';

/**
 * Workflow content and model answers are untrusted text: names, descriptions, step names, step
 * outputs, errors and model answers holding HTML, scripts, `javascript:` links and CSS must render as
 * text on every screen — never as an element or an attribute.
 */

const SCRIPT = '<script>window.__xss = "script"</script>';
const IMG = '<img src=x onerror="window.__xss = \'img\'">';
const LINK = '<a href="javascript:window.__xss=\'link\'">click me</a>';
const CSS = '<style>body { display: none }</style><div style="background:url(javascript:alert(1))">css</div>';
const MODEL_ANSWER = `Sure! ${SCRIPT} ${IMG} [a link](javascript:alert(1)) ${LINK}`;
const NAME = `Evil ${IMG}`.slice(0, 200);

const workflow: WorkflowFile = {
  workflowConfig: { name: NAME, description: `${LINK} ${CSS} ${SCRIPT}` },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: `Start ${SCRIPT}`,
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { default: 'ask' },
    },
    {
      stepSlug: 'ask',
      name: `Ask ${LINK}`,
      stepType: 'llm',
      config: { llmNode: { name: 'ask', model: 'm', userPrompt: `Repeat: ${IMG}`, tools: [] } },
      nextSteps: { success: 'mark' },
    },
    {
      stepSlug: 'mark',
      name: `Mark ${CSS}`,
      stepType: 'action',
      config: {
        action: 'set',
        values: { html: IMG, link: 'javascript:alert(1)', css: CSS, answer: '{{steps.ask.output}}' },
      },
      nextSteps: { success: 'boom' },
    },
    {
      stepSlug: 'boom',
      name: 'Boom',
      stepType: 'action',
      config: { action: 'transform', expression: `$error(${JSON.stringify(`failed ${IMG} ${SCRIPT}`)})` },
    },
  ],
} as WorkflowFile;

/** Runs the workflow to its end on the real engine over the database, with a model that answers HTML. */
async function runToEnd(db: TabflowDb, workflowId: string): Promise<void> {
  const engine = new Engine({
    store: new DexieEngineStore(db),
    clock: systemClock,
    runners: { model: fakeModel(() => MODEL_ANSWER) },
    maxParallelism: 2,
  });
  await engine.start({ workflow, workflowId, input: {} });
  await waitFor(async () => expect((await db.runs.toArray()).map((r) => r.status)).toEqual(['failed']), {
    timeout: 10_000,
  });
  engine.shutdown();
}

/** Nothing in the document may come from a payload: no script, image, javascript: link, inline style or handler. */
function assertNoInjectedMarkup(where: string): void {
  const body = document.body;
  expect(body.querySelectorAll('script').length, `${where}: <script>`).toBe(0);
  expect(body.querySelectorAll('img[src="x"], img[onerror]').length, `${where}: <img>`).toBe(0);
  expect(body.querySelectorAll('style').length, `${where}: <style>`).toBe(0);
  const links = [...body.querySelectorAll('[href], [src], [action], [formaction]')].filter((el) =>
    ['href', 'src', 'action', 'formaction'].some((name) => /^\s*javascript:/i.test(el.getAttribute(name) ?? '')),
  );
  expect(
    links.map((el) => el.outerHTML.slice(0, 120)),
    `${where}: javascript: URLs`,
  ).toEqual([]);
  const handlers = [...body.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name)));
  expect(
    handlers.map((el) => el.outerHTML.slice(0, 120)),
    `${where}: event-handler attributes`,
  ).toEqual([]);
  const styled = [...body.querySelectorAll('[style]')].filter((el) =>
    /url\(|javascript:|display:\s*none/i.test(el.getAttribute('style') ?? ''),
  );
  expect(
    styled.map((el) => el.outerHTML.slice(0, 120)),
    `${where}: inline styles`,
  ).toEqual([]);
  expect((window as unknown as { __xss?: unknown }).__xss, `${where}: a payload ran`).toBeUndefined();
}

/** The payload is on screen as the characters it is made of. */
function assertShownAsText(container: HTMLElement, fragment: string, where: string): void {
  expect(container.textContent ?? '', `${where} shows "${fragment.slice(0, 40)}" as text`).toContain(fragment);
}

async function importThroughPaste(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Paste JSON' }));
  const paste = screen.getByRole('dialog', { name: 'Paste JSON' });
  const box = within(paste).getByRole('textbox');
  (box as HTMLTextAreaElement).value = '';
  await user.click(box);
  await user.paste(JSON.stringify(workflow));
  await user.click(within(paste).getByRole('button', { name: 'Preview import' }));
  const preview = await screen.findByRole('dialog', { name: 'Import preview' });
  assertShownAsText(preview, NAME, 'the import preview (name)');
  assertShownAsText(preview, LINK, 'the import preview (description)');
  assertShownAsText(preview, `Ask ${LINK}`, 'the import preview (step name)');
  assertNoInjectedMarkup('import preview');
  await user.click(within(preview).getByRole('button', { name: 'Import' }));
  await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Import preview' })).toBeNull());
}

describe('untrusted text renders as text', () => {
  it('in the import preview, the library sidebar and toasts', async () => {
    const app = renderApp();
    await importThroughPaste(app.user);
    const item = await screen.findByTestId('workflow-item');
    assertShownAsText(item, NAME, 'the library sidebar');
    assertNoInjectedMarkup('library sidebar');
    assertShownAsText(await screen.findByRole('article'), LINK, 'the workflow view (description)');
    await app.user.click(screen.getByRole('button', { name: 'Duplicate' }));
    const toast = await screen.findByText((text) => text.startsWith('Duplicated as'));
    assertShownAsText(toast, IMG, 'the toast');
    assertNoInjectedMarkup('toasts');
  });

  it('in the run detail, the step inspector and the threads view, after a real run', async () => {
    const db = freshDb();
    const record = await createWorkflow(db, structuredClone(workflow));
    await runToEnd(db, record.id);
    const app = renderApp(db);
    const item = await screen.findByTestId('workflow-item');
    await app.user.click(within(item).getByRole('button', { name: (name) => name.startsWith(NAME) }));
    await app.user.click(await screen.findByRole('tab', { name: 'Runs' }));
    const detail = await waitFor(() => {
      const found = document.querySelector<HTMLElement>('.run-detail[data-run-status="failed"]');
      if (!found?.querySelector('[data-step-slug="boom"][data-status="failed"]'))
        throw new Error('the failed run and its steps are not shown yet');
      return found;
    });
    // Details (outputs, threads) render their content closed too; open the threads as a person would.
    const threads = detail.querySelector<HTMLElement>('.threads summary');
    if (threads) await app.user.click(threads);
    assertShownAsText(detail, `failed ${IMG}`, 'the run detail (step error)');
    assertShownAsText(detail, MODEL_ANSWER, 'the threads view (model answer)');
    assertShownAsText(detail, 'javascript:alert(1)', 'the step inspector (output)');
    assertNoInjectedMarkup('run detail, inspector and threads');
  });
});
