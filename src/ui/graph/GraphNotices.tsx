import type { ReactNode } from 'react';
import type { Problem } from '../../schema/problems';
import type { TextState } from '../document/session';
import type { CanvasHighlights } from './VersionCompare';

interface GraphToolbarProps {
  readOnly: boolean;
  hasSelection: boolean;
  steps: number;
  workflowProblems: number;
  picker: ReactNode;
  onTidy(): void;
  onFit(): void;
  onDuplicate(): void;
  onDelete(): void;
}

function ToolButton({ label, disabled, onClick }: { label: string; disabled: boolean; onClick(): void }) {
  return (
    <button type="button" className="button button-small" disabled={disabled} onClick={onClick}>
      {label}
    </button>
  );
}

export function GraphToolbar(props: GraphToolbarProps) {
  const { readOnly, hasSelection, steps, workflowProblems, picker } = props;
  return (
    <div className="pane-bar graph-toolbar" role="toolbar" aria-label="Graph">
      <ToolButton label="Tidy up" disabled={readOnly} onClick={props.onTidy} />
      <ToolButton label="Fit view" disabled={false} onClick={props.onFit} />
      <ToolButton label="Duplicate" disabled={readOnly || !hasSelection} onClick={props.onDuplicate} />
      <ToolButton label="Delete" disabled={readOnly || !hasSelection} onClick={props.onDelete} />
      <span className="toolbar-gap" />
      {picker}
      <span className="muted graph-counts">
        {steps} steps
        {workflowProblems > 0 && ` · ${workflowProblems} workflow problem(s)`}
      </span>
    </div>
  );
}

/** What the graph says above the canvas: a JSON text that does not parse, a version compared, workflow problems. */
export function GraphNotices(props: {
  textState: TextState;
  highlights: CanvasHighlights | undefined;
  workflowProblems: readonly Problem[];
}) {
  const { textState, highlights, workflowProblems } = props;
  return (
    <>
      {textState.kind === 'invalid' && (
        <p className="graph-banner" role="status" data-testid="graph-stale">
          The JSON does not parse ({textState.message}). The graph shows the last valid version and is read-only until
          the JSON is fixed (or undone).
        </p>
      )}
      {highlights && (
        <p className="graph-compare-note" role="status">
          Since {highlights.label}: {highlights.bySlug.size} step(s) added or changed (marked)
          {highlights.removed.length > 0 && `; removed: ${highlights.removed.join(', ')}`}.
        </p>
      )}
      {workflowProblems.length > 0 && (
        <ul className="graph-workflow-problems" aria-label="Problems of the whole workflow">
          {workflowProblems.slice(0, 3).map((p) => (
            <li key={`${p.code}${p.path}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </>
  );
}
