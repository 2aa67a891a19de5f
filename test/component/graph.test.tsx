import { EditorView } from '@codemirror/view';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Step } from '../../src/schema/steps';
import type { WorkflowFile } from '../../src/schema/workflow';
import { createWorkflow } from '../../src/store/workflows';
import { stepsToClipboard } from '../../src/ui/graph/clipboardSteps';
import { freshDb, renderApp } from './helpers';
import { installReactFlowFakes } from './reactFlowFakes';

beforeAll(installReactFlowFakes);

const DOC: WorkflowFile = {
  workflowConfig: { name: 'Graph sync' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { success: 'greet' },
    },
    {
      stepSlug: 'greet',
      name: 'Greet',
      stepType: 'llm',
      config: { llmNode: { name: 'greet', model: 'demo', userPrompt: 'Say hello.', tools: [] } },
    },
  ],
};

async function openGraph() {
  const db = freshDb();
  await createWorkflow(db, DOC);
  const app = renderApp(db);
  await app.user.click(await screen.findByRole('button', { name: /^Graph sync/ }, { timeout: 5_000 }));
  await app.user.click(await screen.findByRole('tab', { name: 'Graph' }, { timeout: 5_000 }));
  await screen.findByTestId('graph-canvas', {}, { timeout: 10_000 });
  await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet']), { timeout: 10_000 });
  return app;
}

function graphSlugs(): string[] {
  return screen.queryAllByTestId('graph-node').map((n) => n.dataset.slug!);
}

function node(slug: string): HTMLElement {
  return screen.getAllByTestId('graph-node').find((n) => n.dataset.slug === slug)!;
}

/** A click without the mousedown that d3-drag (React Flow's dragging) cannot handle in jsdom (no event.view). */
function selectNode(slug: string) {
  fireEvent.click(node(slug));
}

function editorView(): EditorView {
  const dom = screen.getByTestId('json-editor').querySelector<HTMLElement>('.cm-editor');
  if (!dom) throw new Error('editor not mounted');
  return EditorView.findFromDOM(dom)!;
}

/** The JSON editor's text (it stays mounted behind the Graph tab). */
async function editorText(): Promise<string> {
  return waitFor(() => editorView().state.doc.toString());
}

