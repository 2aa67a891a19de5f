import { useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from '../common/Dialog';
import { readPins } from '../../store/pins';
import { getWorkflow } from '../../store/workflows';
import { useDb } from '../DbContext';
import './pins.css';

/**
 * Export file for a workflow: with pinned outputs it first asks whether to include them (off unless
 * ticked); without any it exports at once. Copy JSON and share links never include them.
 */
export function useExportChoice(workflowId: string, exportFile: (withPins: boolean) => void) {
  const db = useDb();
  const [asking, setAsking] = useState<string[] | null>(null);
  // Read at the click, not from a live query that may not have answered yet.
  const request = () => {
    void getWorkflow(db, workflowId).then((record) => {
      const read = record ? readPins(record) : undefined;
      const slugs = read?.kind === 'ok' ? Object.keys(read.pins) : [];
      if (slugs.length > 0) setAsking(slugs);
      else exportFile(false);
    });
  };
  const dialog: ReactNode = asking ? (
    <ExportDialog
      slugs={asking}
      onClose={() => setAsking(null)}
      onExport={(withPins) => {
        setAsking(null);
        exportFile(withPins);
      }}
    />
  ) : null;
  return { request, dialog };
}

function ExportDialog({
  slugs,
  onClose,
  onExport,
}: {
  slugs: string[];
  onClose(): void;
  onExport(withPins: boolean): void;
}) {
  const [withPins, setWithPins] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onExport(withPins);
  };
  return (
    <Dialog label="Export file" onClose={onClose}>
      <form className="run-form" onSubmit={submit}>
        <label className="field-inline">
          <input type="checkbox" checked={withPins} onChange={(e) => setWithPins(e.target.checked)} data-autofocus />
          <span>
            Include pinned outputs ({slugs.join(', ')}) — they may hold data from your runs. Without them the file is
            the workflow only.
          </span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Export
          </button>
        </div>
      </form>
    </Dialog>
  );
}
