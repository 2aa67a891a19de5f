import { EditorView } from '@codemirror/view';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { listVersions } from '../../src/store/versions';
import { createWorkflow, getWorkflow, saveWorkflowDoc } from '../../src/store/workflows';
import type { WorkflowFile } from '../../src/schema/workflow';
import { chain, llm, set } from '../support/flows';
import { freshDb, renderApp } from './helpers';
import { waitingRun } from './runFixtures';

const doc = (prompt: string, extra: Record<string, unknown>[] = []): WorkflowFile =>
  chain('Routing', [llm('classify', prompt), ...extra]);

async function openWorkflow(setup: (db: ReturnType<typeof freshDb>, id: string) => Promise<void> = async () => {}) {
  const db = freshDb();
  const record = await createWorkflow(db, doc('Classify {{input.value}}'));
  await setup(db, record.id);
  const app = renderApp(db);
  await app.user.click(await screen.findByRole('button', { name: /^Routing/ }));
  return { ...app, id: record.id };
}

async function editor(): Promise<EditorView> {
  const container = await screen.findByTestId('json-editor', {}, { timeout: 5_000 });
  const dom = await waitFor(() => container.querySelector<HTMLElement>('.cm-editor') ?? Promise.reject(new Error()));
  return EditorView.findFromDOM(dom)!;
}

const versionRow = (seq: number) => {
  const row = document.querySelector<HTMLElement>(`[data-version-seq="${seq}"]`);
  if (!row) throw new Error(`no row for version ${seq}`);
  return row;
};

