import { FINISHED_RUN_STATUSES, type RunRecord } from '../../engine/records';
import { useUi } from '../state';
import { describeRunCost, formatUsd, runTotals } from './cost';
import { formatDuration, formatTime, STATUS_LABEL, summarizeInput } from './format';
import { AddressedRun } from '../routing/RunAddress';
import { useFinishedRunSteps, useStorageFullRuns, useWorkflowRuns } from './useRuns';
import './runs.css';

/** The runs tab: this workflow's runs (newest first) beside the open run. */
export function RunsPanel({ workflowId }: { workflowId: string }) {
  const runs = useWorkflowRuns(workflowId);
  const selectedRunId = useUi((s) => s.selectedRunId);
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
          <RunItem key={run.id} run={run} active={run.id === open} storageFull={storageFull.has(run.id)} />
        ))}
      </ul>
      <div className="run-pane">
        <AddressedRun key={open} workflowId={workflowId} runId={open} listed={runs.value.some((r) => r.id === open)} />
      </div>
    </div>
  );
}

/** One run in the list: status, when, how long, tokens and cost, its input, and whether it is a fork or restarted. */
function RunItem({ run, active, storageFull }: { run: RunRecord; active: boolean; storageFull: boolean }) {
  const showRun = useUi((s) => s.showRun);
  const steps = useFinishedRunSteps(run);
  const totals = steps ? runTotals(steps) : undefined;
  const took = run.finishedAt !== undefined ? formatDuration(run.finishedAt - run.createdAt) : undefined;
  return (
    <li>
      <button
        type="button"
        className={`run-item${active ? ' run-item-active' : ''}`}
        data-run-id={run.id}
        data-run-status={run.status}
        aria-current={active ? 'true' : undefined}
        onClick={() => showRun(run.id)}>
        <span className="run-item-line">
          <span className={`status-dot status-${run.status}`} aria-hidden />
          <span>{storageFull ? 'storage full' : STATUS_LABEL[run.status]}</span>
          <span className="muted">{formatTime(run.createdAt)}</span>
          {run.mode === 'direct' && <span className="muted">not durable</span>}
          {run.forkedFrom && (
            <span className="badge" title={`Forked from run ${run.forkedFrom.runId}`}>
              fork
            </span>
          )}
          {run.restartedFrom && (
            <span className="badge" title={`Restarted ${formatTime(run.restartedFrom.at)}`}>
              restarted
            </span>
          )}
        </span>
        <span className="run-item-line run-item-facts muted" data-testid="run-facts">
          {took && <span>{took}</span>}
          {totals && totals.llmSteps > 0 && <span>{totals.usage.totalTokens} tokens</span>}
          {totals && totals.llmSteps > 0 && <RunCost totals={totals} />}
        </span>
        <span className="run-item-input muted" title={summarizeInput(run.input, 2000)}>
          {summarizeInput(run.input)}
        </span>
        {run.status === 'failed' && run.error && (
          <span className="run-item-error" title={run.error.message}>
            {run.error.message}
          </span>
        )}
      </button>
    </li>
  );
}

function RunCost({ totals }: { totals: ReturnType<typeof runTotals> }) {
  const title = describeRunCost(totals);
  if (totals.usd !== undefined)
    return (
      <span title={title}>
        ≈ {formatUsd(totals.usd)}
        {totals.unpricedModels.length > 0 ? ' + unpriced' : ''}
      </span>
    );
  return <span title={title}>{totals.unpricedModels.length > 0 ? 'no price known' : 'free (demo)'}</span>;
}
