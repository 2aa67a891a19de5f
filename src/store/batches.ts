import Dexie from 'dexie';
import { z } from 'zod';
import {
  cellRunId,
  CELL_STATUSES,
  experimentSpecSchema,
  type CellResult,
  type CellStatus,
  type EvaluationResult,
  type ExperimentRow,
} from '../schema/experiment';
import type { WorkflowFile } from '../schema/workflow';
import type { TabflowDb } from './db';

/**
 * Experiments in IndexedDB: a batch (the spec, the workflow each variant runs, status and counts), its rows
 * (`batchRows`, `ROWS_PER_CHUNK` rows a record), and its cells (`batchCells`). A cell is one (row, variant); cells
 * are numbered row by row (`cellIndex`), and a cell gets its record when it first starts: the cells from
 * `cellsCreated` to `cellLimit` are queued, those past `cellLimit` (a cancel) cancelled, without records. So a
 * 10,000-row start writes a few records, not 10,000. A cell's key is `cellRunId(batchId, rowIndex, variantIndex)`;
 * each attempt at it is a durable run (`attemptRunId`). The batch's counts and totals change only in the
 * transaction that changes a cell (`batchWrites.ts`), so they never drift.
 */

export const BATCH_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

const countsSchema = z.object(
  Object.fromEntries(CELL_STATUSES.map((status) => [status, z.number().int().min(0)])) as Record<
    CellStatus,
    z.ZodNumber
  >,
);
export type CellCounts = Record<CellStatus, number>;
export type { CellStatus };

export const batchTotalsSchema = z.object({
  /** Tokens and estimated cost of the cells' own runs (every step's meta). */
  tokens: z.number().min(0),
  costUsd: z.number().min(0),
  /** The LLM judges' runs, counted apart. */
  judgeTokens: z.number().min(0),
  judgeCostUsd: z.number().min(0),
});
export type BatchTotals = z.infer<typeof batchTotalsSchema>;

export const batchRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  workflowId: z.string(),
  spec: experimentSpecSchema,
  /** The workflow each variant runs, resolved when the batch started (later edits change nothing). */
  variantWorkflows: z.array(z.custom<WorkflowFile>((value) => typeof value === 'object' && value !== null)),
  /** The rows' columns in the order they first appear (the results table's input columns). */
  columns: z.array(z.string()),
  rowCount: z.number().int().min(0),
  status: z.enum(BATCH_STATUSES),
  counts: countsSchema,
  totals: batchTotalsSchema,
  /** At most this many cells are started at once. */
  concurrency: z.number().int().min(1),
  /** `spec.variants.length`. */
  variantCount: z.number().int().min(1).optional(),
  /**
   * Cells (numbered row by row, `cellIndex`) with a record: every cell before this one has started at least once.
   * Absent: every cell has a record.
   */
  cellsCreated: z.number().int().min(0).optional(),
  /** Cells from this one on will never start (the batch was cancelled before they did). Absent: all may. */
  cellLimit: z.number().int().min(0).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

/** One row as the reads return it. */
export interface BatchRowRecord {
  batchId: string;
  rowIndex: number;
  row: ExperimentRow;
}

/** Rows stored a chunk a record: `rowIndex` is the chunk's first row. */
export const ROWS_PER_CHUNK = 256;
export const batchRowChunkSchema = z.object({
  batchId: z.string(),
  rowIndex: z.number().int().min(0),
  rows: z.array(z.record(z.string(), z.unknown())),
});
export type BatchRowChunk = z.infer<typeof batchRowChunkSchema>;

const evaluationSchema = z.object({
  evaluatorId: z.string(),
  pass: z.boolean(),
  reason: z.string(),
  judgeRunId: z.string().optional(),
  tokens: z.number().optional(),
  costUsd: z.number().optional(),
}) satisfies z.ZodType<EvaluationResult>;

/** One (row, variant): a `CellResult` plus its bookkeeping. */
export const batchCellRecordSchema = z.object({
  key: z.string(),
  batchId: z.string(),
  rowIndex: z.number().int().min(0),
  variantIndex: z.number().int().min(0),
  variantId: z.string(),
  status: z.enum(CELL_STATUSES),
  /** 0 for the first run; Retry failed counts up, and each attempt has its own run id. */
  attempt: z.number().int().min(0),
  runId: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  tokens: z.number().optional(),
  costUsd: z.number().optional(),
  latencyMs: z.number().optional(),
  evaluations: z.array(evaluationSchema).optional(),
  /** The cell's LLM judges together (also in each evaluation). */
  judgeTokens: z.number().optional(),
  judgeCostUsd: z.number().optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
}) satisfies z.ZodType<CellResult>;
export type BatchCellRecord = z.infer<typeof batchCellRecordSchema>;

/** The run id of a cell's attempt: the cell's key for the first, a suffix for each retry. */
export function attemptRunId(cellKey: string, attempt: number): string {
  return attempt === 0 ? cellKey : `${cellKey}.a${attempt}`;
}

/** The run id of a cell run's `index`-th LLM judge. */
export function judgeRunId(cellRunId: string, index: number): string {
  return `${cellRunId}.j${index}`;
}

export function emptyCounts(): CellCounts {
  return Object.fromEntries(CELL_STATUSES.map((status) => [status, 0])) as CellCounts;
}

export const FINISHED_CELL_STATUSES: ReadonlySet<CellStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Every batch, newest first; of one workflow when `workflowId` is given. */
export async function listBatches(db: TabflowDb, options: { workflowId?: string } = {}): Promise<BatchRecord[]> {
  const batches =
    options.workflowId === undefined
      ? await db.batches.orderBy('createdAt').reverse().toArray()
      : (await db.batches.where('workflowId').equals(options.workflowId).toArray()).sort(
          (a, b) => b.createdAt - a.createdAt,
        );
  return batches;
}

