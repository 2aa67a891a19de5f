import { useState, type FormEvent } from 'react';
import type { WorkflowRecord } from '../../store/db';
import { Dialog } from '../common/Dialog';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { buildInput, inputFields } from './runInputs';

/** The run form: one field per input (`{{input.customerId}}` → "customerId"), then start. */
export function RunDialog({ record }: { record: WorkflowRecord }) {
  const executor = useExecutor();
  const closeDialog = useUi((s) => s.closeDialog);
  const showRun = useUi((s) => s.showRun);
  const [fields] = useState(() => inputFields(record.doc));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [direct, setDirect] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = buildInput(fields, values);
    if (!built.ok) return setError(built.error);
    setBusy(true);
    setError(null);
    try {
      const runId = await executor.start({ workflowId: record.id, input: built.input, mode: direct ? 'direct' : 'durable' });
      closeDialog();
      showRun(runId);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog label={`Run ${record.name}`} onClose={closeDialog}>
      <form className="run-form" onSubmit={(e) => void submit(e)}>
        {fields.length === 0 && <p className="muted">This workflow takes no input.</p>}
        {fields.map((field) => (
          <label key={field.name} className="field">
            <span className="field-label">{field.name}{field.required ? ' *' : ''}</span>
            {field.kind === 'boolean' ? (
              <input type="checkbox" checked={values[field.name] === 'true'} onChange={(e) => setValues({ ...values, [field.name]: String(e.target.checked) })} />
            ) : field.kind === 'json' ? (
              <textarea rows={4} value={values[field.name]} onChange={(e) => setValues({ ...values, [field.name]: e.target.value })} />
            ) : (
              <input type={field.kind === 'number' ? 'number' : 'text'} value={values[field.name]} data-autofocus={field === fields[0] ? '' : undefined}
                onChange={(e) => setValues({ ...values, [field.name]: e.target.value })} />
            )}
            {field.description && <span className="field-hint muted">{field.description}</span>}
          </label>
        ))}
        <label className="field-inline">
          <input type="checkbox" checked={direct} onChange={(e) => setDirect(e.target.checked)} />
          <span>Direct mode — not durable: no checkpoints, a reload ends the run (quick iteration)</span>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={closeDialog}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Starting…' : 'Start run'}</button>
        </div>
      </form>
    </Dialog>
  );
}
