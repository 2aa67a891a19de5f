import type { MouseEvent } from 'react';
import type { RunRecord, StepRecord } from '../../engine/records';
import { RunDetail } from '../runs/RunDetail';
import { useRun, useStepRecord } from '../runs/useRuns';
import { useUi } from '../state';
import { NotFound } from './NotFound';
import { routeHref, workflowRoute } from './routes';
import './routing.css';

interface AddressedRunProps {
  workflowId: string;
  runId: string;
  /** The run is in the workflow's list of runs. */
  listed: boolean;
}

/**
 * The run the address names, in the runs tab: its detail, or — for a run that is not (or no longer)
 * this workflow's — a notice with the way back. A step the address names but the run lacks is said too.
 */
export function AddressedRun({ workflowId, runId, listed }: AddressedRunProps) {
  const run = useRun(listed ? '' : runId);
  // A run just started may be stored before the list's live query has caught up: ask for it directly.
  const known = listed || (run.status === 'ready' && run.value?.workflowId === workflowId);
  if (!known && run.status === 'loading') return <p className="muted">Loading run…</p>;
  if (!known) return <MissingRun />;
  return (
    <>
      <MissingStep runId={runId} />
      <RunDetail key={runId} runId={runId} />
    </>
  );
}

function MissingRun() {
  const showRun = useUi((s) => s.showRun);
  return (
    <NotFound
      title="This run is not here"
      detail="This workflow has no such run: it may have been deleted, or the address came from another browser.">
      <button type="button" className="button" onClick={() => showRun(null)}>
        Show the newest run
      </button>
    </NotFound>
  );
}

function MissingStep({ runId }: { runId: string }) {
  const stepKey = useUi((s) => (s.selectedRunId === runId ? s.selectedStepKey : null));
  const showRun = useUi((s) => s.showRun);
  const step = useStepRecord(stepKey);
  if (stepKey === null || step.status === 'loading' || step.value?.runId === runId) return null;
  return (
    <NotFound title="This step is not in the run" detail={<>The run has no step “{stepKey}” (yet).</>}>
      <button type="button" className="button" onClick={() => showRun(runId)}>
        Show the whole run
      </button>
    </NotFound>
  );
}

/**
 * The link that selects a step (its own address, to reload or send); on the selected step it goes back
 * to the whole run. Steps of a subworkflow's run have none: the runs tab lists this workflow's runs.
 */
export function StepLink({ run, step, selected }: { run: RunRecord; step: StepRecord; selected: boolean }) {
  const showStep = useUi((s) => s.showStep);
  if (run.workflowId === undefined || run.parentRunId !== undefined) return null;
  const target = workflowRoute(run.workflowId, { tab: 'runs', runId: run.id, stepKey: selected ? null : step.key });
  const onClick = (event: MouseEvent) => {
    // A plain click navigates in place; Ctrl/⌘/middle click keeps the browser's "open in a new tab".
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    showStep(run.id, selected ? null : step.key);
  };
  return (
    <a
      className="step-link"
      href={routeHref(target)}
      onClick={onClick}
      aria-current={selected ? 'true' : undefined}
      title={selected ? 'Show the whole run' : 'Select this step: the address names it, to reload or send'}>
      {selected ? 'Selected' : 'Select'}
    </a>
  );
}
