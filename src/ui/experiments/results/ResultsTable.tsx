import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import type { CellResult } from '../../../schema/experiment';
import { routeHref } from '../../routing/routes';
import { columnValue, type ColumnGroup, type ResultColumn, type ResultRow } from './columns';
import type { ResultSort } from './sortFilter';
import { formatCell } from './formatCell';
import { WHOLE_LIST_MAX_ROWS } from '../../runlist/VirtualRows';

interface ResultsTableProps {
  label: string;
  groups: readonly ColumnGroup[];
  count: number;
  /** The row drawn at position `index` (undefined: not read yet). */
  rowAt(index: number): ResultRow | undefined;
  rowKey(index: number): string;
  workflowId: string;
  sort: ResultSort | undefined;
  onSort(columnId: string): void;
  onOpenRow(rowIndex: number): void;
  /** Rows `first`..`last` are in view, reported once the table stands still. */
  onVisibleRange(first: number, last: number): void;
}

const ROW_PX = 34;
/** Column widths in rem: fixed, so the header rows and the body rows (each a grid of its own) line up. */
const WIDTHS_REM: Record<ResultColumn['kind'], number> = {
  row: 4,
  input: 11,
  output: 14,
  metric: 6.5,
  check: 7,
  checkReason: 0,
  error: 0,
  runId: 0,
};

interface DrawnRow {
  index: number;
  key: string;
  start: number;
  /** A row that came into view while the table scrolls: a placeholder until it stops. */
  placeholder: boolean;
}

/**
 * The results as an ARIA table: a header row of variant groups, a header row of columns (each sorts), then
 * the rows — whole up to `WHOLE_LIST_MAX_ROWS`, else only those in view (@tanstack/react-virtual). While it
 * scrolls, rows coming into view are placeholders; the range in view is reported once it stands still (the
 * rules of `runlist/VirtualRows`).
 */
export function ResultsTable(props: ResultsTableProps) {
  return props.count > WHOLE_LIST_MAX_ROWS ? <LongTable {...props} /> : <WholeTable {...props} />;
}

function WholeTable(props: ResultsTableProps) {
  const { count, rowKey, onVisibleRange } = props;
  useEffect(() => onVisibleRange(0, count - 1), [count, onVisibleRange]);
  const rows = Array.from({ length: count }, (_, index) => ({
    index,
    key: rowKey(index),
    start: index * ROW_PX,
    placeholder: false,
  }));
  return <TableFrame {...props} rows={rows} totalPx={count * ROW_PX} />;
}

function LongTable(props: ResultsTableProps) {
  const { count, rowKey, onVisibleRange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer re-renders this table on every scroll by design: nothing here memoizes its functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    getItemKey: rowKey,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const scrolling = virtualizer.isScrolling;
  const [shown, setShown] = useState<ReadonlySet<string>>(() => new Set());
  const drawnKeys = items.map((item) => String(item.key)).join('\n');
  useEffect(() => {
    if (!scrolling) setShown(new Set(drawnKeys.split('\n')));
  }, [scrolling, drawnKeys]);
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (!scrolling) onVisibleRange(first, last);
  }, [first, last, scrolling, onVisibleRange]);
  const rows = items.map((item) => ({
    index: item.index,
    key: String(item.key),
    start: item.start,
    placeholder: scrolling && !shown.has(String(item.key)),
  }));
  return <TableFrame {...props} rows={rows} totalPx={virtualizer.getTotalSize()} scroller={scroller} long />;
}

interface TableFrameProps extends ResultsTableProps {
  rows: readonly DrawnRow[];
  totalPx: number;
  scroller?: RefObject<HTMLDivElement | null>;
  long?: boolean;
}

