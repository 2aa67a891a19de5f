import { useCallback, useMemo, useState } from 'react';
import type { BatchRecord } from '../../../store/batches';
import { useDb } from '../../DbContext';
import { downloadText } from '../../common/clipboard';
import { buildColumns, collectOutputPaths, type ColumnSources, type ResultRow } from './columns';
import { exportFileName, resultsCsv, resultsJson } from './exportResults';
import { ResultsFilters } from './ResultsFilters';
import { ResultsTable } from './ResultsTable';
import { RowDetail } from './RowDetail';
import { filterRows, isFiltering, sortRows, type ResultFilter, type ResultSort } from './sortFilter';
import { readAllRows, useAllRows, useBatchRecord, useRowWindow } from './useResultRows';
import { useOutputPaths } from './useOutputPaths';
import './results.css';
import { errorMessage } from '../../../schema/errorMessage';

/** Rows read beyond each end of those in view. */
const WINDOW_MARGIN_ROWS = 30;

/** An experiment's results: the matrix of rows × variants, sorted, filtered, exported, each cell a run. */
export function ExperimentResults({ batchId }: { batchId: string }) {
  const state = useBatchRecord(batchId);
  if (state.status === 'loading') return <p className="results-note">Loading results…</p>;
  if (state.status === 'missing') return <p className="results-note">This experiment is not here.</p>;
  return <Results batch={state.batch} />;
}

function Results({ batch }: { batch: BatchRecord }) {
  const db = useDb();
  const [sort, setSort] = useState<ResultSort>();
  const [filter, setFilter] = useState<ResultFilter>({});
  const [range, setRange] = useState({ first: 0, last: 40 });
  const [openRow, setOpenRow] = useState<number>();
  const [exportProblem, setExportProblem] = useState<string>();
  const whole = sort !== undefined || isFiltering(filter);
  const from = Math.max(0, range.first - WINDOW_MARGIN_ROWS);
  const to = Math.min(batch.rowCount, range.last + 1 + WINDOW_MARGIN_ROWS);
  const allRows = useAllRows(batch, whole);
  const all = allRows?.status === 'ready' ? allRows.rows : undefined;
  // Until every row is read for a sort or filter, the table keeps showing the rows in view as they were.
  const pending = allRows?.status === 'loading';
  const windowed = useRowWindow(batch.id, from, to, !whole || !all);
  const seen = useMemo(() => all ?? [...(windowed?.rows.values() ?? []), ...(windowed?.sample ?? [])], [all, windowed]);
  const outputPaths = useOutputPaths(batch.id, seen);
  const sources: ColumnSources = {
    inputColumns: batch.columns,
    variants: batch.spec.variants,
    evaluators: batch.spec.evaluators,
    outputPaths,
  };
  const groups = buildColumns(sources);
  const columns = groups.flatMap((group) => group.columns);
  const ordered = useMemo(() => {
    if (!whole || !all) return undefined;
    const kept = filterRows(all, filter, columns);
    const column = sort && columns.find((c) => c.id === sort.columnId);
    return column ? sortRows(kept, column, sort.direction) : kept;
    // `columns` follows `outputPaths` and the batch's spec, which are in the list through `sources`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [whole, all, filter, sort, outputPaths, batch.spec]);
  const count = ordered ? ordered.length : batch.rowCount;
  const rowAt = (index: number): ResultRow | undefined => (ordered ? ordered[index] : windowed?.rows.get(index));
  const rowKey = useCallback((index: number) => `r${ordered?.[index]?.rowIndex ?? index}`, [ordered]);
  const onVisibleRange = useCallback((first: number, last: number) => setRange({ first, last }), []);
  const onSort = (columnId: string) =>
    setSort((current) =>
      current?.columnId !== columnId
        ? { columnId, direction: 'ascending' }
        : current.direction === 'ascending'
          ? { columnId, direction: 'descending' }
          : undefined,
    );
  const exportAs = async (format: 'csv' | 'json') => {
    setExportProblem(undefined);
    try {
      const rows = await readAllRows(db, batch);
      // Every output column, not only those seen on screen so far.
      const complete = { ...sources, outputPaths: collectOutputPaths(rows, outputPaths) };
      const text = format === 'csv' ? resultsCsv(complete, rows) : resultsJson(batch, rows, Date.now());
      downloadText(exportFileName(batch.name, format), text, format === 'csv' ? 'text/csv' : 'application/json');
    } catch (error) {
      setExportProblem(`Couldn't export the results: ${errorMessage(error)}`);
    }
  };
  return (
    <section className="experiment-results" aria-label="Results">
      <ResultsFilters
        filter={filter}
        evaluators={batch.spec.evaluators}
        onChange={setFilter}
        shown={count}
        total={batch.rowCount}
        filtering={whole && isFiltering(filter)}
        onExport={(format) => void exportAs(format)}
      />
      {exportProblem && (
        <p role="alert" className="results-problem">
          {exportProblem}
        </p>
      )}
      {pending && <p className="results-note">Reading every row…</p>}
      {allRows?.status === 'error' && (
        <p role="alert" className="results-problem">
          Couldn't read the rows to sort or filter: {allRows.message}
        </p>
      )}
      {ordered?.length === 0 ? (
        <p className="results-note">No row matches these filters.</p>
      ) : (
        <ResultsTable
          label={`Results of ${batch.name}`}
          groups={groups}
          count={count}
          rowAt={rowAt}
          rowKey={rowKey}
          workflowId={batch.workflowId}
          sort={sort}
          onSort={onSort}
          onOpenRow={setOpenRow}
          onVisibleRange={onVisibleRange}
        />
      )}
      {openRow !== undefined && <RowDetail rowIndex={openRow} batch={batch} onClose={() => setOpenRow(undefined)} />}
    </section>
  );
}
