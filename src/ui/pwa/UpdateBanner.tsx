import { useSyncExternalStore } from 'react';
import { useExecutor } from '../ExecutorContext';
import { appUpdates, type UpdateController } from './updates';
import './pwa.css';

/**
 * "A new version is ready — Reload": shown when a new deployment is installed. Nothing reloads by
 * itself; Reload first lets this tab's step commits in flight finish (`holdWritesForReload`).
 */
export function UpdateBanner({ updates = appUpdates }: { updates?: UpdateController }) {
  const state = useSyncExternalStore(updates.subscribe, updates.snapshot);
  const executor = useExecutor();
  if (state.kind === 'current') return null;
  const applying = state.kind === 'applying';
  return (
    <section className="update-banner" role="status" aria-label="New version">
      <span className="update-banner-message">
        {state.kind === 'failed'
          ? state.message
          : applying
            ? 'Loading the new version once running steps have saved…'
            : 'A new version is ready.'}
      </span>
      <button
        type="button"
        className="button button-primary"
        disabled={applying}
        onClick={() => void updates.apply(() => executor.holdWritesForReload())}>
        Reload
      </button>
    </section>
  );
}
