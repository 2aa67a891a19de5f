import { CELL_STATUSES, type CellResult, type ExperimentRow, type Variant } from '../../../schema/experiment';
import { flattenOutput, leafLabel, outputAt, toScalar, type Scalar } from './flatten';

/**
 * Pure: the results table's columns (ChainForge's matrix: the row's inputs, then a group per variant) and
 * the value each shows for a row. The screen, the sort, the filter and the CSV export share this model.
 */

/** One row of the table: the row's inputs and its cell per variant id (a cell not started is absent). */
export interface ResultRow {
  rowIndex: number;
  input: ExperimentRow | undefined;
  cells: ReadonlyMap<string, CellResult>;
}

export const METRICS = ['status', 'tokens', 'costUsd', 'latencyMs'] as const;
export type Metric = (typeof METRICS)[number];
const METRIC_LABELS: Record<Metric, string> = {
  status: 'status',
  tokens: 'tokens',
  costUsd: 'cost (USD)',
  latencyMs: 'latency (ms)',
};

export type ResultColumn =
  | { kind: 'row'; id: string; label: string }
  | { kind: 'input'; id: string; label: string; column: string }
  | { kind: 'output'; id: string; label: string; variantId: string; path: readonly string[] }
  | { kind: 'metric'; id: string; label: string; variantId: string; metric: Metric }
  | { kind: 'check'; id: string; label: string; variantId: string; evaluatorId: string }
  /** Export only: the check's reason, the cell's error and its run id (the screen shows them on the cell). */
  | { kind: 'checkReason'; id: string; label: string; variantId: string; evaluatorId: string }
  | { kind: 'error'; id: string; label: string; variantId: string }
  | { kind: 'runId'; id: string; label: string; variantId: string };

export interface ColumnGroup {
  /** Undefined: the row's own columns (row number and inputs). */
  variant: Variant | undefined;
  columns: ResultColumn[];
}

export interface ColumnSources {
  inputColumns: readonly string[];
  variants: readonly Variant[];
  evaluators: ReadonlyArray<{ id: string; label: string }>;
  /** Output paths seen per variant id, in the order first seen. */
  outputPaths: ReadonlyMap<string, ReadonlyArray<readonly string[]>>;
}

/** Ids are JSON arrays of their parts: no user-chosen name can make two columns share one. */
const columnId = (...parts: unknown[]) => JSON.stringify(parts);

/** The groups of columns; `forExport` adds the reason, error and run id columns the screen shows on cells. */
export function buildColumns(sources: ColumnSources, forExport = false): ColumnGroup[] {
  const rowColumns: ResultColumn[] = [
    { kind: 'row', id: columnId('row'), label: 'row' },
    ...sources.inputColumns.map((column) => ({
      kind: 'input' as const,
      id: columnId('input', column),
      label: column,
      column,
    })),
  ];
  const groups: ColumnGroup[] = [{ variant: undefined, columns: rowColumns }];
  for (const variant of sources.variants) {
    const v = variant.id;
    const paths = sources.outputPaths.get(v) ?? [];
    const columns: ResultColumn[] = [
      ...paths.map((path) => ({
        kind: 'output' as const,
        id: columnId(v, 'output', ...path),
        label: leafLabel(path),
        variantId: v,
        path,
      })),
      ...METRICS.map((metric) => ({
        kind: 'metric' as const,
        id: columnId(v, metric),
        label: METRIC_LABELS[metric],
        variantId: v,
        metric,
      })),
    ];
    for (const { id, label } of sources.evaluators) {
      columns.push({ kind: 'check', id: columnId(v, 'check', id), label, variantId: v, evaluatorId: id });
      if (forExport)
        columns.push({
          kind: 'checkReason',
          id: columnId(v, 'reason', id),
          label: `${label} reason`,
          variantId: v,
          evaluatorId: id,
        });
    }
    if (forExport) {
      columns.push({ kind: 'error', id: columnId(v, 'error'), label: 'error', variantId: v });
      columns.push({ kind: 'runId', id: columnId(v, 'run'), label: 'run id', variantId: v });
    }
    groups.push({ variant, columns });
  }
  return groups;
}

/** The value a column shows for a row (undefined: nothing to show yet). */
export function columnValue(column: ResultColumn, row: ResultRow): Scalar | undefined {
  if (column.kind === 'row') return row.rowIndex + 1;
  if (column.kind === 'input') {
    const value = row.input?.[column.column];
    return value === undefined ? undefined : toScalar(value);
  }
  const cell = row.cells.get(column.variantId);
  if (!cell) return undefined;
  switch (column.kind) {
    case 'output':
      return outputAt(cell.output, column.path);
    case 'metric':
      return cell[column.metric];
    case 'check': {
      const verdict = cell.evaluations?.find((evaluation) => evaluation.evaluatorId === column.evaluatorId);
      return verdict ? (verdict.pass ? 'pass' : 'fail') : undefined;
    }
    case 'checkReason':
      return cell.evaluations?.find((evaluation) => evaluation.evaluatorId === column.evaluatorId)?.reason;
    case 'error':
      return cell.error;
    case 'runId':
      return cell.runId;
  }
}

/** A value sorts by this: statuses in their lifecycle order, checks failed before passed, text by its words. */
export function sortKey(column: ResultColumn, row: ResultRow): number | string | undefined {
  const value = columnValue(column, row);
  if (value === undefined || value === null) return undefined;
  if (column.kind === 'metric' && column.metric === 'status')
    return CELL_STATUSES.indexOf(value as (typeof CELL_STATUSES)[number]);
  if (column.kind === 'check') return value === 'pass' ? 1 : 0;
  return typeof value === 'boolean' ? Number(value) : value;
}

/** Output paths per variant of `rows`, added to `known` in the order first seen (a path never goes away). */
export function collectOutputPaths(
  rows: Iterable<ResultRow>,
  known: ReadonlyMap<string, ReadonlyArray<readonly string[]>>,
): Map<string, Array<readonly string[]>> {
  const paths = new Map([...known].map(([variantId, list]) => [variantId, [...list]]));
  const seen = new Map([...paths].map(([variantId, list]) => [variantId, new Set(list.map((p) => JSON.stringify(p)))]));
  for (const row of rows) {
    for (const [variantId, cell] of row.cells) {
      if (cell.output === undefined) continue;
      const list = paths.get(variantId) ?? [];
      const ids = seen.get(variantId) ?? new Set<string>();
      paths.set(variantId, list);
      seen.set(variantId, ids);
      for (const { path } of flattenOutput(cell.output)) {
        const id = JSON.stringify(path);
        if (!ids.has(id)) {
          ids.add(id);
          list.push(path);
        }
      }
    }
  }
  return paths;
}

/** Input columns of `rows` added to `known`, in the order first seen. */
export function collectInputColumns(rows: Iterable<ResultRow>, known: readonly string[]): string[] {
  const columns = [...known];
  const seen = new Set(known);
  for (const row of rows)
    for (const name of Object.keys(row.input ?? {}))
      if (!seen.has(name)) {
        seen.add(name);
        columns.push(name);
      }
  return columns;
}
