import { useEffect, useMemo, useState } from 'react';
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
  const [status, setStatus] = useState<SaveStatus>({ kind: 'saved' });
  const autosave = useMemo(() => {
    const session = newId();
    return createAutosave({
      write: (text, context) => saveEditorText(db, id, text, { ...context, session }),
      onStatus: setStatus,
    });
  }, [db, id]);
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
  return useMemo(() => ({ ...autosave, status, setStatus }), [autosave, status]);
}
