import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef } from 'react';
import { readCellWindow, readRowWindow, type BatchRecord } from '../../../store/batches';
import { useDb } from '../../DbContext';
import { routeHref } from '../../routing/routes';
import { toResultRows } from './useResultRows';
import { formatMetric } from './formatCell';

interface RowDetailProps {
  rowIndex: number;
  batch: BatchRecord;
  onClose(): void;
}

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** One row in full: its inputs, and per variant the status, the whole output, the error, every verdict and why. */
export function RowDetail({ rowIndex, batch, onClose }: RowDetailProps) {
  const db = useDb();
  const row = useLiveQuery(async () => {
    const [rows, cells] = await Promise.all([
      readRowWindow(db, batch.id, rowIndex, rowIndex + 1),
      readCellWindow(db, batch.id, rowIndex, rowIndex + 1),
    ]);
    return toResultRows(rows, cells)[0] ?? null;
  }, [db, batch.id, rowIndex]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [rowIndex]);
  const evaluatorLabel = new Map(batch.spec.evaluators.map((e) => [e.id, e.label]));
  return (
    <section className="results-detail" aria-labelledby="results-detail-title">
      <header className="results-detail-header">
        <h3 id="results-detail-title" tabIndex={-1} ref={heading}>
          Row {rowIndex + 1}
        </h3>
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </header>
      {row === undefined ? (
        <p className="results-note">Loading…</p>
      ) : row === null ? (
        <p className="results-note">This row is not in the experiment.</p>
      ) : (
        <>
          <h4>Inputs</h4>
          <dl className="results-detail-inputs">
            {Object.entries(row.input ?? {}).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{json(value)}</dd>
              </div>
            ))}
          </dl>
          {batch.spec.variants.map((variant) => {
            const cell = row.cells.get(variant.id);
            return (
              <article key={variant.id} className="results-detail-variant" aria-label={variant.label}>
                <h4>
                  {variant.label}: <span data-status={cell?.status}>{cell?.status ?? 'not started'}</span>
                  {cell?.runId && (
                    <a
                      className="results-detail-run"
                      href={routeHref({ screen: 'run', workflowId: batch.workflowId, runId: cell.runId })}>
                      Open run
                    </a>
                  )}
                </h4>
                {cell?.output !== undefined && <pre className="results-detail-output">{json(cell.output)}</pre>}
                {cell?.error && <p className="results-problem">{cell.error}</p>}
                {cell && (
                  <p className="results-note">
                    {[
                      cell.tokens === undefined ? '' : `${formatMetric('tokens', cell.tokens)} tokens`,
                      formatMetric('costUsd', cell.costUsd),
                      formatMetric('latencyMs', cell.latencyMs),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                )}
                {cell?.evaluations && (
                  <ul className="results-detail-checks">
                    {cell.evaluations.map((verdict) => (
                      <li key={verdict.evaluatorId} data-verdict={verdict.pass ? 'pass' : 'fail'}>
                        <strong>{verdict.pass ? 'pass' : 'fail'}</strong>{' '}
                        {evaluatorLabel.get(verdict.evaluatorId) ?? verdict.evaluatorId}
                        {verdict.reason && <>: {verdict.reason}</>}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            );
          })}
        </>
      )}
    </section>
  );
}
