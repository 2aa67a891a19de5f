import { useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from '../common/Dialog';
import { pinnedSlugs, useWorkflowPins } from './usePins';
import './pins.css';

/**
 * Export file for a workflow: with pinned outputs it first asks whether to include them (off unless
 * ticked); without any it exports at once. Copy JSON and share links never include them.
 */
export function useExportChoice(workflowId: string, exportFile: (withPins: boolean) => void) {
  const slugs = pinnedSlugs(useWorkflowPins(workflowId));
  const [asking, setAsking] = useState(false);
  const request = () => (slugs.length > 0 ? setAsking(true) : exportFile(false));
  const dialog: ReactNode = asking ? (
    <ExportDialog
      slugs={slugs}
      onClose={() => setAsking(false)}
      onExport={(withPins) => {
        setAsking(false);
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
