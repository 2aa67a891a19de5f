import type { Ref } from 'react';
import type { PathSegment, Problem } from '../../schema/problems';
import type { WorkflowFile } from '../../schema/workflow';
import { LazyStepFormPanel } from '../forms/LazyStepFormPanel';
import { PinSectionAt } from '../pins/PinSection';

interface StepPanelProps {
  file: WorkflowFile;
  /** JSON path of the selected step; undefined when none (or several) is selected. */
  stepPath: PathSegment[] | undefined;
  count: number;
  problems: Problem[];
  workflowId: string;
  onChange(next: WorkflowFile, meta: { group: string }): void;
  ref?: Ref<HTMLElement>;
}

/** The side panel: the form of the selected step (helper "forms"), or what to do to get one. */
export function StepPanel({ file, stepPath, count, problems, workflowId, onChange, ref }: StepPanelProps) {
  return (
    <aside className="graph-panel" aria-label="Selected step" tabIndex={-1} ref={ref}>
      {stepPath ? (
        <>
          <LazyStepFormPanel
            key={JSON.stringify(stepPath)}
            file={file}
            stepPath={stepPath}
            problems={problems}
            workflowId={workflowId}
            onChange={onChange}
          />
          <PinSectionAt file={file} stepPath={stepPath} workflowId={workflowId} />
        </>
      ) : (
        <p className="muted">
          {count > 1 ? `${count} steps selected.` : 'Select a step to edit it here (Enter opens the selected step).'}
        </p>
      )}
    </aside>
  );
}
