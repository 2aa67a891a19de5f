import { useLiveQuery } from 'dexie-react-hooks';
import { listBatches } from '../../store/batches';
import { formatRelative, useNow } from '../common/time';
import { useDb } from '../DbContext';
import { routeHref } from '../routing/routes';
import { progressOf } from './progress';
import './experiments.css';

/** `#/experiments`: every experiment, newest first, each linking to its screen. */
export function ExperimentList() {
  const db = useDb();
  const now = useNow();
  const batches = useLiveQuery(() => listBatches(db), [db]);
  const workflows = useLiveQuery(async () => {
    const all = await db.workflows.toArray();
    return new Map(all.map((w) => [w.id, w.name]));
  }, [db]);
  return (
    <section className="experiment-screen" aria-labelledby="experiments-title">
      <div className="experiment-list-head">
        <h2 id="experiments-title">Experiments</h2>
        <a className="button button-primary" href={routeHref({ screen: 'newExperiment', workflowId: null })}>
          New experiment
        </a>
      </div>
      <p className="muted">Run a workflow over every row of a table, once per variant, with checks on each output.</p>
      {batches === undefined ? (
        <p className="muted">Loading experiments…</p>
      ) : batches.length === 0 ? (
        <p className="muted">No experiments yet.</p>
      ) : (
        <table className="experiment-table" aria-label="Experiments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((batch) => {
              const progress = progressOf(batch.counts);
              return (
                <tr key={batch.id}>
                  <th scope="row">
                    <a href={routeHref({ screen: 'experiment', batchId: batch.id })}>{batch.name}</a>
                  </th>
                  <td>{workflows?.get(batch.workflowId) ?? <span className="muted">deleted</span>}</td>
                  <td>
                    <span className={`status-label status-${batch.status}`}>{batch.status}</span>
                  </td>
                  <td>
                    <progress
                      max={progress.total || 1}
                      value={progress.finished}
                      aria-label={`${batch.name}: ${progress.finished} of ${progress.total} runs finished`}
                    />{' '}
                    <span className="muted">
                      {progress.finished.toLocaleString('en')}/{progress.total.toLocaleString('en')}
                      {progress.failed > 0 ? `, ${progress.failed} failed` : ''}
                    </span>
                  </td>
                  <td>{formatRelative(batch.createdAt, now)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
