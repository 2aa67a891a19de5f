import { useEffect, useRef } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { useUi } from '../state';

/**
 * Whether the address (`#/w/<id>/runs/<run>/steps/<key>`) selects this step of this run; the row it
 * selects is scrolled into view.
 */
export function useStepSelection(run: RunRecord, step: StepRecord) {
  const selected = useUi((s) => s.selectedRunId === run.id && s.selectedStepKey === step.key);
  const rowRef = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) rowRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
  return { selected, rowRef };
}
