import { describe, expect, test } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import { formatDoc } from '../../src/ui/editor/analysis';
import { createDocumentSession } from '../../src/ui/document/session';

const DOC: WorkflowFile = {
  workflowConfig: { name: 'Session test' },
  stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' } }],
};

function renamed(name: string): WorkflowFile {
  return { ...DOC, workflowConfig: { name } };
}

function setup(initialText = formatDoc(DOC)) {
  let clock = 0;
  const writes: string[] = [];
  const session = createDocumentSession({
    initialText,
    fallbackFile: DOC,
    write: (text) => writes.push(text),
    now: () => clock,
  });
  return { session, writes, tick: (ms: number) => (clock += ms) };
}

describe('document session', () => {
  test('a structured edit becomes formatted text, is written, and notifies subscribers', () => {
    const { session, writes } = setup();
    let calls = 0;
    session.subscribe(() => calls++);
    session.applyDoc(renamed('B'));
    expect(session.getSnapshot().text).toBe(formatDoc(renamed('B')));
    expect(session.getSnapshot().origin).toBe('structured');
    expect(writes).toEqual([formatDoc(renamed('B'))]);
    expect(calls).toBe(1);
  });

  test('text that does not parse keeps the last valid workflow and says why', () => {
    const { session } = setup();
    session.applyText(formatDoc(renamed('Typed')));
    session.applyText('{ "workflowConfig": ');
    const snapshot = session.getSnapshot();
    expect(snapshot.file.workflowConfig.name).toBe('Typed');
    expect(snapshot.textState).toMatchObject({ kind: 'invalid', reason: 'json' });
    session.applyText(JSON.stringify({ workflowConfig: {} }));
    expect(session.getSnapshot().textState).toMatchObject({ kind: 'invalid', reason: 'shape' });
    expect(session.getSnapshot().file.workflowConfig.name).toBe('Typed');
  });

  test('a draft that is not a workflow opens on the saved document', () => {
    const { session } = setup('{ broken');
    expect(session.getSnapshot().file).toEqual(DOC);
    expect(session.getSnapshot().textState.kind).toBe('invalid');
  });

  test('edits of one group close in time are one undo step; another group or a pause starts a new one', () => {
    const { session, tick } = setup();
    session.applyDoc(renamed('A'), { group: 'drag' });
    tick(100);
    session.applyDoc(renamed('AB'), { group: 'drag' });
    tick(100);
    session.applyDoc(renamed('ABC'), { group: 'drag' });
    tick(2_000);
    session.applyDoc(renamed('later'), { group: 'drag' });
    session.applyDoc(renamed('other'), { group: 'typing' });
    expect(session.undo()).toBe(true);
    expect(session.getSnapshot().file.workflowConfig.name).toBe('later');
    session.undo();
    expect(session.getSnapshot().file.workflowConfig.name).toBe('ABC');
    session.undo();
    expect(session.getSnapshot().file.workflowConfig.name).toBe('Session test');
    expect(session.getSnapshot().canUndo).toBe(false);
    expect(session.undo()).toBe(false);
  });

  test('undo and redo cross views, write what they restore, and a new edit clears redo', () => {
    const { session, writes } = setup();
    session.applyText(formatDoc(renamed('from text')));
    session.applyDoc(renamed('from graph'));
    session.undo();
    expect(session.getSnapshot().file.workflowConfig.name).toBe('from text');
    expect(session.getSnapshot().origin).toBe('history');
    expect(writes.at(-1)).toBe(formatDoc(renamed('from text')));
    session.redo();
    expect(session.getSnapshot().file.workflowConfig.name).toBe('from graph');
    session.undo();
    session.applyDoc(renamed('new'));
    expect(session.getSnapshot().canRedo).toBe(false);
    expect(session.redo()).toBe(false);
  });

  test('undo after a broken edit brings the text back to the valid one', () => {
    const { session } = setup();
    session.applyText('{ "oops"');
    session.undo();
    expect(session.getSnapshot().textState.kind).toBe('valid');
    expect(session.getSnapshot().text).toBe(formatDoc(DOC));
  });

  test('a document saved elsewhere is shown and undoable but not written back', () => {
    const { session, writes } = setup();
    session.replaceFromStore(formatDoc(renamed('Renamed')));
    expect(session.getSnapshot().origin).toBe('store');
    expect(session.getSnapshot().file.workflowConfig.name).toBe('Renamed');
    expect(writes).toEqual([]);
  });

  test('an edit that changes nothing adds no undo step and writes nothing', () => {
    const { session, writes } = setup();
    session.applyDoc(DOC);
    expect(session.getSnapshot().canUndo).toBe(false);
    expect(writes).toEqual([]);
  });
});
