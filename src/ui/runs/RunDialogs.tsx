import { useState, type FormEvent } from 'react';
import { parseJsonText } from '../../schema/jsonText';
import { Dialog } from '../common/Dialog';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { useRun, useStepNames } from './useRuns';
import { errorMessage } from '../../schema/errorMessage';

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function parsePayload(text: string): unknown {
  if (text.trim() === '') return null;
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(parsed.problems[0]!.message);
  return parsed.value;
}

/** Sends a named event to a run; a wait that comes later still gets it, once. */
export function EventDialog({ runId, initialName = '' }: { runId: string; initialName?: string | undefined }) {
  const executor = useExecutor();
  const closeDialog = useUi((s) => s.closeDialog);
  const [name, setName] = useState(initialName);
  const [payload, setPayload] = useState('{}');
  const [note, setNote] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    if (!name.trim()) throw new Error('the event needs a name');
    await executor.sendEvent(runId, name.trim(), parsePayload(payload), ...(note.trim() ? [note.trim()] : []));
    closeDialog();
  });
  return (
    <Dialog label="Send event" onClose={closeDialog}>
      <form className="run-form" onSubmit={(e) => void submit(e)}>
        <label className="field">
          <span className="field-label">Event name</span>
          <input data-autofocus value={name} onChange={(e) => setName(e.target.value)} placeholder="payment_received" />
        </label>
        <label className="field">
          <span className="field-label">Payload (JSON)</span>
          <textarea rows={5} value={payload} onChange={(e) => setPayload(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Reason (optional, recorded with the event)</span>
          <input value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Send
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A new run from this step with its output replaced; the original run is left as it is. */
export function ForkDialog({ runId, stepKey, output }: { runId: string; stepKey: string; output: unknown }) {
  const executor = useExecutor();
  const closeDialog = useUi((s) => s.closeDialog);
  const showRun = useUi((s) => s.showRun);
  const [text, setText] = useState(() => JSON.stringify(output ?? null, null, 2));
  const run = useRun(runId);
  const names = useStepNames(run.status === 'ready' ? (run.value?.workflowHash ?? '') : '');
  const { error, busy, submit } = useSubmit(async () => {
    const forked = await executor.fork(runId, stepKey, parsePayload(text));
    closeDialog();
    showRun(forked);
  });
  return (
    <Dialog label="Fork run" onClose={closeDialog} wide>
      <form className="run-form" onSubmit={(e) => void submit(e)}>
        <p className="muted" data-testid="fork-step">
          {describeForkedStep(stepKey, names)}: edit its output below. A new run continues from this step with the
          edited output; this run stays as it is.
        </p>
        <label className="field">
          <span className="field-label">Output (JSON)</span>
          <textarea data-autofocus rows={12} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            Fork run
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** `run:write@each[2]` → "Step “Write the email” (write, in each[2])". */
function describeForkedStep(stepKey: string, names: ReadonlyMap<string, string>): string {
  const at = stepKey.slice(stepKey.indexOf(':') + 1);
  const slug = at.slice(0, at.indexOf('@'));
  const path = at.slice(at.indexOf('@') + 1);
  const name = names.get(slug);
  const where = path ? `, in ${path}` : '';
  return name ? `Step “${name}” (${slug}${where})` : `Step ${slug}${path ? ` (in ${path})` : ''}`;
}
