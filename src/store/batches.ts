import Dexie from 'dexie';
import { z } from 'zod';
import {
  CELL_STATUSES,
  experimentSpecSchema,
  type CellResult,
  type CellStatus,
  type EvaluationResult,
  type ExperimentRow,
} from '../schema/experiment';
import type { WorkflowFile } from '../schema/workflow';
import type { TabflowDb } from './db';
import { toStoreError } from './errors';

/**
 * Experiments in IndexedDB: a batch (the spec, the workflow each variant runs, status and counts), its rows
 * (`batchRows`, by `[batchId+rowIndex]`), and one cell per (row, variant) (`batchCells`). A cell's key is
 * `cellRunId(batchId, rowIndex, variantIndex)`; each attempt at it is a durable run (`attemptRunId`).
 * The batch's counts and totals change only in the transaction that changes a cell, so they never drift.
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
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

export const batchRowRecordSchema = z.object({
  batchId: z.string(),
  rowIndex: z.number().int().min(0),
  row: z.record(z.string(), z.unknown()),
});
export type BatchRowRecord = z.infer<typeof batchRowRecordSchema>;

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

/** The cells of rows `fromRow` (inclusive) to `toRow` (exclusive), by row then variant. */
export async function readCellWindow(
  db: TabflowDb,
  batchId: string,
  fromRow: number,
  toRow: number,
): Promise<BatchCellRecord[]> {
  if (toRow <= fromRow) return [];
  const cells = await db.batchCells
    .where('[batchId+rowIndex]')
    .between([batchId, fromRow], [batchId, toRow], true, false)
    .toArray();
  return cells.sort((a, b) => a.rowIndex - b.rowIndex || a.variantIndex - b.variantIndex);
}

/** The rows `fromRow` (inclusive) to `toRow` (exclusive), as imported. */
export function readRowWindow(db: TabflowDb, batchId: string, fromRow: number, toRow: number) {
  if (toRow <= fromRow) return Promise.resolve([] as BatchRowRecord[]);
  return db.batchRows.where('[batchId+rowIndex]').between([batchId, fromRow], [batchId, toRow], true, false).toArray();
}

/** Cells of a batch with `status`, in row order; at most `limit`. */
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
  const counts = emptyCounts();
  await Promise.all(
    CELL_STATUSES.map(async (status) => {
      counts[status] = await db.batchCells
        .where('[batchId+status+rowIndex]')
        .between([batchId, status, Dexie.minKey], [batchId, status, Dexie.maxKey])
        .count();
    }),
  );
  return counts;
}

/** One row of a batch, as imported. */
export async function getBatchRow(
  db: TabflowDb,
  batchId: string,
  rowIndex: number,
): Promise<ExperimentRow | undefined> {
  return (await db.batchRows.get([batchId, rowIndex]))?.row;
}

/** The cell whose attempt ran as `runId` (a run's inspector links to its batch through it). */
export function cellOfRun(db: TabflowDb, runId: string): Promise<BatchCellRecord | undefined> {
  return db.batchCells.where('runId').equals(runId).first();
}

/** The batch, its rows and all its cells in one transaction: all of it is stored, or none. */
export async function insertBatch(
  db: TabflowDb,
  batch: BatchRecord,
  rows: readonly ExperimentRow[],
  cells: BatchCellRecord[],
): Promise<void> {
  const rowRecords = rows.map((row, rowIndex): BatchRowRecord => ({ batchId: batch.id, rowIndex, row }));
  try {
    await db.transaction('rw', [db.batches, db.batchRows, db.batchCells], async () => {
      await db.batches.add(batch);
      await db.batchRows.bulkAdd(rowRecords);
      await db.batchCells.bulkAdd(cells);
    });
  } catch (error) {
    throw toStoreError(error);
  }
}

/** What an edit of a batch writes: fields of the batch record, and cells as they now are. */
export interface BatchEdit {
  batch?: Partial<Pick<BatchRecord, 'status' | 'concurrency' | 'finishedAt'>>;
  cells?: BatchCellRecord[];
}

/** Which cells an edit reads: by key, or every cell of the batch with one of these statuses. */
export type CellSelection = { keys: readonly string[] } | { statuses: readonly CellStatus[] };

/**
 * Reads the batch and the selected cells, lets `edit` decide, and writes what it returns — all in one
 * transaction. The batch's counts and totals follow the cells' changes here and only here; a batch
 * with no queued or running cell left is completed (unless cancelled). `edit` returning undefined
 * writes nothing. Resolves to the batch as stored after the edit (undefined: no such batch).
 */
export async function editBatch(
  db: TabflowDb,
  batchId: string,
  selection: CellSelection,
  edit: (batch: BatchRecord, cells: BatchCellRecord[]) => BatchEdit | undefined,
  now: number,
): Promise<BatchRecord | undefined> {
  try {
    return await db.transaction('rw', [db.batches, db.batchCells], async () => {
      const batch = await db.batches.get(batchId);
      if (!batch) return undefined;
      const cells = await selectCells(db, batchId, selection);
      const change = edit(batch, cells);
      if (!change) return batch;
      const before = new Map(cells.map((cell) => [cell.key, cell]));
      const next: BatchRecord = {
        ...batch,
        ...change.batch,
        counts: { ...batch.counts },
        totals: { ...batch.totals },
        updatedAt: now,
      };
      for (const cell of change.cells ?? []) applyCellChange(next, before.get(cell.key), cell);
      settleStatus(next, now);
      if (change.cells?.length) await db.batchCells.bulkPut(change.cells);
      await db.batches.put(next);
      return next;
    });
  } catch (error) {
    throw toStoreError(error);
  }
}

async function selectCells(db: TabflowDb, batchId: string, selection: CellSelection): Promise<BatchCellRecord[]> {
  if ('keys' in selection) {
    const found = await db.batchCells.bulkGet([...selection.keys]);
    return found.filter((cell): cell is BatchCellRecord => cell?.batchId === batchId);
  }
  const lists = await Promise.all(selection.statuses.map((status) => cellsWithStatus(db, batchId, status)));
  return lists.flat();
}

function applyCellChange(batch: BatchRecord, before: BatchCellRecord | undefined, after: BatchCellRecord): void {
  if (before) batch.counts[before.status]--;
  batch.counts[after.status]++;
  const totals = batch.totals;
  totals.tokens += (after.tokens ?? 0) - (before?.tokens ?? 0);
  totals.costUsd += (after.costUsd ?? 0) - (before?.costUsd ?? 0);
  totals.judgeTokens += (after.judgeTokens ?? 0) - (before?.judgeTokens ?? 0);
  totals.judgeCostUsd += (after.judgeCostUsd ?? 0) - (before?.judgeCostUsd ?? 0);
}

/** A running or paused batch with nothing left to run has completed; one given work again runs. */
function settleStatus(batch: BatchRecord, now: number): void {
  const open = batch.counts.queued + batch.counts.running + batch.counts.waiting;
  if (open === 0 && (batch.status === 'running' || batch.status === 'paused')) {
    batch.status = 'completed';
    batch.finishedAt = now;
  } else if (open > 0 && batch.status === 'completed') {
    batch.status = 'running';
  }
  if (batch.status === 'running' || batch.status === 'paused') delete batch.finishedAt;
}
