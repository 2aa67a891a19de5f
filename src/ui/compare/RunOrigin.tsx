import type { RunRecord } from '../../engine/records';
import { routeHref, workflowRoute } from '../routing/routes';
import { formatTime } from '../runs/format';

/** Where a fork or a restart came from, as links: "forked from run 1a2b3c4d at classify@", "restarted from …". */
export function RunOrigin({ run, workflowId }: { run: RunRecord; workflowId: string }) {
  if (run.forkedFrom) {
    const { runId, stepKey } = run.forkedFrom;
    return (
      <span className="run-origin">
        forked from{' '}
        <a href={routeHref(workflowRoute(workflowId, { tab: 'runs', runId, stepKey }))}>
          run <code>{runId.slice(0, 8)}</code> at <code>{stepKey.slice(runId.length + 1)}</code>
        </a>
      </span>
    );
  }
  if (run.restartedFrom) {
    const { stepKey, at } = run.restartedFrom;
    return (
      <span className="run-origin">
        restarted from{' '}
        <a href={routeHref(workflowRoute(workflowId, { tab: 'runs', runId: run.id, stepKey }))}>
          <code>{stepKey.slice(run.id.length + 1)}</code>
        </a>{' '}
        at {formatTime(at)}
      </span>
    );
  }
  return null;
}
