import { useCallback, useEffect, useState } from 'react';
import { useUi } from '../state';

/**
 * Closing the step panel (its Close button, or Escape anywhere outside a dialog): back to the run with no step
 * selected, and focus back on what opened the panel — a graph node, a timeline bar, a row — if it is still there.
 */
export function useCloseStep(runId: string): () => void {
  const showStep = useUi((s) => s.showStep);
  // The panel mounts (per step) as the click or key that opened it lands: the focused element opened it.
  const [opener] = useState(() => {
    const active = typeof document === 'undefined' ? null : document.activeElement;
    return active instanceof HTMLElement && active !== document.body ? active : null;
  });
  const close = useCallback(() => {
    showStep(runId, null);
    if (opener?.isConnected) opener.focus();
  }, [showStep, runId, opener]);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A dialog closes itself on Escape (and stops it); an open one is never closed under the user.
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('[role="dialog"]')) return;
      close();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [close]);
  return close;
}
