import type { TabflowDb } from '../../store/db';
import { saveDraftText, saveWorkflowDoc } from '../../store/workflows';
import { analyzeText } from './analysis';
import { errorMessage } from '../../schema/errorMessage';

/** Quiet time after the last keystroke before the editor text is written. */
export const AUTOSAVE_DELAY_MS = 400;

export type SaveOutcome = 'saved' | 'draft-json' | 'draft-shape';
export type SaveStatus =
  | { kind: 'saved' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'draft'; reason: 'json' | 'shape' }
  | { kind: 'error'; message: string };

/**
 * Writes editor text: a well-shaped workflow replaces the saved document (semantic errors are shown,
 * not blocking); anything else is kept as draft text and the last good document stays untouched.
 */
export async function saveEditorText(db: TabflowDb, id: string, text: string): Promise<SaveOutcome> {
  const analysis = analyzeText(text);
  if (analysis.kind === 'json' && analysis.file) {
    await saveWorkflowDoc(db, id, analysis.file);
    return 'saved';
  }
  await saveDraftText(db, id, text);
  return analysis.kind === 'syntax' ? 'draft-json' : 'draft-shape';
}

export function statusOf(outcome: SaveOutcome): SaveStatus {
  if (outcome === 'saved') return { kind: 'saved' };
  return { kind: 'draft', reason: outcome === 'draft-json' ? 'json' : 'shape' };
}

export interface Autosave {
  /** The editor text changed (by the user); it is written after `delayMs` of quiet. */
  change(text: string): void;
  /** Writes a pending change now; resolves when every write so far has finished. */
  flush(): Promise<void>;
  hasPending(): boolean;
  /** No change waiting and no write in flight: the saved record is what the editor shows. */
  isIdle(): boolean;
}

interface AutosaveOptions {
  write(text: string): Promise<SaveOutcome>;
  onStatus(status: SaveStatus): void;
  delayMs?: number;
}

/** Debounced, serialized writes: one write at a time, in order, and the latest text always wins. */
export function createAutosave({ write, onStatus, delayMs = AUTOSAVE_DELAY_MS }: AutosaveOptions): Autosave {
  let pending: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let writing = 0;

  function flush(): Promise<void> {
    clearTimeout(timer);
    if (pending === null) return chain;
    const text = pending;
    pending = null;
    onStatus({ kind: 'saving' });
    writing++;
    chain = chain.then(() =>
      write(text).then(
        (outcome) => {
          writing--;
          if (pending === null) onStatus(statusOf(outcome));
        },
        (error: unknown) => {
          writing--;
          // Keep the text so the next change or flush tries again; nothing typed is dropped.
          pending ??= text;
          onStatus({ kind: 'error', message: errorMessage(error) });
        },
      ),
    );
    return chain;
  }

  return {
    change(text) {
      pending = text;
      onStatus({ kind: 'pending' });
      clearTimeout(timer);
      timer = setTimeout(() => void flush(), delayMs);
    },
    flush,
    hasPending: () => pending !== null,
    isIdle: () => pending === null && writing === 0,
  };
}
