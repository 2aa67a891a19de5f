import type { CellResult, Evaluator, ExperimentRow, Variant } from '../../../src/schema/experiment';
import { cellRunId } from '../../../src/schema/experiment';
import { emptyCounts, insertBatch, type BatchCellRecord, type BatchRecord } from '../../../src/store/batches';
import type { TabflowDb } from '../../../src/store/db';

/** A stored experiment for the results screen: rows, variants, and each cell as `cellOf` says. */
export interface FixtureOptions {
  id?: string;
  rows: ExperimentRow[];
  variants?: Variant[];
  evaluators?: Evaluator[];
  cellOf?(rowIndex: number, variant: Variant): Partial<CellResult> | undefined;
}

export const FIXTURE_VARIANTS: Variant[] = [
  { id: 'demo', label: 'Demo model' },
  { id: 'local', label: 'Local server', model: { provider: 'p1', model: 'test-model' } },
];

export const FIXTURE_EVALUATORS: Evaluator[] = [
  { id: 'has-label', label: 'Has label', kind: 'regex', path: 'label', pattern: '\\w', caseInsensitive: false },
  {
    id: 'judge',
    label: 'Judge',
    kind: 'llm-judge',
    prompt: 'Is {{output}} right?',
    model: { model: 'demo' },
  },
];

export async function storeExperiment(db: TabflowDb, options: FixtureOptions): Promise<BatchRecord> {
  const id = options.id ?? 'b1';
  const variants = options.variants ?? FIXTURE_VARIANTS;
  const evaluators = options.evaluators ?? FIXTURE_EVALUATORS;
  const columns = [...new Set(options.rows.flatMap((row) => Object.keys(row)))];
  const cells: BatchCellRecord[] = [];
  const counts = emptyCounts();
  options.rows.forEach((_, rowIndex) =>
    variants.forEach((variant, variantIndex) => {
      const key = cellRunId(id, rowIndex, variantIndex);
      const fields = options.cellOf?.(rowIndex, variant) ?? {};
      const status = fields.status ?? 'queued';
      counts[status]++;
      cells.push({ key, batchId: id, rowIndex, variantIndex, variantId: variant.id, attempt: 0, ...fields, status });
    }),
  );
  const batch: BatchRecord = {
    id,
    name: 'Sentiment check',
    workflowId: 'w1',
    spec: {
      name: 'Sentiment check',
      workflowId: 'w1',
      source: { kind: 'list', column: 'text' },
      mapping: {},
      variants,
      evaluators,
    },
    variantWorkflows: [],
    columns,
    rowCount: options.rows.length,
    status: 'running',
    counts,
    totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
    concurrency: 4,
    createdAt: 1,
    updatedAt: 1,
  };
  await insertBatch(db, batch, options.rows);
  // Every cell gets its record here (no `cellsCreated`: all of them have one), as once each had started.
  await db.batchCells.bulkAdd(cells);
  return batch;
}
