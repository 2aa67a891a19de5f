import type { WorkflowFile } from '../../schema/workflow';
import { analyzeText, formatDoc } from '../editor/analysis';
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
  /** A structured edit (graph, form): the text becomes `next`, formatted. */
  applyDoc(next: WorkflowFile, options?: EditOptions): void;
  /** A text edit (the JSON editor). */
  applyText(text: string, options?: EditOptions): void;
  /** A document saved elsewhere (a rename, a restored version): shown, undoable, not written again. */
  replaceFromStore(text: string): void;
  undo(): boolean;
  redo(): boolean;
}

export interface SessionOptions {
  initialText: string;
  /** Shown while the initial text is not a workflow (a draft): the saved document. */
  fallbackFile: WorkflowFile;
  /** Persists a changed text (the autosave's `change`). */
  write(text: string): void;
  now?: () => number;
  groupWindowMs?: number;
  /** Undo steps kept; the oldest go first. */
  historyLimit?: number;
}

export const GROUP_WINDOW_MS = 1_000;
export const HISTORY_LIMIT = 200;

export function createDocumentSession(options: SessionOptions): DocumentSession {
  const { write, now = Date.now } = options;
  const history: History = createHistory(options.initialText, {
    limit: options.historyLimit ?? HISTORY_LIMIT,
    windowMs: options.groupWindowMs ?? GROUP_WINDOW_MS,
  });
  const listeners = new Set<() => void>();
  let snapshot = build(options.initialText, undefined, options.fallbackFile, 'initial', 0);

  function build(
    text: string,
    known: WorkflowFile | undefined,
    previous: WorkflowFile,
    origin: ChangeOrigin,
    revision: number,
  ): DocumentSnapshot {
    const { file, textState } = known ? { file: known, textState: VALID } : readText(text, previous);
    return { text, file, textState, revision, origin, canUndo: history.canUndo(), canRedo: history.canRedo() };
  }

  function publish(text: string, origin: ChangeOrigin, known?: WorkflowFile): void {
    snapshot = build(text, known, snapshot.file, origin, snapshot.revision + 1);
    for (const listener of [...listeners]) listener();
  }

  function commit(text: string, origin: ChangeOrigin, group: string | undefined, known?: WorkflowFile): void {
    if (text === snapshot.text) return;
    history.record(text, group, now());
    publish(text, origin, known);
    if (origin !== 'store') write(text);
  }

  function travel(text: string | undefined): boolean {
    if (text === undefined) return false;
    publish(text, 'history');
    write(text);
    return true;
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    applyDoc: (next, { group } = {}) => commit(formatDoc(next), 'structured', group, next),
    applyText: (text, { group } = {}) => commit(text, 'text', group),
    replaceFromStore: (text) => commit(text, 'store', undefined),
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
