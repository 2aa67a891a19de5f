import { useId, useState } from 'react';
import type { RunRecord } from '../../engine/records';
import { routeHref } from '../routing/routes';
import { formatTime, STATUS_LABEL } from '../runs/format';
import { useWorkflowRuns } from '../runs/useRuns';
import { previousRun } from './compareRuns';
import { RunOrigin } from './RunOrigin';
import './compare.css';

/** The runs offered in the "any run" list: the newest ones (a workflow may have thousands). */
const LISTED_RUNS = 200;

const compareHref = (workflowId: string, runA: string, runB: string) =>
  routeHref({ screen: 'compare', workflowId, runA, runB });

/**
 * "Compare with…" in a run's controls: the previous run, the fork's origin, or any run of the workflow. Each choice
 * is a link to the comparison's address, the other run as A and this one as B. A fork or a restart says, beside it,
 * where it came from.
 */
export function CompareWith({ run }: { run: RunRecord }) {
  const runs = useWorkflowRuns(run.workflowId ?? '');
  const selectId = useId();
  const [picked, setPicked] = useState('');
  const workflowId = run.workflowId;
  if (!workflowId || run.parentRunId !== undefined || runs.status === 'loading') return null;
  const others = runs.value.filter((r) => r.id !== run.id && r.parentRunId === undefined);
  const origin = <RunOrigin run={run} workflowId={workflowId} />;
  if (others.length === 0) return origin;
  const previous = previousRun(run, runs.value);
  const forkOrigin = run.forkedFrom?.runId;
  return (
    <>
      {origin}
      <details className="compare-with">
        <summary className="button button-small">Compare with…</summary>
        <div className="compare-with-menu">
          <ul>
            {previous && (
              <li>
                <a href={compareHref(workflowId, previous.id, run.id)}>
                  The previous run ({formatTime(previous.createdAt)})
                </a>
              </li>
            )}
            {forkOrigin && (
              <li>
                <a href={compareHref(workflowId, forkOrigin, run.id)}>The run it was forked from</a>
              </li>
            )}
          </ul>
          <label htmlFor={selectId}>Any run of this workflow</label>
          <select id={selectId} value={picked} onChange={(e) => setPicked(e.target.value)}>
            <option value="">Choose a run…</option>
            {others.slice(0, LISTED_RUNS).map((other) => (
              <option key={other.id} value={other.id}>
                {formatTime(other.createdAt)} · {STATUS_LABEL[other.status]} · {other.id.slice(0, 8)}
              </option>
            ))}
          </select>
          {picked && (
            <a className="button button-small button-primary" href={compareHref(workflowId, picked, run.id)}>
              Compare
            </a>
          )}
        </div>
      </details>
    </>
  );
}
