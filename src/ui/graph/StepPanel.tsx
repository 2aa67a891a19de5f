import type { Ref } from 'react';
import type { Step } from '../../schema/steps';
import { stepKind } from './stepDefaults';

interface StepPanelProps {
  step: Step | undefined;
  count: number;
  ref?: Ref<HTMLElement>;
}

/**
 * The side panel of the selected step. Until the step forms land (src/ui/forms/), it shows the
 * step's JSON (edit it in the JSON tab); with several steps selected it says how many.
 */
export function StepPanel({ step, count, ref }: StepPanelProps) {
  return (
    <aside className="graph-panel" aria-label="Selected step" tabIndex={-1} ref={ref}>
      {step ? (
        <>
          <h3>
            {stepKind(step.stepType).label}: <code>{step.stepSlug}</code>
          </h3>
          <pre className="graph-panel-json" data-testid="step-json">
            {JSON.stringify(step, null, 2)}
          </pre>
        </>
      ) : (
        <p className="muted">
          {count > 1 ? `${count} steps selected.` : 'Select a step to see it here; Enter opens the selected step.'}
        </p>
      )}
    </aside>
  );
}