describe('versions panel', () => {
  test('lists versions with their summaries, names one, diffs any two and restores one as a new version', async () => {
    const { user, db, id } = await openWorkflow(async (db, id) => {
      await saveWorkflowDoc(db, id, doc('Sort {{input.value}}'), { session: 'one' });
      await saveWorkflowDoc(db, id, doc('Sort {{input.value}}', [set('notify', { done: true })]), { session: 'two' });
    });
    await user.click(await screen.findByRole('button', { name: 'Versions' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions of Routing' });
    await waitFor(() => expect(within(dialog).getAllByRole('listitem').length).toBeGreaterThanOrEqual(3));
    expect(within(versionRow(3)).getByText('added step `notify`, changed next steps of `classify`')).toBeTruthy();
    expect(within(versionRow(2)).getByText('changed prompt of `classify`')).toBeTruthy();
    expect(within(versionRow(1)).getByText('created with 2 steps')).toBeTruthy();

    // The newest and the one before it are compared first.
    const diff = () => within(dialog).getByRole('region', { name: /^Changes from/ });
    expect(within(diff()).getByRole('heading', { name: 'From version 2 to version 3 (current)' })).toBeTruthy();
    expect(diff().querySelector('[data-diff-kind="added"]')?.textContent).toContain('notify');

    // Pick version 1 instead of 2: the diff follows, with a JSON diff of the changed step.
    await user.click(within(versionRow(2)).getByRole('checkbox', { name: 'Compare version 2' }));
    await user.click(within(versionRow(1)).getByRole('checkbox', { name: 'Compare version 1' }));
    expect(within(diff()).getByRole('heading', { name: 'From version 1 to version 3 (current)' })).toBeTruthy();
    const changed = within(diff()).getByText('classify').closest('details')!;
    expect(within(changed).getByText('config.llmNode.userPrompt')).toBeTruthy();
    expect(within(changed).getByText('"Classify {{input.value}}"')).toBeTruthy();
    expect(within(changed).getByText('"Sort {{input.value}}"')).toBeTruthy();

    await user.click(within(versionRow(2)).getByRole('button', { name: 'Name version 2' }));
    await user.type(within(versionRow(2)).getByRole('textbox', { name: 'Name of version 2' }), 'Sorted{Enter}');
    await waitFor(() => expect(within(versionRow(2)).getByText('Sorted')).toBeTruthy());
    expect((await listVersions(db, id)).find((v) => v.seq === 2)?.name).toBe('Sorted');

    await user.click(within(versionRow(1)).getByRole('button', { name: 'Restore version 1' }));
    await waitFor(() => expect(document.querySelector('[data-version-seq="4"]')).not.toBeNull());
    expect(within(versionRow(4)).getByText(/^restored version 1: removed step `notify`/)).toBeTruthy();
    expect((await getWorkflow(db, id))?.doc).toEqual(doc('Classify {{input.value}}'));
    // The editor, with nothing unsaved, shows the restored document.
    await user.keyboard('{Escape}');
    await waitFor(async () =>
      expect(JSON.parse((await editor()).state.doc.toString())).toEqual(doc('Classify {{input.value}}')),
    );
  });
});

describe('runs and their versions', () => {
  test('a run in flight on an older version is named in the editor, and its detail links to that version', async () => {
    const { user } = await openWorkflow(async (db, id) => {
      const [first] = await listVersions(db, id);
      await db.runs.put({ ...waitingRun, workflowId: id, workflowHash: first!.definitionHash, createdAt: Date.now() });
      await saveWorkflowDoc(db, id, doc('Edited while it runs'));
    });
    await waitFor(() =>
      expect(document.querySelector('.running-version-note')?.textContent).toContain(
        'A run is still running version 1; you are editing version 2.',
      ),
    );
    await user.click(screen.getByRole('tab', { name: 'Runs' }));
    await user.click(await screen.findByRole('button', { name: /^waiting/ }));
    await user.click(await screen.findByRole('button', { name: 'ran version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Versions of Routing' });
    await waitFor(() =>
      expect(within(dialog).getByRole('heading', { name: 'From version 1 to version 2 (current)' })).toBeTruthy(),
    );
    expect(versionRow(1).classList.contains('version-focused')).toBe(true);
  });
});

describe('changed in another tab', () => {
  /** This tab types; before its save, another tab saves the same workflow. */
  async function conflict() {
    const app = await openWorkflow();
    const view = await editor();
    const mine = JSON.stringify(doc('Mine {{input.value}}'), null, 2);
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: mine } });
    await saveWorkflowDoc(app.db, app.id, doc('Theirs {{input.value}}'), { baseRevision: 1, session: 'other-tab' });
    const banner = await screen.findByRole('alert', { name: 'Changed in another tab' }, { timeout: 3_000 });
    expect(screen.getByTestId('save-status').textContent).toBe('Changed in another tab');
    expect((await getWorkflow(app.db, app.id))?.doc).toEqual(doc('Theirs {{input.value}}'));
    return { ...app, view, banner };
  }

  test('see both shows their version against mine; keep mine saves mine on top as a version of its own', async () => {
    const { user, db, id, view, banner } = await conflict();
    await user.click(within(banner).getByRole('button', { name: 'See both' }));
    const both = within(banner).getByRole('region', { name: 'Changes from theirs to yours' });
    expect(within(both).getByText('"Theirs {{input.value}}"')).toBeTruthy();
    expect(within(both).getByText('"Mine {{input.value}}"')).toBeTruthy();
    await user.click(within(banner).getByRole('button', { name: 'Keep mine' }));
    await waitFor(() => expect(screen.queryByRole('alert', { name: 'Changed in another tab' })).toBeNull());
    await waitFor(async () => expect((await getWorkflow(db, id))?.doc).toEqual(doc('Mine {{input.value}}')), {
      timeout: 3_000,
    });
    expect((await listVersions(db, id)).map((v) => v.origin)).toEqual(['conflict-copy', 'edit', 'import']);
    expect(JSON.parse(view.state.doc.toString())).toEqual(doc('Mine {{input.value}}'));
  });

  test('while the choice is open, closing the tab asks first, and leaving the workflow keeps mine', async () => {
    const { user, db, id } = await conflict();
    const closing = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(closing);
    expect(closing.defaultPrevented).toBe(true);
    await user.click(screen.getByTitle('Go to the library'));
    await waitFor(async () => expect((await getWorkflow(db, id))?.doc).toEqual(doc('Mine {{input.value}}')), {
      timeout: 3_000,
    });
    const after = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(after);
    expect(after.defaultPrevented).toBe(false);
  });

  test('take theirs shows their document, and the next edit saves on top of it', async () => {
    const { user, db, id, view, banner } = await conflict();
    await user.click(within(banner).getByRole('button', { name: 'Take theirs' }));
    expect(screen.queryByRole('alert', { name: 'Changed in another tab' })).toBeNull();
    expect(JSON.parse(view.state.doc.toString())).toEqual(doc('Theirs {{input.value}}'));
    const next = JSON.stringify(doc('Theirs, then mine'), null, 2);
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    await waitFor(async () => expect((await getWorkflow(db, id))?.doc).toEqual(doc('Theirs, then mine')), {
      timeout: 3_000,
    });
    expect(screen.getByTestId('save-status').textContent).toBe('Saved');
  });
});
