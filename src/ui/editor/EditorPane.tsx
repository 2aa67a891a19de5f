import { useCallback, useEffect, useRef, useState } from 'react';
import { LazyBoundary, lazyChunk } from '../common/LazyBoundary';
import type { WorkflowRecord } from '../../store/db';
import { useDocumentSession } from '../document/DocumentProvider';
import { displayKeys, useShortcut } from '../shortcuts';
import { analyzeText, type TextAnalysis } from './analysis';
import type { SaveStatus } from './autosave';
import type { EditorHandle } from './JsonEditor';
import type { AutosaveHandle } from './useAutosave';

// CodeMirror is a lazy chunk: the library screen loads without it.
const JsonEditor = lazyChunk(() => import('./JsonEditor'));

interface EditorPaneProps {
  record: WorkflowRecord;
  autosave: AutosaveHandle;
  knownWorkflows: readonly string[];
}

/**
 * The JSON tab of a workflow: a view of the open document session (inside its `DocumentProvider`,
 * mounted only once the record has loaded), so it never starts from anything but the saved text.
 */
export function EditorPane({ record, autosave, knownWorkflows }: EditorPaneProps) {
  const session = useDocumentSession();
  const editor = useRef<EditorHandle>(null);
  const [parses, setParses] = useState(true);
  const { setStatus } = autosave;

  useEffect(() => {
    if (record.draftText !== undefined) {
      setStatus({ kind: 'draft', reason: analyzeText(record.draftText).kind === 'syntax' ? 'json' : 'shape' });
    }
    /* eslint-disable-next-line react-hooks/exhaustive-deps --
       only the text the editor opened with decides the first status */
  }, []);

  // Saves are based on the revision this tab last saw and showed (compare-and-set against other tabs).
  useEffect(() => autosave.noteStored(record), [autosave, record]);

  const onAnalysis = useCallback((analysis: TextAnalysis) => setParses(analysis.kind === 'json'), []);
  const format = () => editor.current?.format();

  useShortcut('format', format);
  useShortcut('save', () => void autosave.flush());

  return (
    <div className="editor-pane">
      <div className="pane-bar">
        <span className="toolbar-gap" />
        <SaveStatusLabel status={autosave.status} />
        <button
          type="button"
          className="button button-small"
          onClick={format}
          disabled={!parses}
          title={`Format JSON (${displayKeys('Mod+Shift+F')})`}>
          Format
        </button>
      </div>
      {autosave.status.kind === 'draft' && (
        <p className="draft-banner" role="note">
          Unsaved draft: fix the JSON to save it. Until then the last valid version stays saved.
        </p>
      )}
      <LazyBoundary label="the JSON editor" fallback={<div className="editor-loading muted">Loading editor…</div>}>
        <JsonEditor ref={editor} session={session} knownWorkflows={knownWorkflows} onAnalysis={onAnalysis} />
      </LazyBoundary>
    </div>
  );
}

const STATUS_LABELS = {
  saved: 'Saved',
  pending: 'Saving…',
  saving: 'Saving…',
  conflict: 'Changed in another tab',
} as const;

export function SaveStatusLabel({ status }: { status: SaveStatus }) {
  const label =
    status.kind === 'draft'
      ? status.reason === 'json'
        ? 'Draft (invalid JSON)'
        : 'Draft (not a valid workflow)'
      : status.kind === 'error'
        ? `Not saved: ${status.message}`
        : STATUS_LABELS[status.kind];
  return (
    <span className={`save-status save-${status.kind}`} data-testid="save-status" role="status" aria-live="polite">
      {label}
    </span>
  );
}
