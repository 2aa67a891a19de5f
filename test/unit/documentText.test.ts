import { afterEach, describe, expect, test, vi } from 'vitest';
import type { WorkflowFile } from '../../src/schema/workflow';
import * as analysis from '../../src/ui/editor/analysis';
import { createAutosave } from '../../src/ui/editor/autosave';
import { sameJson } from '../../src/ui/document/documentText';
import { createDocumentSession } from '../../src/ui/document/session';

/** Counts how often the whole document is formatted (the ~100 KB `JSON.stringify` a keystroke used to pay). */
vi.mock('../../src/ui/editor/analysis', async (importOriginal) => {
  const actual = await importOriginal<typeof analysis>();
  return { ...actual, formatDoc: vi.fn(actual.formatDoc) };
});

const formatDoc = vi.mocked(analysis.formatDoc);

const DOC: WorkflowFile = {
  workflowConfig: { name: 'Lazy' },
  stepsConfig: [
    {
      stepSlug: 'start',
      name: 'Start',
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: { success: 'ask' },
    },
    {
      stepSlug: 'ask',
      name: 'Ask',
      stepType: 'llm',
      config: { llmNode: { name: 'ask', model: 'demo', userPrompt: '' } },
    },
  ],
};

/** The file with the prompt of `ask` set, sharing everything else with `file` (as a form's edit does). */
function typed(file: WorkflowFile, prompt: string): WorkflowFile {
  const ask = file.stepsConfig[1] as Extract<WorkflowFile['stepsConfig'][number], { stepType: 'llm' }>;
  const next = { ...ask, config: { ...ask.config, llmNode: { ...ask.config.llmNode, userPrompt: prompt } } };
  return { ...file, stepsConfig: [file.stepsConfig[0]!, next] };
}

function lazySession() {
  const readers: Array<() => string> = [];
  const session = createDocumentSession({
    initialText: analysis.formatDoc(DOC),
    fallbackFile: DOC,
    writeLater: (read) => readers.push(read),
    now: () => 0,
  });
  formatDoc.mockClear();
  return { session, readers };
}

afterEach(() => formatDoc.mockClear());

describe('a structured edit is formatted only when its text is read', () => {
  test('a typing burst formats nothing until the text is read, then the latest text once', () => {
    const { session, readers } = lazySession();
    let file = DOC;
    // The first edit is compared with the opened text (a string), which formats it once.
    for (const prompt of ['H', 'Hi', 'Hi!', 'Hi!!']) {
      file = typed(session.getSnapshot().file, prompt);
      session.applyDoc(file, { group: 'field:prompt' });
    }
    expect(formatDoc).toHaveBeenCalledTimes(1);
    expect(session.getSnapshot().file).toBe(file);
    expect(readers).toHaveLength(4);

    const text = session.getSnapshot().text;
    expect(text).toBe(JSON.stringify(file, null, 2));
    expect(readers.at(-1)!()).toBe(text);
    expect(session.getSnapshot().text).toBe(text);
    expect(formatDoc).toHaveBeenCalledTimes(2);
  });

  test('an edit equal to the document, made from it, adds no undo step and formats nothing', () => {
    const { session, readers } = lazySession();
    session.applyDoc(typed(session.getSnapshot().file, 'Hi'));
    formatDoc.mockClear();
    session.applyDoc(typed(session.getSnapshot().file, 'Hi'));
    expect(formatDoc).not.toHaveBeenCalled();
    expect(readers).toHaveLength(1);
    session.undo();
    expect(session.getSnapshot().canUndo).toBe(false);
  });

  test('undo shows the text of the step before the burst', () => {
    const { session } = lazySession();
    session.applyDoc(typed(session.getSnapshot().file, 'A'), { group: 'g' });
    session.applyDoc(typed(session.getSnapshot().file, 'AB'), { group: 'g' });
    session.undo();
    expect(session.getSnapshot().text).toBe(analysis.formatDoc(DOC));
    session.redo();
    expect(session.getSnapshot().text).toBe(analysis.formatDoc(typed(DOC, 'AB')));
  });

  test('the autosave reads a pending reader only when it writes, and only the last one', async () => {
    vi.useFakeTimers();
    try {
      const write = vi.fn(async () => ({ kind: 'saved' as const, revision: 1 }));
      const autosave = createAutosave({ write, onStatus: () => undefined, delayMs: 400 });
      const first = vi.fn(() => 'first');
      const last = vi.fn(() => 'last');
      autosave.change(first);
      autosave.change(last);
      expect(last).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(400);
      expect(first).not.toHaveBeenCalled();
      expect(last).toHaveBeenCalledTimes(1);
      expect(write).toHaveBeenCalledWith('last', expect.anything());
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('sameJson: equal exactly when JSON.stringify would write the same text', () => {
  test.each([
    [{ a: 1, b: [1, { c: 'x' }] }, { a: 1, b: [1, { c: 'x' }] }, true],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, false],
    [{ a: 1, gone: undefined }, { a: 1 }, true],
    [[1, undefined], [1, null], true],
    [{ a: '1' }, { a: 1 }, false],
    [{ a: [] }, { a: {} }, false],
    [{ a: null }, { a: {} }, false],
  ])('%j and %j', (a, b, same) => {
    expect(sameJson(a, b)).toBe(same);
    expect(JSON.stringify(a) === JSON.stringify(b)).toBe(same);
  });
});
