import { useState } from 'react';
import { FINISHED_RUN_STATUSES, type RunRecord } from '../../engine/records';
import { deleteFinishedRun } from '../../store/runs';
import { useDb } from '../DbContext';
import { describeRunCost } from './cost';
import { formatUsage } from './LlmDetails';
import { ThreadsView } from './ThreadsView';
import { useExecutor } from '../ExecutorContext';
import { useUi } from '../state';
import { formatDuration, formatJson, formatTime, STATUS_LABEL } from './format';
import { KeySettingsLink } from './StepRow';
import { useChildRuns, useRun, useStepNames, useStorageFullRuns } from './useRuns';
import { StepList } from '../runlist/StepList';
import type { JournalOutline } from '../runlist/journalOutline';
import { useAuthFailedStep, useJournalOutline, useRunTotals } from '../runlist/useJournal';
import { RunWaits } from './WaitBanner';
import { RunAnswers } from '../inbox/RunAnswers';
import { CompareWith } from '../compare/CompareWith';
import { RunVersionLink } from '../versions/RunVersion';
import { RunBatchLink } from './RunBatchLink';
import { RunIterationNote } from '../pins/PinMarks';
import { RunViews } from '../inspector/RunViews';
import { SelectedStep } from '../stepview/SelectedStep';
import { errorMessage } from '../../schema/errorMessage';
import { RunBundleControls } from '../bundles/RunBundleControls';

/** A run, live: status, controls, and every step execution in recording order. */
export function RunDetail({ runId }: { runId: string }) {
  const run = useRun(runId);
  if (run.status === 'loading') return <p className="muted">Loading run…</p>;
  if (!run.value) return <p className="muted">This run no longer exists.</p>;
  return <LoadedRun run={run.value} />;
}

function LoadedRun({ run }: { run: RunRecord }) {
  const outline = useJournalOutline(run.id);
  const children = useChildRuns(run.id);
  const names = useStepNames(run.workflowHash);
  const showToast = useUi((s) => s.showToast);
  const onError = (error: unknown) => showToast({ message: errorMessage(error), tone: 'error' });
  const finished = FINISHED_RUN_STATUSES.has(run.status);
  // The executor's word first: on a really full disk the stored status is stale (the pause did not fit).
  const storageFull =
    useStorageFullRuns(!finished).has(run.id) ||
    (run.status === 'paused' && run.waits?.some((wait) => wait.kind === 'storage-full') === true);
  const keyFailure = useAuthFailedStep(run, outline);
  return (
    <section
      className="run-detail"
      data-run-id={run.id}
      data-run-status={run.status}
      data-storage-full={storageFull || undefined}
      aria-label={`Run ${run.id}`}>
      <header className="run-header">
        <div className="run-title">
          {storageFull ? (
            <span className="status-label status-paused">stopped · storage full</span>
          ) : (
            <span className={`status-label status-${run.status}`}>{STATUS_LABEL[run.status]}</span>
          )}
          <span className="muted">{run.mode === 'direct' ? 'direct · not durable' : 'durable'}</span>
          <span className="muted">started {formatTime(run.createdAt)}</span>
          <RunVersionLink run={run} />
          <RunBatchLink run={run} />
          <RunIterationNote run={run} />
          <RunTime run={run} />
        </div>
        <RunControls run={run} finished={finished} storageFull={storageFull} onError={onError} />
        <CompareWith run={run} />
        {finished && run.parentRunId === undefined && <RunBundleControls run={run} />}
      </header>
      <RunWaits run={run} storageFull={storageFull} onError={onError} />
      <RunAnswers runId={run.id} />
      {!storageFull && run.error && (
        <p className="run-error" role="alert">
          {run.error.message} {keyFailure && <KeySettingsLink step={keyFailure} />}
        </p>
      )}
      {run.status === 'completed' && (
        <details className="run-output" open>
          <summary>Run output</summary>
          <pre>{formatJson(run.output)}</pre>
        </details>
      )}
      <RunViews run={run}>
        <StepList run={run} outline={outline} names={names} onError={onError} />
      </RunViews>
      <SelectedStep run={run} names={names} onError={onError} />
      <RunUsage outline={outline} run={run} />
      <ThreadsView runId={run.id} />
      {children.status === 'ready' && children.value.length > 0 && (
        <div className="child-runs">
          <h3>Subworkflow runs</h3>
          {children.value.map((child) => (
            <RunDetail key={child.id} runId={child.id} />
          ))}
        </div>
      )}
    </section>
  );
}

