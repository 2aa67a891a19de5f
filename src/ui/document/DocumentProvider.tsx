import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { WorkflowRecord } from '../../store/db';
import { formatDoc, textMatchesDoc } from '../editor/analysis';
import type { AutosaveHandle } from '../editor/useAutosave';
import { isEditableTarget, matchesKeys } from '../shortcuts';
import { useUiStore } from '../state';
import { createDocumentSession, type DocumentSession, type DocumentSnapshot } from './session';

const SessionContext = createContext<{ session: DocumentSession; workflowId: string } | null>(null);

interface DocumentProviderProps {
  record: WorkflowRecord;
  autosave: AutosaveHandle;
  /** Bind Mod+Z / Mod+Shift+Z outside text fields (false while no view of the document shows). */
  undoKeys: boolean;
  children: ReactNode;
}

/**
 * One document session per open workflow (mount it keyed by the record's id). Writes go through the
 * autosave; a document saved elsewhere replaces the text unless there is unsaved typing or a draft.
 */
export function DocumentProvider({ record, autosave, undoKeys, children }: DocumentProviderProps) {
  const [session] = useState(() =>
    createDocumentSession({
      initialText: record.draftText ?? formatDoc(record.doc),
      fallbackFile: record.doc,
      writeLater: (read) => autosave.change(read),
    }),
  );
  useStoreChanges(session, record, autosave);
  useUndoKeys(session, undoKeys);
  const value = useMemo(() => ({ session, workflowId: record.id }), [session, record.id]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

function useSessionContext() {
  const context = useContext(SessionContext);
  if (!context) throw new Error('a document view is used outside a DocumentProvider');
  return context;
}

export function useDocumentSession(): DocumentSession {
  return useSessionContext().session;
}

/** The id of the workflow the document is (for completions that read its last run). */
export function useDocumentWorkflowId(): string {
  return useSessionContext().workflowId;
}

/** The document as it is now; re-renders on every change. */
export function useDocument(): DocumentSnapshot {
  const session = useDocumentSession();
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

function useStoreChanges(session: DocumentSession, record: WorkflowRecord, autosave: AutosaveHandle): void {
  // Only a stored document that changed since last seen is news: a re-render with a not-yet-refreshed
  // record (say, after a status change) must not undo typing.
  const seenDoc = useRef(JSON.stringify(record.doc));
  useEffect(() => {
    const doc = JSON.stringify(record.doc);
    if (doc === seenDoc.current) return;
    seenDoc.current = doc;
    if (!autosave.isIdle() || record.draftText !== undefined) return;
    if (textMatchesDoc(session.getSnapshot().text, record.doc)) return;
    session.replaceFromStore(formatDoc(record.doc));
  }, [record, autosave, session]);
}

/**
 * Undo outside text fields. Inside one the field keeps its own meaning: a form input its native
 * undo, the JSON editor its keymap (which calls this same session, so there is one history).
 */
function useUndoKeys(session: DocumentSession, enabled: boolean): void {
  const store = useUiStore();
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || store.getState().dialog.kind !== 'none' || isEditableTarget(event.target)) return;
      const redo = matchesKeys(event, 'Mod+Shift+Z') || matchesKeys(event, 'Mod+Y');
      if (!redo && !matchesKeys(event, 'Mod+Z')) return;
      event.preventDefault();
      if (redo) session.redo();
      else session.undo();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [session, enabled, store]);
}
