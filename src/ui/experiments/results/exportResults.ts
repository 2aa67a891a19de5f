import type { CellResult, ExperimentSpec } from '../../../schema/experiment';
import { buildColumns, columnValue, type ColumnSources, type ResultRow } from './columns';
import { uniqueHeaders, writeCsv } from './csv';

/**
 * Pure: an experiment's results as a CSV table and as JSON. Both are built field by field from what the
 * table shows (inputs, outputs, status, tokens, cost, latency, verdicts, errors, run ids): nothing else of
 * the cell or the batch is copied, so no key, header or secret value can reach a file.
 */

export const RESULTS_FORMAT = 'tabflow-experiment-results';
export const RESULTS_FORMAT_VERSION = 1;

export interface ExportedExperiment {
  id: string;
  spec: Pick<ExperimentSpec, 'name' | 'workflowId' | 'variants' | 'evaluators'>;
}

/** The CSV: one record per row, the row's inputs then each variant's columns, headed `<variant> / <column>`. */
export function resultsCsv(sources: ColumnSources, rows: readonly ResultRow[]): string {
  const columns = buildColumns(sources, true).flatMap((group) =>
    group.columns.map((column) => ({
      column,
      header: group.variant
        ? `${group.variant.label} / ${column.label}`
        : `${column.kind === 'input' ? 'input.' : ''}${column.label}`,
    })),
  );
  const header = uniqueHeaders(columns.map((c) => c.header));
  return writeCsv(
    header,
    rows.map((row) => columns.map(({ column }) => columnValue(column, row))),
  );
}

/** The JSON file's text. */
export function resultsJson(experiment: ExportedExperiment, rows: readonly ResultRow[], exportedAt: number): string {
  const { spec } = experiment;
  const file = {
    format: RESULTS_FORMAT,
    version: RESULTS_FORMAT_VERSION,
    exportedAt: new Date(exportedAt).toISOString(),
    experiment: { id: experiment.id, name: spec.name, workflowId: spec.workflowId },
    variants: spec.variants.map(({ id, label, model, versionSeq }) => ({ id, label, model, versionSeq })),
    evaluators: spec.evaluators.map(({ id, label, kind }) => ({ id, label, kind })),
    rows: rows.map((row) => ({
      row: row.rowIndex + 1,
      input: row.input ?? {},
      variants: Object.fromEntries(
        spec.variants.flatMap((variant) => {
          const cell = row.cells.get(variant.id);
          return cell ? [[variant.id, exportedCell(cell)]] : [];
        }),
      ),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function exportedCell(cell: CellResult) {
  return {
    status: cell.status,
    runId: cell.runId,
    output: cell.output,
    error: cell.error,
    tokens: cell.tokens,
    costUsd: cell.costUsd,
    latencyMs: cell.latencyMs,
    checks: cell.evaluations?.map(({ evaluatorId, pass, reason, tokens, costUsd }) => ({
      evaluatorId,
      pass,
      reason,
      tokens,
      costUsd,
    })),
  };
}

/** A file name from the experiment's name: letters, digits, dashes. */
export function exportFileName(name: string, extension: 'csv' | 'json'): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'experiment';
  return `${base}-results.${extension}`;
}
