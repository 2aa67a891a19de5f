import { json } from '@codemirror/lang-json';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { getWorkflow, listWorkflows, renameWorkflow } from '../../src/store/workflows';
import { TEMPLATES } from '../../src/templates';
import { createAutosave, saveEditorText, type SaveStatus } from '../../src/ui/editor/autosave';
import { rangeOfPath } from '../../src/ui/editor/pathRange';
import { createFromTemplate } from '../../src/ui/library/libraryActions';
import { freshDb, renderApp } from './helpers';

const TEMPLATE = TEMPLATES[0]!;
const NAME = TEMPLATE.doc.workflowConfig.name;

/** The CodeMirror view inside the editor container, once the lazy chunk has loaded. */
async function editorView(): Promise<EditorView> {
  const container = await screen.findByTestId('json-editor', {}, { timeout: 5_000 });
  const dom = await waitFor(() => {
    const found = container.querySelector<HTMLElement>('.cm-editor');
    if (!found) throw new Error('editor not mounted yet');
    return found;
  });
  return EditorView.findFromDOM(dom)!;
}

function replaceAll(view: EditorView, text: string) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function saveStatus() {
  return screen.getByTestId('save-status').textContent;
}

async function openTemplate() {
  const db = freshDb();
  const record = await createFromTemplate(db, TEMPLATE);
  const app = renderApp(db);
  await app.user.click(await screen.findByRole('button', { name: new RegExp(`^${NAME}`) }));
  return { ...app, id: record.id, view: await editorView() };
}

describe('autosave', () => {
  afterEach(() => void vi.useRealTimers());

  test('keystrokes within the quiet time are written once, with the latest text', async () => {
    vi.useFakeTimers();
    const write = vi.fn(async () => ({ kind: 'saved' as const, revision: 2 }));
    const statuses: SaveStatus['kind'][] = [];
    const autosave = createAutosave({ write, onStatus: (s) => statuses.push(s.kind), delayMs: 400 });
    autosave.change('a');
    await vi.advanceTimersByTimeAsync(300);
    autosave.change('ab');
    await vi.advanceTimersByTimeAsync(399);
    expect(write).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write).toHaveBeenCalledWith('ab', { baseRevision: undefined, origin: 'edit' });
    expect(statuses.at(-1)).toBe('saved');
    expect(autosave.isIdle()).toBe(true);
  });

  test('flush writes a pending change at once and nothing when there is none', async () => {
    const write = vi.fn(async () => ({ kind: 'draft' as const, reason: 'json' as const, revision: 2 }));
    let status: SaveStatus = { kind: 'saved' };
    const autosave = createAutosave({ write, onStatus: (s) => (status = s) });
    await autosave.flush();
    expect(write).not.toHaveBeenCalled();
    autosave.change('{');
    await autosave.flush();
    expect(write).toHaveBeenCalledWith('{', expect.anything());
    expect(status).toEqual({ kind: 'draft', reason: 'json' });
  });

  test('a failed write keeps the text for the next try', async () => {
    const write = vi
      .fn()
      .mockRejectedValueOnce(new Error('disk full'))
      .mockResolvedValue({ kind: 'saved', revision: 2 });
    let status: SaveStatus = { kind: 'saved' };
    const autosave = createAutosave({ write, onStatus: (s) => (status = s) });
    autosave.change('text');
    await autosave.flush();
    expect(status).toEqual({ kind: 'error', message: 'disk full' });
    expect(autosave.hasPending()).toBe(true);
    await autosave.flush();
    expect(write).toHaveBeenLastCalledWith('text', expect.anything());
    expect(status).toEqual({ kind: 'saved' });
  });

  test('valid workflow text replaces the document; invalid text is kept as a draft beside it', async () => {
    const db = freshDb();
    const { id } = await createFromTemplate(db, TEMPLATE);
    const edited = { ...TEMPLATE.doc, workflowConfig: { ...TEMPLATE.doc.workflowConfig, name: 'Edited' } };
    expect(await saveEditorText(db, id, JSON.stringify(edited))).toMatchObject({ kind: 'saved' });
    expect((await getWorkflow(db, id))!.name).toBe('Edited');

    expect(await saveEditorText(db, id, '{ "workflowConfig": ')).toMatchObject({ kind: 'draft', reason: 'json' });
    const drafted = (await getWorkflow(db, id))!;
    expect(drafted.draftText).toBe('{ "workflowConfig": ');
    expect(drafted.doc.workflowConfig.name).toBe('Edited');

    expect(await saveEditorText(db, id, '{"workflowConfig": {}}')).toMatchObject({ kind: 'draft', reason: 'shape' });
    expect(await saveEditorText(db, id, JSON.stringify(edited))).toMatchObject({ kind: 'saved' });
    expect((await getWorkflow(db, id))!.draftText).toBeUndefined();
  });
});

