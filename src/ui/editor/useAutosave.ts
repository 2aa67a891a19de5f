import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TabflowDb } from '../../store/db';
import { newId } from '../../store/workflows';
import { createAutosave, saveEditorText, type Autosave, type SaveStatus } from './autosave';

export interface AutosaveHandle extends Autosave {
  status: SaveStatus;
  setStatus(status: SaveStatus): void;
}

/**
 * Autosave for one workflow's editor. Pending text is flushed when the tab is hidden or closed and
 * when the workflow changes or unmounts (an open conflict then keeps mine), so switching away never
 * loses a keystroke. Each editor is a
 * session of its own: its edits within one burst extend one version.
 */
export function useAutosave(db: TabflowDb, id: string): AutosaveHandle {
  const [status, setStoredStatus] = useState<SaveStatus>({ kind: 'saved' });
  // Every keystroke reports "pending" again: keeping the same state object spares the workflow view a re-render.
  const setStatus = useCallback(
    (next: SaveStatus) => setStoredStatus((previous) => (sameStatus(previous, next) ? previous : next)),
    [],
  );
  const autosave = useMemo(() => {
    const session = newId();
    return createAutosave({
      write: (text, context) => saveEditorText(db, id, text, { ...context, session }),
      onStatus: setStatus,
    });
  }, [db, id, setStatus]);
  useEffect(() => {
    const flush = () => void autosave.flush();
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    // Closing the tab while a conflict waits would drop this tab's text: the browser asks first.
    const onBeforeUnload = (event: BeforeUnloadEvent) => autosave.inConflict() && event.preventDefault();
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', onBeforeUnload);
      void autosave.leave();
    };
  }, [autosave]);
  return useMemo(() => ({ ...autosave, status, setStatus }), [autosave, status, setStatus]);
}

/** Statuses that read the same; a conflict is always news (it carries the other tab's text). */
function sameStatus(a: SaveStatus, b: SaveStatus): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'draft' && b.kind === 'draft') return a.reason === b.reason;
  if (a.kind === 'error' && b.kind === 'error') return a.message === b.message;
  return a.kind === 'saved' || a.kind === 'pending' || a.kind === 'saving';
}