function TableFrame({ scroller, long, rows, totalPx, ...props }: TableFrameProps) {
  const { groups, count, rowAt } = props;
  const columns = groups.flatMap((group) => group.columns);
  const style = {
    '--results-columns': columns.map((c) => `${WIDTHS_REM[c.kind]}rem`).join(' '),
    '--results-width': `${columns.reduce((sum, c) => sum + WIDTHS_REM[c.kind], 0)}rem`,
  } as CSSProperties;
  return (
    <div
      ref={scroller}
      className={`results-scroller${long ? ' results-scroller-long' : ''}`}
      role="table"
      aria-label={props.label}
      aria-rowcount={count + 2}
      aria-colcount={columns.length}
      data-row-count={count}
      style={style}>
      <div role="rowgroup" className="results-head">
        <GroupHeaderRow groups={groups} />
        <ColumnHeaderRow groups={groups} sort={props.sort} onSort={props.onSort} />
      </div>
      <div role="rowgroup" className="results-body" style={{ height: totalPx }}>
        {rows.map((drawn) => {
          const row = drawn.placeholder ? undefined : rowAt(drawn.index);
          const position = { transform: `translateY(${drawn.start}px)` };
          return row ? (
            <BodyRow
              key={drawn.key}
              groups={groups}
              row={row}
              ariaRowIndex={drawn.index + 3}
              startPx={drawn.start}
              workflowId={props.workflowId}
              onOpenRow={props.onOpenRow}
            />
          ) : (
            <div
              key={drawn.key}
              role="row"
              aria-rowindex={drawn.index + 3}
              className="results-row results-row-placeholder"
              data-placeholder
              style={position}>
              <div role="cell" className="results-cell">
                …
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function GroupHeaderRow({ groups }: { groups: readonly ColumnGroup[] }) {
  // Each group's first column (1-based): the columns of the groups before it, plus one.
  const starts = groups.map((_, i) => 1 + groups.slice(0, i).reduce((sum, group) => sum + group.columns.length, 0));
  return (
    <div role="row" aria-rowindex={1} className="results-row results-group-row">
      {groups.map((group, i) => {
        const span = group.columns.length;
        const colIndex = starts[i]!;
        return (
          <div
            key={group.variant?.id ?? '(row)'}
            role="columnheader"
            aria-colindex={colIndex}
            aria-colspan={span}
            className="results-group-header"
            style={{ gridColumn: `${colIndex} / span ${span}` }}>
            {group.variant ? <span className="results-group-label">{group.variant.label}</span> : 'Row'}
          </div>
        );
      })}
    </div>
  );
}

function ColumnHeaderRow(props: {
  groups: readonly ColumnGroup[];
  sort: ResultSort | undefined;
  onSort(id: string): void;
}) {
  const columns = props.groups.flatMap((group) => group.columns.map((column) => ({ column, group })));
  return (
    <div role="row" aria-rowindex={2} className="results-row results-column-row">
      {columns.map(({ column, group }, index) => {
        const sorted = props.sort?.columnId === column.id ? props.sort.direction : undefined;
        return (
          <div
            key={column.id}
            role="columnheader"
            aria-colindex={index + 1}
            aria-sort={sorted ?? 'none'}
            className={`results-column-header results-kind-${column.kind}`}>
            <button
              type="button"
              className="results-sort"
              data-column-id={column.id}
              aria-label={`Sort by ${group.variant ? `${group.variant.label} ` : ''}${column.label}`}
              onClick={() => props.onSort(column.id)}>
              {column.label}
              <span aria-hidden className="results-sort-mark">
                {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : ''}
              </span>
            </button>
          </div>
        );
      })}
    </div>
  );
}

interface BodyRowProps {
  groups: readonly ColumnGroup[];
  row: ResultRow;
  ariaRowIndex: number;
  startPx: number;
  workflowId: string;
  onOpenRow(rowIndex: number): void;
}

/** One row; memoized: while the table scrolls, rows already drawn keep their elements (only their place moves). */
const BodyRow = memo(function BodyRow(props: BodyRowProps) {
  const { row, groups } = props;
  let colIndex = 0;
  const cells: ReactNode[] = [];
  for (const group of groups)
    for (const column of group.columns) {
      colIndex++;
      cells.push(
        <TableCell
          key={column.id}
          column={column}
          row={row}
          colIndex={colIndex}
          workflowId={props.workflowId}
          onOpenRow={props.onOpenRow}
        />,
      );
    }
  return (
    <div
      role="row"
      aria-rowindex={props.ariaRowIndex}
      className="results-row"
      data-row-index={row.rowIndex}
      style={{ transform: `translateY(${props.startPx}px)` }}>
      {cells}
    </div>
  );
});

interface TableCellProps {
  column: ResultColumn;
  row: ResultRow;
  colIndex: number;
  workflowId: string;
  onOpenRow(rowIndex: number): void;
}

function TableCell({ column, row, colIndex, workflowId, onOpenRow }: TableCellProps) {
  const value = columnValue(column, row);
  if (column.kind === 'row')
    return (
      <div role="rowheader" aria-colindex={colIndex} className="results-cell results-kind-row">
        <button
          type="button"
          className="results-row-open"
          onClick={() => onOpenRow(row.rowIndex)}
          aria-label={`Row ${row.rowIndex + 1}: details`}>
          {row.rowIndex + 1}
        </button>
      </div>
    );
  const text = formatCell(column, value);
  if (column.kind === 'input')
    return (
      <div role="cell" aria-colindex={colIndex} className="results-cell results-kind-input" title={text.full}>
        {text.short}
      </div>
    );
  const cell = 'variantId' in column ? row.cells.get(column.variantId) : undefined;
  return (
    <div
      role="cell"
      aria-colindex={colIndex}
      className={`results-cell results-kind-${column.kind}`}
      data-status={column.kind === 'metric' && column.metric === 'status' ? cell?.status : undefined}
      data-verdict={column.kind === 'check' ? value : undefined}>
      {cell?.runId ? <RunLink cell={cell} workflowId={workflowId} column={column} text={text} /> : text.short}
    </div>
  );
}

function RunLink(props: {
  cell: CellResult;
  workflowId: string;
  column: ResultColumn;
  text: { short: string; full: string };
}) {
  const { cell, column, text } = props;
  const href = routeHref({ screen: 'run', workflowId: props.workflowId, runId: cell.runId! });
  if (column.kind !== 'check')
    return (
      <a
        className="results-cell-link"
        href={href}
        title={column.kind === 'metric' && cell.error ? cell.error : text.full}
        // A cell with no value yet (its run still going) is still a way to its run: a link needs a name.
        aria-label={text.short === '' ? `Open the run (${cell.status}, no value yet)` : undefined}>
        {text.short}
      </a>
    );
  const reason = cell.evaluations?.find((e) => e.evaluatorId === column.evaluatorId)?.reason;
  const tipId = `tip-${cell.runId}-${column.evaluatorId}`;
  return (
    <a
      className="results-cell-link results-verdict"
      href={href}
      aria-describedby={reason ? tipId : undefined}
      aria-label={text.short === '' ? `Open the run (${cell.status}, no verdict yet)` : undefined}>
      {text.short}
      {reason && (
        <span role="tooltip" id={tipId} className="results-tooltip">
          {reason}
        </span>
      )}
    </a>
  );
}
