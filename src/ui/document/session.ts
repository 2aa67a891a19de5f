import type { WorkflowFile } from '../../schema/workflow';
import { analyzeText } from '../editor/analysis';
import { formattedText, plainText, sameText, type DocumentText } from './documentText';
import { createHistory, type History } from './history';

/**
 * The open workflow as one document shared by every view (JSON editor, graph, step forms): the
 * current text, the last text that was a workflow, and one undo history. No React, no CodeMirror.
 */

/** Who made a change: views skip echoing their own edits back. */
export type ChangeOrigin = 'initial' | 'text' | 'structured' | 'history' | 'store';

/** Whether the current text is itself a workflow, or why not (the views then show `file`). */
export type TextState = { kind: 'valid' } | { kind: 'invalid'; reason: 'json' | 'shape'; message: string };

export interface DocumentSnapshot {
  /** Formatted on first read after a structured edit (see `documentText.ts`). */
  readonly text: string;
  /** The last valid workflow: the text's own when it is one, else the one before the breaking edit. */
  readonly file: WorkflowFile;
  readonly textState: TextState;
  /** Goes up by one on every change. */
  readonly revision: number;
  readonly origin: ChangeOrigin;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export interface EditOptions {
  /** Edits with the same group key close together in time make one undo step (a drag, a typing burst). */
  group?: string;
}

export interface DocumentSession {
  getSnapshot(): DocumentSnapshot;
  subscribe(listener: () => void): () => void;
  /** A structured edit (graph, form): the text becomes `next`, formatted (when first read). */
  applyDoc(next: WorkflowFile, options?: EditOptions): void;
  /** A text edit (the JSON editor). */
  applyText(text: string, options?: EditOptions): void;
  /** A document saved elsewhere (a rename, a restored version): shown, undoable, not written again. */
  replaceFromStore(text: string): void;
  undo(): boolean;
  redo(): boolean;
}

/** How the session persists a changed text (the autosave's `change`). */
export type SessionWrite =
  | { write(text: string): void }
  /** Given the text's reader instead: a structured edit's text is formatted only when it is written. */
  | { writeLater(read: () => string): void };

export type SessionOptions = SessionWrite & {
  initialText: string;
  /** Shown while the initial text is not a workflow (a draft): the saved document. */
  fallbackFile: WorkflowFile;
  now?: () => number;
  groupWindowMs?: number;
  /** Undo steps kept; the oldest go first. */
  historyLimit?: number;
};

export const GROUP_WINDOW_MS = 1_000;
export const HISTORY_LIMIT = 200;

export function createDocumentSession(options: SessionOptions): DocumentSession {
  const { now = Date.now } = options;
  const persist = (content: DocumentText) =>
    'writeLater' in options ? options.writeLater(content.read) : options.write(content.read());
  let content = plainText(options.initialText);
  const history: History<DocumentText> = createHistory(content, {
    limit: options.historyLimit ?? HISTORY_LIMIT,
    windowMs: options.groupWindowMs ?? GROUP_WINDOW_MS,
  });
  const listeners = new Set<() => void>();
  let snapshot = build(undefined, options.fallbackFile, 'initial', 0);

  /** The snapshot of `content`; its `text` is read (formatted) only by whoever asks for it. */
  function build(
    known: WorkflowFile | undefined,
    previous: WorkflowFile,
    origin: ChangeOrigin,
    revision: number,
  ): DocumentSnapshot {
    const shown = content;
    const { file, textState } = known ? { file: known, textState: VALID } : readText(shown.read(), previous);
    return {
      get text() {
        return shown.read();
      },
      file,
      textState,
      revision,
      origin,
      canUndo: history.canUndo(),
      canRedo: history.canRedo(),
    };
  }

  function publish(next: DocumentText, origin: ChangeOrigin, known?: WorkflowFile): void {
    content = next;
    snapshot = build(known, snapshot.file, origin, snapshot.revision + 1);
    for (const listener of [...listeners]) listener();
  }

  function commit(next: DocumentText, origin: ChangeOrigin, group: string | undefined, known?: WorkflowFile): void {
    if (sameText(next, content)) return;
    history.record(next, group, now());
    publish(next, origin, known);
    if (origin !== 'store') persist(next);
  }

  function travel(next: DocumentText | undefined): boolean {
    if (next === undefined) return false;
    publish(next, 'history');
    persist(next);
    return true;
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyDoc: (next, { group } = {}) => commit(formattedText(next), 'structured', group, next),
    applyText: (text, { group } = {}) => commit(plainText(text), 'text', group),
    replaceFromStore: (text) => commit(plainText(text), 'store', undefined),
    undo: () => travel(history.undo()),
    redo: () => travel(history.redo()),
  };
}

const VALID: TextState = { kind: 'valid' };

function readText(text: string, previous: WorkflowFile): { file: WorkflowFile; textState: TextState } {
  const analysis = analyzeText(text);
  if (analysis.kind === 'json' && analysis.file) return { file: analysis.file, textState: VALID };
  const first = analysis.problems.find((p) => p.severity === 'error') ?? analysis.problems[0];
  const where = first ? `${first.path}: ${first.message}` : 'not a workflow';
  return {
    file: previous,
    textState: { kind: 'invalid', reason: analysis.kind === 'syntax' ? 'json' : 'shape', message: where },
  };
}
