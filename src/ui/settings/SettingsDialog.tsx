import { useState, type FormEvent } from 'react';
import { DEFAULT_MAX_PARALLELISM, LIMITS } from '../../schema/limits';
import { writeSetting } from '../../store/settings';
import { Dialog } from '../common/Dialog';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { KeysSection } from './KeysSection';
import { PricesSection } from './PricesSection';
import { ProvidersSection } from './ProvidersSection';
import { StorageSection } from './StorageSection';
import { useSetting } from './useSettings';

/** Settings: model providers and their keys, the key lock, and how much runs at once. */
export function SettingsDialog() {
  const db = useDb();
  const executor = useExecutor();
  const closeDialog = useUi((s) => s.closeDialog);
  // Taken once, at opening: the provider an error's "Check the key in Settings" asked for.
  const requested = useUi((s) => (s.dialog.kind === 'settings' ? s.dialog.provider : undefined));
  const [openAt] = useState(requested);
  const showToast = useUi((s) => s.showToast);
  const stored = useSetting('maxParallelism');
  const [value, setValue] = useState<string | null>(null);
  const current = value ?? String(stored?.value ?? DEFAULT_MAX_PARALLELISM);

  async function save(event: FormEvent) {
    event.preventDefault();
    const n = Number(current);
    if (!Number.isInteger(n) || n < 1 || n > LIMITS.concurrency) {
      showToast({ message: `Steps in flight must be a whole number from 1 to ${LIMITS.concurrency}`, tone: 'error' });
      return;
    }
    await writeSetting(db, 'maxParallelism', n);
    await executor.applySettings().catch(() => undefined);
    showToast({ message: 'Settings saved', tone: 'success' });
  }

  return (
    <Dialog label="Settings" onClose={closeDialog} wide>
      <ProvidersSection openAt={openAt} />
      <KeysSection />
      <PricesSection />
      <form className="run-form settings-section" aria-label="Execution" onSubmit={(e) => void save(e)}>
        <h3>Execution</h3>
        <label className="field">
          <span className="field-label">Steps in flight at once, across all runs</span>
          <input
            type="number"
            min={1}
            max={LIMITS.concurrency}
            data-autofocus
            value={current}
            onChange={(e) => setValue(e.target.value)}
          />
          <span className="field-hint muted">
            Like a worker pool: more runs at once, more load on model providers. Default {DEFAULT_MAX_PARALLELISM}.
          </span>
          {stored?.problem && (
            <span className="form-error" role="status">
              {stored.problem}
            </span>
          )}
        </label>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Save execution settings
          </button>
        </div>
      </form>
      <StorageSection />
    </Dialog>
  );
}