describe('JSON editor', () => {
  test('the editor opens the saved document', async () => {
    const { view } = await openTemplate();
    expect(JSON.parse(view.state.doc.toString())).toEqual(TEMPLATE.doc);
    expect(saveStatus()).toBe('Saved');
  });

  test('a valid edit is saved by itself', async () => {
    const { view, db, id } = await openTemplate();
    const edited = { ...TEMPLATE.doc, workflowConfig: { ...TEMPLATE.doc.workflowConfig, name: 'Typed name' } };
    replaceAll(view, JSON.stringify(edited, null, 2));
    await waitFor(() => expect(saveStatus()).toBe('Saving…'));
    // The write follows 400 ms of quiet, then a validation and a versioned save: room for a loaded machine.
    await waitFor(async () => expect((await getWorkflow(db, id))!.name).toBe('Typed name'), { timeout: 3_000 });
    await waitFor(() => expect(saveStatus()).toBe('Saved'));
    await waitFor(() =>
      expect((screen.getByRole('textbox', { name: 'Workflow name' }) as HTMLInputElement).value).toBe('Typed name'),
    );
  });

  test('an invalid edit is kept as a draft and reopens as one', async () => {
    const { view, db, id, remount, user } = await openTemplate();
    const broken = view.state.doc.toString().replace('"stepsConfig"', '"stepsConfig" oops');
    replaceAll(view, broken);
    await waitFor(() => expect(saveStatus()).toBe('Draft (invalid JSON)'));
    await new Promise((r) => setTimeout(r, 100));
    expect(view.state.doc.toString()).toBe(broken);
    const record = (await getWorkflow(db, id))!;
    expect(record.draftText).toBe(broken);
    expect(record.doc).toEqual(TEMPLATE.doc);
    expect(screen.getByText(/unsaved draft: fix the JSON to save it/i)).toBeTruthy();

    remount();
    await user.click(await screen.findByRole('button', { name: new RegExp(`^${NAME}`) }));
    const reopened = await editorView();
    expect(reopened.state.doc.toString()).toBe(broken);
    expect(saveStatus()).toBe('Draft (invalid JSON)');
  });

  test('problems are listed under the editor and choosing one moves the cursor there', async () => {
    const { view, user } = await openTemplate();
    const text = view.state.doc.toString().replace('"model": "gpt-4o-mini"', '"model": ""');
    replaceAll(view, text);
    const panel = screen.getByTestId('problems');
    const problem = await within(panel).findByRole('button', { name: /llmNode\.model/ }, { timeout: 3_000 });
    await user.click(problem);
    const { from } = view.state.selection.main;
    expect(view.state.sliceDoc(from, from + 2)).toBe('""');
  });

  test('a syntax error is one problem at the place it breaks', async () => {
    const { view } = await openTemplate();
    replaceAll(view, '{\n  "a": 1,\n}');
    const panel = screen.getByTestId('problems');
    const problem = await within(panel).findByRole('button', { name: /not valid JSON/ }, { timeout: 3_000 });
    expect(within(panel).getAllByRole('button')).toHaveLength(1);
    expect(problem.textContent).toMatch(/line 3/);
  });

  test('Format pretty-prints parsable text and is disabled while the text does not parse', async () => {
    const { view, user } = await openTemplate();
    replaceAll(view, JSON.stringify(TEMPLATE.doc));
    const format = screen.getByRole('button', { name: 'Format' }) as HTMLButtonElement;
    await waitFor(() => expect(format.disabled).toBe(false));
    await user.click(format);
    expect(view.state.doc.toString()).toBe(JSON.stringify(TEMPLATE.doc, null, 2));
    replaceAll(view, '{');
    await waitFor(() => expect(format.disabled).toBe(true), { timeout: 3_000 });
  });

  test('a rename from the title shows up in the open editor', async () => {
    const { view, db, id } = await openTemplate();
    await renameWorkflow(db, id, 'Renamed elsewhere');
    await waitFor(() => expect(JSON.parse(view.state.doc.toString()).workflowConfig.name).toBe('Renamed elsewhere'));
    expect((await listWorkflows(db)).map((w) => w.name)).toEqual(['Renamed elsewhere']);
  });
});

describe('problem positions', () => {
  const text = JSON.stringify(TEMPLATE.doc, null, 2);
  const state = EditorState.create({ doc: text, extensions: [json()] });
  const slice = (segments: (string | number)[]) => {
    const { from, to } = rangeOfPath(state, segments);
    return state.sliceDoc(from, to);
  };

  test('a scalar is marked by its value', () => {
    expect(slice(['workflowConfig', 'name'])).toBe(JSON.stringify(NAME));
    expect(slice(['stepsConfig', 0, 'stepSlug'])).toBe(JSON.stringify(TEMPLATE.doc.stepsConfig[0]!.stepSlug));
  });

  test('an object is marked by its key, an array element by its first line', () => {
    expect(slice(['workflowConfig'])).toBe('"workflowConfig"');
    expect(slice(['stepsConfig', 1])).toBe('{');
  });

  test('a path that does not exist falls back to the nearest ancestor', () => {
    expect(slice(['workflowConfig', 'missing', 'deeper'])).toBe('"workflowConfig"');
    expect(slice(['stepsConfig', 99, 'config'])).toBe('"stepsConfig"');
  });
});