export function getBatch(db: TabflowDb, batchId: string): Promise<BatchRecord | undefined> {
  return db.batches.get(batchId);
}

/** Where a batch's cells stand: how many, how many have a record, and the first that will never start. */
export function cellRange(batch: BatchRecord): { total: number; created: number; limit: number; variants: number } {
  const variants = Math.max(1, batch.spec.variants.length);
  const total = batch.rowCount * variants;
  return { total, created: batch.cellsCreated ?? total, limit: batch.cellLimit ?? total, variants };
}

/** The number of a cell, row by row. */
export function cellIndex(batch: BatchRecord, rowIndex: number, variantIndex: number): number {
  return rowIndex * cellRange(batch).variants + variantIndex;
}

/** A cell without a record yet: queued, or cancelled past the batch's `cellLimit`. */
export function unstartedCell(batch: BatchRecord, index: number): BatchCellRecord {
  const { variants, limit } = cellRange(batch);
  const rowIndex = Math.floor(index / variants);
  const variantIndex = index % variants;
  return {
    key: cellRunId(batch.id, rowIndex, variantIndex),
    batchId: batch.id,
    rowIndex,
    variantIndex,
    variantId: batch.spec.variants[variantIndex]?.id ?? String(variantIndex),
    status: index < limit ? 'queued' : 'cancelled',
    attempt: 0,
  };
}

/** Every cell of rows `fromRow` (inclusive) to `toRow` (exclusive), by row then variant, unstarted ones too. */
export async function readCellWindow(
  db: TabflowDb,
  batchId: string,
  fromRow: number,
  toRow: number,
): Promise<BatchCellRecord[]> {
  if (toRow <= fromRow) return [];
  return db.transaction('r', [db.batches, db.batchCells], async () => {
    const batch = await db.batches.get(batchId);
    if (!batch) return [];
    const stored = await db.batchCells
      .where('[batchId+rowIndex]')
      .between([batchId, fromRow], [batchId, toRow], true, false)
      .toArray();
    const { created, variants } = cellRange(batch);
    const last = Math.min(toRow, batch.rowCount) * variants;
    const cells = [...stored];
    for (let index = Math.max(created, fromRow * variants); index < last; index++)
      cells.push(unstartedCell(batch, index));
    return cells.sort((a, b) => a.rowIndex - b.rowIndex || a.variantIndex - b.variantIndex);
  });
}

/** The rows `fromRow` (inclusive) to `toRow` (exclusive), as imported. */
export async function readRowWindow(
  db: TabflowDb,
  batchId: string,
  fromRow: number,
  toRow: number,
): Promise<BatchRowRecord[]> {
  if (toRow <= fromRow) return [];
  const first = fromRow - (fromRow % ROWS_PER_CHUNK);
  const chunks = await db.batchRows
    .where('[batchId+rowIndex]')
    .between([batchId, first], [batchId, toRow], true, false)
    .toArray();
  const rows: BatchRowRecord[] = [];
  for (const chunk of chunks)
    chunk.rows.forEach((row, offset) => {
      const rowIndex = chunk.rowIndex + offset;
      if (rowIndex >= fromRow && rowIndex < toRow) rows.push({ batchId, rowIndex, row });
    });
  return rows;
}

/** Cells with a record (started at least once) with `status`, in row order; at most `limit`. */
export function cellsWithStatus(
  db: TabflowDb,
  batchId: string,
  status: CellStatus,
  limit = Infinity,
): Promise<BatchCellRecord[]> {
  const range = db.batchCells
    .where('[batchId+status+rowIndex]')
    .between([batchId, status, Dexie.minKey], [batchId, status, Dexie.maxKey]);
  return (Number.isFinite(limit) ? range.limit(limit) : range).toArray();
}

/** The cells by status, counted from the cells themselves (the batch record keeps the same counts). */
export async function countCellsByStatus(db: TabflowDb, batchId: string): Promise<CellCounts> {
  return db.transaction('r', [db.batches, db.batchCells], async () => {
    const counts = emptyCounts();
    const batch = await db.batches.get(batchId);
    if (!batch) return counts;
    for (const status of CELL_STATUSES) {
      counts[status] = await db.batchCells
        .where('[batchId+status+rowIndex]')
        .between([batchId, status, Dexie.minKey], [batchId, status, Dexie.maxKey])
        .count();
    }
    const { total, created, limit } = cellRange(batch);
    counts.queued += limit - created;
    counts.cancelled += total - limit;
    return counts;
  });
}

/** The rows of the chunk holding `rowIndex`, as imported (a scheduler keeps it while it starts their cells). */
export async function getRowChunk(
  db: TabflowDb,
  batchId: string,
  rowIndex: number,
): Promise<BatchRowChunk | undefined> {
  return db.batchRows.get([batchId, rowIndex - (rowIndex % ROWS_PER_CHUNK)]);
}

/** One row of a batch, as imported. */
export async function getBatchRow(
  db: TabflowDb,
  batchId: string,
  rowIndex: number,
): Promise<ExperimentRow | undefined> {
  const chunk = await getRowChunk(db, batchId, rowIndex);
  return chunk?.rows[rowIndex - chunk.rowIndex];
}

/** The cell whose attempt ran as `runId` (a run's inspector links to its batch through it). */
export function cellOfRun(db: TabflowDb, runId: string): Promise<BatchCellRecord | undefined> {
  return db.batchCells.where('runId').equals(runId).first();
}

export { editBatch, insertBatch, type BatchEdit, type CellSelection } from './batchWrites';