/**
 * "took" is start to finish on the clock; the running time leaves out waits (sleeps, approvals, retry
 * backoff) and time the app was closed — it is what the run's timeout counts.
 */
function RunTime({ run }: { run: RunRecord }) {
  const running = formatDuration(run.activeMs);
  const explain = 'Running time leaves out waits (sleeps, approvals, retry backoff) and time the app was closed';
  if (run.finishedAt === undefined)
    return (
      <span className="muted" title={explain}>
        {running} running so far
      </span>
    );
  const tookMs = run.finishedAt - run.createdAt;
  // Under a second apart, the two figures say the same thing: one is enough.
  const waited = tookMs - run.activeMs >= 1000;
  return (
    <span className="muted run-took" title={explain}>
      took {formatDuration(tookMs)}
      {waited ? `, of which ${running} running steps (the rest waiting)` : ''}
    </span>
  );
}

function RunControls({
  run,
  finished,
  storageFull,
  onError,
}: {
  run: RunRecord;
  finished: boolean;
  storageFull: boolean;
  onError(e: unknown): void;
}) {
  const executor = useExecutor();
  const openDialog = useUi((s) => s.openDialog);
  if (finished) return run.parentRunId === undefined ? <DeleteRun run={run} onError={onError} /> : null;
  return (
    <div className="toolbar" role="toolbar" aria-label="Run controls">
      {storageFull ? null : run.status === 'paused' ? (
        <button type="button" className="button button-small" onClick={() => executor.resume(run.id).catch(onError)}>
          Resume
        </button>
      ) : (
        <button type="button" className="button button-small" onClick={() => executor.pause(run.id).catch(onError)}>
          Pause
        </button>
      )}
      <button
        type="button"
        className="button button-small"
        onClick={() => openDialog({ kind: 'event', runId: run.id })}>
        Send event…
      </button>
      <button type="button" className="button button-small" onClick={() => executor.cancel(run.id).catch(onError)}>
        Cancel run
      </button>
    </div>
  );
}

/** Deletes a finished run and everything recorded for it, after a confirmation. */
function DeleteRun({ run, onError }: { run: RunRecord; onError(e: unknown): void }) {
  const db = useDb();
  const showToast = useUi((s) => s.showToast);
  const addressed = useUi((s) => s.selectedRunId === run.id);
  const showRun = useUi((s) => s.showRun);
  const [confirming, setConfirming] = useState(false);
  const remove = () => {
    deleteFinishedRun(db, run.id).then(({ steps }) => {
      // The address named this run: it moves to the runs tab, not to "This run is not here".
      if (addressed) showRun(null);
      showToast({ message: `Run deleted with its ${steps} step record${steps === 1 ? '' : 's'}` });
    }, onError);
  };
  if (!confirming) {
    return (
      <div className="toolbar">
        <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
          Delete run
        </button>
      </div>
    );
  }
  return (
    <div className="toolbar run-delete-confirm" role="group" aria-label="Confirm deleting this run">
      <span>Delete this run, its steps and its messages? This cannot be undone.</span>
      <button type="button" className="button button-small button-danger" onClick={remove}>
        Delete
      </button>
      <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </div>
  );
}

/** Tokens and estimated cost of the whole run, summed over its LLM steps. */
function RunUsage({ outline, run }: { outline: JournalOutline | undefined; run: RunRecord }) {
  const totals = useRunTotals(outline, run.restartedFrom?.at);
  if (!totals || totals.llmSteps === 0) return null;
  return (
    <p className="run-usage muted" data-run-tokens={totals.usage.totalTokens}>
      Run usage: {formatUsage(totals.usage)} · {describeRunCost(totals)}
    </p>
  );
}