function typeInEditor(text: string) {
  const view = editorView();
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function stepSlugsOf(text: string): string[] {
  return (JSON.parse(text) as WorkflowFile).stepsConfig.map((s) => s.stepSlug);
}

describe('graph and JSON: one document', { timeout: 30_000 }, () => {
  test('a step added in the graph shows in the JSON at once, linked after the selected step', async () => {
    const app = await openGraph();
    selectNode('greet');
    await app.user.click(
      within(screen.getByRole('toolbar', { name: 'Add a step' })).getByRole('button', { name: 'Wait' }),
    );
    await waitFor(() => expect(graphSlugs()).toContain('wait'));
    const doc = JSON.parse(await editorText()) as WorkflowFile;
    expect(doc.stepsConfig.map((s) => [s.stepSlug, s.nextSteps])).toEqual([
      ['start', { success: 'greet' }],
      ['greet', { success: 'wait' }],
      ['wait', undefined],
    ]);
  });

  test('a JSON edit shows in the graph; text that does not parse leaves it on the last valid state', async () => {
    const app = await openGraph();
    await editorText();
    const added = structuredClone(DOC);
    added.stepsConfig.push({ stepSlug: 'later', name: 'Later', stepType: 'wait', config: { durationMs: 5 } });
    typeInEditor(JSON.stringify(added, null, 2));
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet', 'later']));
    expect(screen.queryByTestId('graph-stale')).toBeNull();

    typeInEditor('{ "workflowConfig": { "name": "half typed" ');
    expect((await screen.findByTestId('graph-stale')).textContent).toMatch(/does not parse/);
    expect(graphSlugs()).toEqual(['start', 'greet', 'later']);
    // Read-only meanwhile: no palette to add steps to a state the text no longer has.
    expect(screen.queryByRole('toolbar', { name: 'Add a step' })).toBeNull();
    await app.user.click(screen.getByRole('tab', { name: 'JSON' }));
    await screen.findByText('Draft (invalid JSON)');
  });

  test('undo and redo cross views: one history for the graph and the JSON editor', async () => {
    const app = await openGraph();
    selectNode('greet');
    await app.user.click(
      within(screen.getByRole('toolbar', { name: 'Add a step' })).getByRole('button', { name: 'Event' }),
    );
    await waitFor(() => expect(graphSlugs()).toContain('event'));
    // A JSON edit after the graph's: the editor's own undo key undoes it first, then the graph's.
    const renamed = JSON.parse(await editorText()) as WorkflowFile;
    renamed.stepsConfig[1]!.name = 'Hello';
    typeInEditor(JSON.stringify(renamed, null, 2));
    editorView().contentDOM.focus();
    await app.user.keyboard('{Control>}z{/Control}');
    expect(JSON.parse(await editorText()).stepsConfig[1].name).toBe('Greet');
    expect(stepSlugsOf(await editorText())).toEqual(['start', 'greet', 'event']);

    screen.getByTestId('graph-canvas').focus();
    await app.user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet']));
    expect(stepSlugsOf(await editorText())).toEqual(['start', 'greet']);
    await app.user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet', 'event']));
  });

  test('undo does not steal the keys of a text field: outside one it undoes the document', async () => {
    const app = await openGraph();
    selectNode('greet');
    const form = await screen.findByTestId('step-form', {}, { timeout: 5_000 });
    const name = within(form).getByLabelText('Name');
    await app.user.clear(name);
    await app.user.type(name, 'Wave');
    await waitFor(() => expect(JSON.parse(editorView().state.doc.toString()).stepsConfig[1].name).toBe('Wave'));
    // Inside the field Ctrl+Z is the field's own (the session history is untouched by the key).
    const before = editorView().state.doc.toString();
    name.focus();
    await app.user.keyboard('{Control>}z{/Control}');
    expect(editorView().state.doc.toString()).toBe(before);
    // On the canvas the typing burst undoes as one step.
    screen.getByTestId('graph-canvas').focus();
    await app.user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(JSON.parse(editorView().state.doc.toString()).stepsConfig[1].name).toBe('Greet'));
  });

  test('canvas keys: arrows move the selection, Enter opens the form, Mod+D duplicates, Delete removes', async () => {
    const app = await openGraph();
    const canvas = screen.getByTestId('graph-canvas');
    canvas.focus();
    await app.user.keyboard('{ArrowDown}');
    await waitFor(() => expect(node('start').className).toMatch(/graph-node-selected/));
    await app.user.keyboard('{ArrowDown}');
    await waitFor(() => expect(node('greet').className).toMatch(/graph-node-selected/));
    expect(node('start').className).not.toMatch(/graph-node-selected/);
    await app.user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('complementary', { name: 'Selected step' }));
    canvas.focus();
    await app.user.keyboard('{Control>}d{/Control}');
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet', 'greet_2']));
    await app.user.keyboard('{Delete}');
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet']));
    expect(stepSlugsOf(await editorText())).toEqual(['start', 'greet']);
  });

  test('steps pasted on the canvas are added with fresh slugs; a whole workflow is left to the import', async () => {
    await openGraph();
    const canvas = screen.getByTestId('graph-canvas');
    const text = stepsToClipboard([DOC.stepsConfig[1]! as Step]);
    fireEvent.paste(canvas, { clipboardData: { getData: () => text } });
    await waitFor(() => expect(graphSlugs()).toEqual(['start', 'greet', 'greet_2']));
    fireEvent.paste(canvas, { clipboardData: { getData: () => JSON.stringify(DOC) } });
    expect(await screen.findByRole('dialog', { name: 'Import preview' }, { timeout: 5_000 })).toBeTruthy();
    expect(graphSlugs()).toEqual(['start', 'greet', 'greet_2']);
  });
});
