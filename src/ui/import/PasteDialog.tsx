import { useId, useState } from 'react';
import { Dialog } from '../common/Dialog';
import { useUi } from '../state';
import { pastedImport } from './importSources';

/** Paste workflow JSON (or a share link) to preview it; nothing is saved from here. */
export function PasteDialog() {
  const [text, setText] = useState('');
  const closeDialog = useUi((s) => s.closeDialog);
  const openDialog = useUi((s) => s.openDialog);
  const id = useId();

  async function submit() {
    const request = (await pastedImport(text)) ?? { source: 'paste' as const, label: 'Pasted text', text };
    openDialog({ kind: 'preview', request });
  }

  const footer = (
    <>
      <button type="button" className="button" onClick={closeDialog}>
        Cancel
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={text.trim() === ''}
        onClick={() => void submit()}>
        Preview import
      </button>
    </>
  );
  return (
    <Dialog label="Paste JSON" onClose={closeDialog} footer={footer}>
      <label htmlFor={id} className="field-label">
        Workflow JSON or a share link
      </label>
      <textarea
        id={id}
        data-autofocus
        className="paste-area"
        value={text}
        spellCheck={false}
        placeholder='{ "workflowConfig": { "name": "…" }, "stepsConfig": [ … ] }'
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && text.trim()) void submit();
        }}
      />
      <p className="muted">You will see what it contains before anything is added to your library.</p>
    </Dialog>
  );
}
