import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { WorkflowRecord } from '../../store/db';
import { displayKeys, useShortcut } from '../shortcuts';
import { analyzeText, formatDoc, textMatchesDoc, type TextAnalysis } from './analysis';
import type { SaveStatus } from './autosave';
import type { EditorHandle } from './JsonEditor';
import type { AutosaveHandle } from './useAutosave';

// CodeMirror is a lazy chunk: the library screen loads without it.
const JsonEditor = lazy(() => import('./JsonEditor'));

interface EditorPaneProps {
  record: WorkflowRecord;
  autosave: AutosaveHandle;
  knownWorkflows: readonly string[];
}

/**
 * The JSON tab of a workflow. Mounted only once the record has loaded (keyed by its id), so the
 * editor never starts from, or writes over, anything but the saved text.
 */
export function EditorPane({ record, autosave, knownWorkflows }: EditorPaneProps) {
  const [initialText] = useState(() => record.draftText ?? formatDoc(record.doc));
  const text = useRef(initialText);
  const editor = useRef<EditorHandle>(null);
  const [external, setExternal] = useState<{ text: string; seq: number } | null>(null);
  const [parses, setParses] = useState(true);
  const { setStatus } = autosave;

  useEffect(() => {
    if (record.draftText !== undefined) {
      setStatus({ kind: 'draft', reason: analyzeText(record.draftText).kind === 'syntax' ? 'json' : 'shape' });
    }
    /* eslint-disable-next-line react-hooks/exhaustive-deps --
       only the text the editor opened with decides the first status */
  }, []);

  // Only a stored document that changed since last seen is news: a re-render (say, a status
  // change) with a not-yet-refreshed record must not undo typing.
  const seenDoc = useRef(JSON.stringify(record.doc));
  useEffect(() => {
    const doc = JSON.stringify(record.doc);
    if (doc === seenDoc.current) return;
    seenDoc.current = doc;
    // A change saved elsewhere (a rename) replaces the text, but never unsaved typing or a draft.
    if (!autosave.isIdle() || record.draftText !== undefined || textMatchesDoc(text.current, record.doc)) return;
    text.current = formatDoc(record.doc);
    setExternal((previous) => ({ text: text.current, seq: (previous?.seq ?? 0) + 1 }));
  }, [record, autosave]);

  const onChange = useCallback(
    (next: string) => {
      text.current = next;
      autosave.change(next);
    },
    [autosave],
  );
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
      <Suspense fallback={<div className="editor-loading muted">Loading editor…</div>}>
        <JsonEditor
          ref={editor}
          initialText={initialText}
          externalText={external}
          knownWorkflows={knownWorkflows}
          onChange={onChange}
          onAnalysis={onAnalysis}
        />
      </Suspense>
    </div>
  );
}

const STATUS_LABELS = {
  saved: 'Saved',
  pending: 'Saving…',
  saving: 'Saving…',
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
