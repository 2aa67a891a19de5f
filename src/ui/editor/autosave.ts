import type { TabflowDb, VersionOrigin, WorkflowRecord } from '../../store/db';
import { saveDraftText, saveWorkflowDoc, type SaveResult } from '../../store/workflows';
import { analyzeText } from './analysis';
import { errorMessage } from '../../schema/errorMessage';

/** Quiet time after the last keystroke before the editor text is written. */
export const AUTOSAVE_DELAY_MS = 400;

/** What a write did: saved the document, kept a draft, or found another tab's write in the way. */
export type WriteResult =
  | { kind: 'saved'; revision: number }
  | { kind: 'draft'; reason: 'json' | 'shape'; revision: number }
  | { kind: 'conflict'; theirs: WorkflowRecord };

export type SaveStatus =
  | { kind: 'saved' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'draft'; reason: 'json' | 'shape' }
  | { kind: 'error'; message: string }
  /** Another tab saved since this text was based on the record; nothing more is written until resolved. */
  | { kind: 'conflict'; theirs: WorkflowRecord; mine: string };

export interface WriteContext {
  /** The revision the text is based on (undefined until the editor has seen its record). */
  baseRevision: number | undefined;
  origin: VersionOrigin;
}

/**
 * Writes editor text: a well-shaped workflow replaces the saved document (semantic errors are shown,
 * not blocking); anything else is kept as draft text and the last good document stays untouched.
 */
export async function saveEditorText(
  db: TabflowDb,
  id: string,
  text: string,
  context: WriteContext & { session?: string } = { baseRevision: undefined, origin: 'edit' },
): Promise<WriteResult> {
  const analysis = analyzeText(text);
  const { baseRevision, session, origin } = context;
  if (analysis.kind === 'json' && analysis.file) {
    return resultOf(await saveWorkflowDoc(db, id, analysis.file, { baseRevision, session, origin }), undefined);
  }
  return resultOf(await saveDraftText(db, id, text, { baseRevision }), analysis.kind === 'syntax' ? 'json' : 'shape');
}

const draftReason = (text: string) => (analyzeText(text).kind === 'syntax' ? 'json' : 'shape');

function resultOf(result: SaveResult, draft: 'json' | 'shape' | undefined): WriteResult {
  if (result.kind === 'conflict') return { kind: 'conflict', theirs: result.current };
  return draft ? { kind: 'draft', reason: draft, revision: result.revision } : result;
}

export function statusOf(result: Exclude<WriteResult, { kind: 'conflict' }>): SaveStatus {
  return result.kind === 'saved' ? { kind: 'saved' } : { kind: 'draft', reason: result.reason };
}

/** A text, or its reader: a document's text is produced only when it is written (see `document/documentText.ts`). */
export type PendingText = string | (() => string);

const readPending = (text: PendingText): string => (typeof text === 'string' ? text : text());

export interface Autosave {
  /** The editor text changed (by the user); it is written after `delayMs` of quiet. */
  change(text: PendingText): void;
  /** Writes a pending change now; resolves when every write so far has finished. */
  flush(): Promise<void>;
  hasPending(): boolean;
  /** No change waiting, no write in flight, no conflict open: the saved record is what the editor shows. */
  isIdle(): boolean;
  /**
   * The stored record as this tab sees it. While idle, a newer revision without a draft is what the
   * editor shows next (it takes a document saved elsewhere), so later saves are based on it.
   */
  noteStored(record: Pick<WorkflowRecord, 'revision' | 'draftText'>): void;
  /**
   * Ends a conflict: `theirs` drops this tab's unsaved text (the caller shows their record), `mine`
   * saves it on top of theirs as a version of its own (origin `conflict-copy`).
   */
  resolve(choice: 'theirs' | 'mine'): Promise<void>;
  /**
   * The editor goes away (another workflow opens): pending text is written, and an open conflict
   * keeps mine on top, since theirs is already in the version history and mine would be in nothing.
   */
  leave(): Promise<void>;
  /** A conflict is waiting for the user's choice (its text is in no record yet). */
  inConflict(): boolean;
}

interface AutosaveOptions {
  write(text: string, context: WriteContext): Promise<WriteResult>;
  onStatus(status: SaveStatus): void;
  delayMs?: number;
}

/**
 * Debounced, serialized writes: one write at a time, in order, and the latest text always wins in
 * this tab. Each write names the revision it is based on; a write another tab got in before stops
 * here as a conflict, holding this tab's text until the user chooses.
 */
export function createAutosave({ write, onStatus, delayMs = AUTOSAVE_DELAY_MS }: AutosaveOptions): Autosave {
  let pending: PendingText | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let writing = 0;
  let base: number | undefined;
  let conflict: { theirs: WorkflowRecord; mine: string } | null = null;
  let nextOrigin: VersionOrigin = 'edit';

  function settle(text: string, result: WriteResult): void {
    if (result.kind === 'conflict') {
      clearTimeout(timer);
      conflict = { theirs: result.theirs, mine: pending === null ? text : readPending(pending) };
      pending = null;
      onStatus({ kind: 'conflict', ...conflict });
      return;
    }
    base = result.revision;
    if (pending === null) onStatus(statusOf(result));
  }

  function flush(): Promise<void> {
    clearTimeout(timer);
    // Nothing is written over another tab's save until the user has chosen.
    if (pending === null || conflict) return chain;
    const text = readPending(pending);
    pending = null;
    onStatus({ kind: 'saving' });
    writing++;
    chain = chain.then(() => {
      const origin = nextOrigin;
      nextOrigin = 'edit';
      return write(text, { baseRevision: base, origin }).then(
        (result) => {
          writing--;
          settle(text, result);
        },
        (error: unknown) => {
          writing--;
          // Keep the text so the next change or flush tries again; nothing typed is dropped.
          pending ??= text;
          onStatus({ kind: 'error', message: errorMessage(error) });
        },
      );
    });
    return chain;
  }

  async function resolve(choice: 'theirs' | 'mine'): Promise<void> {
    if (!conflict) return;
    const { theirs, mine } = conflict;
    conflict = null;
    base = theirs.revision ?? 0;
    if (choice === 'theirs') {
      const draft = theirs.draftText;
      onStatus(draft === undefined ? { kind: 'saved' } : { kind: 'draft', reason: draftReason(draft) });
      return;
    }
    pending = mine;
    nextOrigin = 'conflict-copy';
    await flush();
  }

  return {
    change(text) {
      if (conflict) {
        conflict = { ...conflict, mine: readPending(text) };
        onStatus({ kind: 'conflict', ...conflict });
        return;
      }
      pending = text;
      onStatus({ kind: 'pending' });
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), delayMs);
    },
    flush,
    hasPending: () => pending !== null || conflict !== null,
    isIdle: () => pending === null && writing === 0 && conflict === null,
    noteStored(record) {
      const revision = record.revision ?? 0;
      if (base === undefined) base = revision;
      else if (pending === null && writing === 0 && !conflict && record.draftText === undefined && revision > base) {
        base = revision;
      }
    },
    resolve,
    leave: () => (conflict ? resolve('mine') : flush()),
    inConflict: () => conflict !== null,
  };
}
