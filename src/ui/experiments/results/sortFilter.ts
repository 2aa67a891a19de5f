import type { CellStatus } from '../../../schema/experiment';
import { columnValue, sortKey, type ResultColumn, type ResultRow } from './columns';

/** Pure: the table's order and filter. Both work on whole rows (a row is one input through every variant). */

export interface ResultSort {
  columnId: string;
  direction: 'ascending' | 'descending';
}

export interface ResultFilter {
  /** Rows with at least one variant's cell in this status. */
  status?: CellStatus;
  /** Rows where a check failed on a variant: any check, or the one with this evaluator id. */
  failedCheck?: { kind: 'any' } | { kind: 'evaluator'; evaluatorId: string };
  /** Rows whose inputs, outputs or errors contain this text (case-insensitive). */
  text?: string;
}

export const isFiltering = (filter: ResultFilter) =>
  filter.status !== undefined || filter.failedCheck !== undefined || (filter.text ?? '').trim() !== '';

/**
 * Rows in the column's order; rows without a value go last in either direction, and ties keep row order
 * (the sort is stable on the row index).
 */
export function sortRows(rows: readonly ResultRow[], column: ResultColumn, direction: ResultSort['direction']) {
  const sign = direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, key: sortKey(column, row) }));
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) {
      if (a.key === b.key) return a.row.rowIndex - b.row.rowIndex;
      return a.key === undefined ? 1 : -1;
    }
    const order = compareKeys(a.key, b.key);
    return order !== 0 ? sign * order : a.row.rowIndex - b.row.rowIndex;
  });
  return keyed.map(({ row }) => row);
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareKeys(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Numbers before text when a column mixes them.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a, b);
}

/** The rows the filter keeps, in their order. `searchColumns`: the columns text search looks in. */
export function filterRows(
  rows: readonly ResultRow[],
  filter: ResultFilter,
  searchColumns: readonly ResultColumn[],
): ResultRow[] {
  const text = (filter.text ?? '').trim().toLocaleLowerCase();
  return rows.filter((row) => {
    const cells = [...row.cells.values()];
    if (filter.status !== undefined && !cells.some((cell) => cell.status === filter.status)) return false;
    if (filter.failedCheck !== undefined) {
      const wanted = filter.failedCheck;
      const failed = cells.some((cell) =>
        cell.evaluations?.some((e) => !e.pass && (wanted.kind === 'any' || e.evaluatorId === wanted.evaluatorId)),
      );
      if (!failed) return false;
    }
    if (text === '') return true;
    if (cells.some((cell) => cell.error?.toLocaleLowerCase().includes(text))) return true;
    return searchColumns.some((column) => {
      const value = columnValue(column, row);
      return value !== undefined && value !== null && String(value).toLocaleLowerCase().includes(text);
    });
  });
}
