import { FINISHED_RUN_STATUSES } from '../../engine/records';
import { useUi } from '../state';
import { formatTime, STATUS_LABEL } from './format';
import { AddressedRun } from '../routing/RunAddress';
import { useStorageFullRuns, useWorkflowRuns } from './useRuns';

/** The runs tab: this workflow's runs (newest first) beside the open run. */
export function RunsPanel({ workflowId }: { workflowId: string }) {
  const runs = useWorkflowRuns(workflowId);
  const selectedRunId = useUi((s) => s.selectedRunId);
  const showRun = useUi((s) => s.showRun);
  const storageFull = useStorageFullRuns(
    runs.status === 'ready' && runs.value.some((r) => !FINISHED_RUN_STATUSES.has(r.status)),
  );
  if (runs.status === 'loading') return <p className="muted runs-empty">Loading runs…</p>;
  if (runs.value.length === 0 && !selectedRunId)
    return <p className="muted runs-empty">No runs yet. Press “Run” to start one.</p>;
  // The run the address names, even one that is not listed (then it says so); else the newest.
  const open = selectedRunId ?? runs.value[0]!.id;
  return (
    <div className="runs-panel">
      <ul className="runs-list" aria-label="Runs">
        {runs.value.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              className={`run-item${run.id === open ? ' run-item-active' : ''}`}
              data-run-id={run.id}
              data-run-status={run.status}
              onClick={() => showRun(run.id)}>
              <span className={`status-dot status-${run.status}`} aria-hidden />
              <span>{storageFull.has(run.id) ? 'storage full' : STATUS_LABEL[run.status]}</span>
              <span className="muted">{formatTime(run.createdAt)}</span>
              {run.mode === 'direct' && <span className="muted">not durable</span>}
            </button>
          </li>
        ))}
      </ul>
      <div className="run-pane">
        <AddressedRun key={open} workflowId={workflowId} runId={open} listed={runs.value.some((r) => r.id === open)} />
      </div>
    </div>
  );
}
