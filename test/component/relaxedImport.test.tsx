import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { listWorkflows } from '../../src/store/workflows';
import { pastedImport } from '../../src/ui/import/importSources';
import { freshDb, renderApp } from './helpers';

const PRINTED = `export default {
  workflowConfig: {
    name: 'Printed Example',
    workflowType: 'predefined' as const,
  },
  stepsConfig: [
    // the only step
    { stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {}, },
  ],
};`;

async function pasteAndPreview(app: ReturnType<typeof renderApp>, text: string) {
  await app.user.click(screen.getByRole('button', { name: 'Paste JSON' }));
  const paste = screen.getByRole('dialog', { name: 'Paste JSON' });
  fireEvent.change(within(paste).getByRole('textbox'), { target: { value: text } });
  await app.user.click(within(paste).getByRole('button', { name: 'Preview import' }));
  const dialog = await screen.findByRole('dialog', { name: 'Import preview' });
  await waitFor(() => expect(within(dialog).queryByText('Checking…')).toBeNull());
  return dialog;
}

describe('relaxed JSON and drafts on import', () => {
  test('a TypeScript object literal pasted as printed imports, saying it was converted to JSON', async () => {
    const app = renderApp(freshDb());
    const dialog = await pasteAndPreview(app, PRINTED);
    expect(within(dialog).getByRole('note').textContent).toMatch(/Converted from relaxed JSON/);
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/Imported “Printed Example” \(converted from relaxed JSON\)/)).toBeTruthy();
    const [record] = await listWorkflows(app.db);
    expect(record?.doc.stepsConfig[0]?.stepSlug).toBe('start');
    expect(record?.draftText).toBeUndefined();
  });

  test('a file with errors imports as a draft: the editor shows why, and it cannot run', async () => {
    const app = renderApp(freshDb());
    const dialog = await pasteAndPreview(app, PRINTED.replace("stepType: 'trigger'", "stepType: 'triger'"));
    expect((within(dialog).getByRole('button', { name: 'Import' }) as HTMLButtonElement).disabled).toBe(true);
    await app.user.click(within(dialog).getByRole('button', { name: 'Import as draft' }));
    expect(await screen.findByText(/Imported “Printed Example” as a draft/)).toBeTruthy();
    const [record] = await listWorkflows(app.db);
    expect(record?.draftText).toMatch(/"triger"/);
    const run = (await screen.findByRole('button', { name: 'Run' })) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    const panel = await screen.findByTestId('problems', {}, { timeout: 5_000 });
    await within(panel).findByRole('button', { name: /stepType/ }, { timeout: 5_000 });
    expect(screen.getByTestId('save-status').textContent).toMatch(/Draft/);
  });

  test('text pasted outside a text field is taken as a workflow when it starts like one, relaxed or not', async () => {
    for (const text of [PRINTED, '// a comment first\n{ a: 1 }', 'const workflow = { a: 1 };', '{"a": 1}']) {
      expect(await pastedImport(text)).toEqual({ source: 'paste', label: 'Pasted text', text });
    }
    expect(await pastedImport('just some words')).toBeNull();
  });

  test('a file over a limit offers no draft', async () => {
    const app = renderApp(freshDb());
    const dialog = await pasteAndPreview(app, "{ workflowConfig: { __proto__: { name: 'x' } }, stepsConfig: [] }");
    expect(within(dialog).getByText(/the key "__proto__" is not allowed/)).toBeTruthy();
    expect(within(dialog).queryByRole('button', { name: 'Import as draft' })).toBeNull();
  });
});
