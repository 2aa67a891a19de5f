import type { RunRecord } from '../../engine/records';
import { useUi } from '../state';
import { StepInspector } from './StepInspector';
import { StepPanelActions } from './StepPanelActions';
import { useInspectedStep } from './useStepRecords';

interface SelectedStepProps {
  run: RunRecord;
  /** Step slug → name in the workflow. */
  names: ReadonlyMap<string, string>;
  onError(error: unknown): void;
}

/**
 * The inspector of the step the address selects (`selectedStepKey`), for the run detail to show beside its
 * views (below them on a narrow screen, `stepview.css`). Nothing while no step of this run is selected.
 */
export function SelectedStep({ run, names, onError }: SelectedStepProps) {
  const stepKey = useUi((s) => (s.selectedRunId === run.id ? s.selectedStepKey : null));
  const inspected = useInspectedStep(run.id, stepKey);
  if (!inspected) return null;
  const { step, effects, inside } = inspected;
  return (
    <StepInspector
      key={step.key}
      run={run}
      step={step}
      effects={effects}
      inside={inside}
      name={names.get(step.slug)}
      onError={onError}
      actions={<StepPanelActions run={run} step={step} onError={onError} />}
    />
  );
}
