import { FINISHED_RUN_STATUSES, type RunRecord } from '../../engine/records';
import { describeRunCost, formatUsd, type RunTotals } from '../runs/cost';
import { formatDuration, formatTime, STATUS_LABEL, summarizeInput } from '../runs/format';
import { useRunVersion } from '../versions/useVersions';
import { useJournalOutline, useRunTotals } from './useJournal';
import { useSettled } from './useSettled';
import { IterationBadges } from '../pins/PinMarks';

interface RunRowProps {
  run: RunRecord;
  active?: boolean;
  storageFull?: boolean;
  /** The all-runs list names the workflow and the version each run ran. */
  showWorkflow?: boolean;
  /** Where the row leads: a link to the run's address, or an action in place (none: it is only listed). */
  open?: { href: string } | { onOpen(): void };
}

/** One run: status, when, how long, tokens and cost, its input and error, and whether it is a fork or restarted. */
export function RunRow({ run, active = false, storageFull = false, showWorkflow = false, open }: RunRowProps) {
  const finished = FINISHED_RUN_STATUSES.has(run.status);
  const settled = useSettled();
  // Totals of a finished run only (a running one's open detail sums them already), once the row stays in view.
  const totals = useRunTotals(useJournalOutline(run.id, finished && settled), run.restartedFrom?.at);
  const took = run.finishedAt !== undefined ? formatDuration(run.finishedAt - run.createdAt) : undefined;
  const body = (
    <>
      <span className="run-item-line">
        <span className={`status-dot status-${run.status}`} aria-hidden />
        <span>{storageFull ? 'storage full' : STATUS_LABEL[run.status]}</span>
        <span className="muted">{formatTime(run.createdAt)}</span>
        {run.mode === 'direct' && <span className="muted">not durable</span>}
        {run.batchId !== undefined && (
          <span className="badge" title="A run of an experiment: its screen lists it with its row">
            experiment
          </span>
        )}
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
        {run.importedFrom && (
          <span className="badge" title={`Opened from a run bundle exported ${run.importedFrom.exportedAt}`}>
            imported
          </span>
        )}
        {run.replayOf && (
          <span className="badge" title="A replay of a run opened from a bundle">
            replay
          </span>
        )}
        <IterationBadges run={run} />
      </span>
      {showWorkflow && <RunWorkflow run={run} settled={settled} />}
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
    </>
  );
  const common = {
    className: `run-item${active ? ' run-item-active' : ''}`,
    'data-run-id': run.id,
    'data-run-status': run.status,
    'aria-current': active ? ('true' as const) : undefined,
  };
  if (open === undefined)
    return (
      <li>
        <div {...common}>{body}</div>
      </li>
    );
  if ('href' in open)
    return (
      <li>
        <a {...common} href={open.href}>
          {body}
        </a>
      </li>
    );
  return (
    <li>
      <button type="button" {...common} onClick={open.onOpen}>
        {body}
      </button>
    </li>
  );
}

/** "Customer Digest · version 7" (the version the run ran, when version history knew it). */
function RunWorkflow({ run, settled }: { run: RunRecord; settled: boolean }) {
  return (
    <span className="run-item-line run-item-workflow">
      <span className="run-item-workflow-name">{run.workflowName}</span>
      {settled && <RunVersion run={run} />}
    </span>
  );
}

function RunVersion({ run }: { run: RunRecord }) {
  const version = useRunVersion(run);
  const seq = version.status === 'ready' ? version.value?.seq : undefined;
  return seq === undefined ? null : <span className="muted">version {seq}</span>;
}

function RunCost({ totals }: { totals: RunTotals }) {
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
