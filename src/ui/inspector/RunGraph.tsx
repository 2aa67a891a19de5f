import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useMemo } from 'react';
import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord } from '../../engine/records';
import type { Step } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { LazyBoundary, lazyChunk } from '../common/LazyBoundary';
import { useDb } from '../DbContext';
import { buildGraph } from '../graph/GraphPane';
import type { NodeOverlay } from '../graph/nodes';
import type { RunCanvasProps } from '../graph/RunCanvas';
import { describeNodeState, loopsBySlug, nodeRunStates, type NodeRunState } from './runStatus';
import { RunPinsProvider } from '../pins/PinsContext';

// React Flow and ELK load with this view, as with the editor's Graph tab.
// From the editor's canvas chunk: React Flow is downloaded once, in one chunk, for both.
const RunCanvas = lazyChunk<RunCanvasProps>(() =>
  import('../graph/GraphCanvas').then((m) => ({ default: m.RunCanvas })),
);

type Definition = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; file: WorkflowFile };

/** The definition a run started with (by its content hash; immutable once saved). */
function useRunDefinition(workflowHash: string): Definition {
  const db = useDb();
  return useLiveQuery(
    async (): Promise<Definition> => {
      const record = await db.definitions.get(workflowHash);
      return record ? { status: 'ready', file: record.definition } : { status: 'missing' };
    },
    [db, workflowHash],
    { status: 'loading' },
  );
}

interface RunGraphProps {
  run: RunRecord;
  records: readonly StepRecord[];
  onOpenStep(stepKey: string): void;
}

/** The run's workflow as the editor draws it, read-only, each step with its live status, attempts and iterations. */
export function RunGraph(props: RunGraphProps) {
  const definition = useRunDefinition(props.run.workflowHash);
  if (definition.status === 'loading') return <p className="muted">Loading the run's workflow…</p>;
  if (definition.status === 'missing')
    return (
      <p className="muted">The workflow this run started with is not stored here, so its graph cannot be drawn.</p>
    );
  return <LoadedGraph {...props} file={definition.file} />;
}

function LoadedGraph({ run, records, onOpenStep, file }: RunGraphProps & { file: WorkflowFile }) {
  const model = useMemo(() => buildGraph(file), [file]);
  const loops = useMemo(() => loopsBySlug(file.stepsConfig as Step[]), [file]);
  const states = useMemo(
    () => nodeRunStates(model, records, FINISHED_RUN_STATUSES.has(run.status), loops),
    [model, records, run.status, loops],
  );
  const overlays = useMemo(() => {
    const out = new Map<string, NodeOverlay & { label: string }>();
    for (const [id, state] of states) {
      const node = model.byId.get(id);
      if (node?.data.kind !== 'step') continue;
      const label = `${node.data.stepType} step ${node.data.slug}: ${describeNodeState(state)}`;
      out.set(id, { className: `run-node run-node-${state.status}`, content: <NodeState state={state} />, label });
    }
    return out;
  }, [states, model]);
  const onOpen = useCallback(
    (id: string) => {
      const stepKey = states.get(id)?.stepKey;
      if (stepKey) onOpenStep(stepKey);
    },
    [states, onOpenStep],
  );
  return (
    <div className="run-graph">
      <p className="muted run-graph-hint">
        Click a step, or select it with the arrow keys and press Enter, to open it.
      </p>
      <ErrorBoundary label="The run's graph">
        <LazyBoundary label="the graph" fallback={<div className="editor-loading muted">Loading graph…</div>}>
          <RunPinsProvider run={run}>
            <RunCanvas
              model={model}
              positions={file.ui?.positions}
              overlays={overlays}
              onOpen={onOpen}
              label="The run's workflow graph. Arrow keys move between steps, Enter opens the step."
            />
          </RunPinsProvider>
        </LazyBoundary>
      </ErrorBoundary>
    </div>
  );
}

/** Under a node's header: its status, attempts and loop iterations. */
function NodeState({ state }: { state: NodeRunState }) {
  const { iterations } = state;
  return (
    <div
      className="run-node-state"
      data-testid="run-node-state"
      data-status={state.status}
      data-attempts={state.attempts}
      data-iterations={iterations ? `${iterations.done}/${iterations.total ?? '?'}` : undefined}>
      <span className={`status-label status-${state.status}`}>{state.status}</span>
      {state.attempts > 1 && <span className="run-node-attempts">{state.attempts} attempts</span>}
      {state.executions > 1 && <span className="run-node-attempts">×{state.executions}</span>}
      {iterations && (
        <span className="run-node-iterations">
          {iterations.done}/{iterations.total ?? '?'} iterations
        </span>
      )}
    </div>
  );
}
