import type { RunRecord, StepRecord } from '../../engine/records';
import { StepActions } from '../runs/StepRow';
import { StepPinActions } from '../pins/StepPinActions';

export interface StepPanelActionsProps {
  run: RunRecord;
  step: StepRecord;
  onError(error: unknown): void;
}

/**
 * The buttons acting on the inspected step, in the inspector's header before Close. A feature adds its
 * button here as one element (each decides itself whether it applies to this step).
 */
export function StepPanelActions({ run, step, onError }: StepPanelActionsProps) {
  return (
    <>
      <StepActions run={run} step={step} onError={onError} />
      <StepPinActions run={run} step={step} onError={onError} />
    </>
  );
}
