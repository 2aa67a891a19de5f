import { useState } from 'react';
import { errorMessage } from '../../schema/errorMessage';
import { useExecutor } from '../ExecutorContext';
import { firstVisitAddress } from './storageHooks';

/** The word to type: an erasing of everything is never one click away. */
export const CLEAR_CONFIRM_WORD = 'erase';

/**
 * "Clear all data": every table emptied in the executing tab, keys included, after the word shown is typed.
 * Every tab then reloads to the first screen, as on a first visit.
 */
export function ClearDataPanel() {
  const executor = useExecutor();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'clearing' } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  });
  const confirmed = typed.trim().toLowerCase() === CLEAR_CONFIRM_WORD;

  async function clear() {
    setState({ kind: 'clearing' });
    try {
      await executor.clearAllData();
      // The executor tells every tab; this one goes at once, whether or not its message came first.
      location.replace(firstVisitAddress());
    } catch (error) {
      setState({ kind: 'failed', message: errorMessage(error) });
    }
  }

  if (!open) {
    return (
      <div className="storage-clear">
        <h4>Clear all data</h4>
        <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
          Clear all data…
        </button>
      </div>
    );
  }
  return (
    <div className="storage-clear storage-clear-confirm" role="group" aria-label="Confirm clearing all data">
      <h4>Clear all data</h4>
      <p>
        This deletes everything Tabflow stores in this browser: every workflow and its versions, every run with its
        journal, the local tables, the settings — <strong>and every API key and secret</strong>, with the key lock. Runs
        still going stop. Every open Tabflow tab reloads, and the app is as on a first visit. It cannot be undone:
        export a backup first if you may want any of it back (keys are never in a backup).
      </p>
      <label className="field">
        <span className="field-label">
          Type <strong>{CLEAR_CONFIRM_WORD}</strong> to confirm
        </span>
        <input value={typed} autoComplete="off" spellCheck={false} onChange={(e) => setTyped(e.target.value)} />
      </label>
      {state.kind === 'failed' && (
        <p className="form-error" role="alert">
          Nothing was cleared: {state.message}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => (setOpen(false), setTyped(''))}>
          Cancel
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={!confirmed || state.kind === 'clearing'}
          onClick={() => void clear()}>
          {state.kind === 'clearing' ? 'Clearing…' : 'Clear all data'}
        </button>
      </div>
    </div>
  );
}
