import type { ExperimentRow } from '../schema/experiment';
import {
  cellRange,
  cellsWithStatus,
  ROWS_PER_CHUNK,
  type BatchCellRecord,
  type BatchRecord,
  type BatchRowChunk,
  type CellStatus,
} from './batches';
import type { TabflowDb } from './db';
import { toStoreError } from './errors';

/** The writes of experiments (`batches.ts` has the records and the reads). Worker only. */

/**
 * The batch and its rows in one transaction: all of it is stored, or none. Its cells get records as they start;
 * `cells` are any that have one already (the first `batch.cellsCreated`).
 */
export async function insertBatch(
  db: TabflowDb,
  batch: BatchRecord,
  rows: readonly ExperimentRow[],
  cells: readonly BatchCellRecord[] = [],
): Promise<void> {
  const chunks: BatchRowChunk[] = [];
  for (let first = 0; first < rows.length; first += ROWS_PER_CHUNK)
    chunks.push({ batchId: batch.id, rowIndex: first, rows: rows.slice(first, first + ROWS_PER_CHUNK) });
  try {
    await db.transaction('rw', [db.batches, db.batchRows, db.batchCells], async () => {
      await db.batches.add(batch);
      await db.batchRows.bulkAdd(chunks);
      if (cells.length > 0) await db.batchCells.bulkAdd([...cells]);
    });
  } catch (error) {
    throw toStoreError(error);
  }
}

/** What an edit of a batch writes: fields of the batch record, and cells as they now are (new ones included). */
export interface BatchEdit {
  batch?: Partial<Pick<BatchRecord, 'status' | 'concurrency' | 'finishedAt' | 'cellsCreated' | 'cellLimit'>>;
  cells?: BatchCellRecord[];
}

/**
 * Which cells with a record an edit reads: by key (and, with `queued`, up to that many queued cells with a record —
 * retried ones — if the batch has any), or every one of the batch with one of these statuses.
 */
export type CellSelection = { keys: readonly string[]; queued?: number } | { statuses: readonly CellStatus[] };

/**
 * Reads the batch and the selected cells, lets `edit` decide, and writes what it returns — all in one
 * transaction. The batch's counts and totals follow the cells' changes here and only here (a cell without a
 * record was queued; cells a lower `cellLimit` gives up are cancelled); a batch with no queued or running cell
 * left is completed (unless cancelled). `edit` returning undefined writes nothing. Resolves to the batch as
 * stored after the edit (undefined: no such batch).
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
      const cells = await selectCells(db, batch, selection);
      const change = edit(batch, cells);
      if (!change) return batch;
      const next = nextBatch(batch, change, now);
      const before = new Map(cells.map((cell) => [cell.key, cell]));
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

function nextBatch(batch: BatchRecord, change: BatchEdit, now: number): BatchRecord {
  const next: BatchRecord = {
    ...batch,
    ...change.batch,
    counts: { ...batch.counts },
    totals: { ...batch.totals },
    updatedAt: now,
  };
  // Cells given up by a lower limit had no record: they go from queued to cancelled here.
  const givenUp = Math.max(0, cellRange(batch).limit - cellRange(next).limit);
  next.counts.queued -= givenUp;
  next.counts.cancelled += givenUp;
  return next;
}

async function selectCells(db: TabflowDb, batch: BatchRecord, selection: CellSelection): Promise<BatchCellRecord[]> {
  if ('statuses' in selection) {
    const lists = await Promise.all(selection.statuses.map((status) => cellsWithStatus(db, batch.id, status)));
    return lists.flat();
  }
  const found = await db.batchCells.bulkGet([...selection.keys]);
  const cells = found.filter((cell): cell is BatchCellRecord => cell?.batchId === batch.id);
  // Queued cells beyond the unstarted ones have a record (a retry): only then is the index read.
  const { created, limit } = cellRange(batch);
  const retried = batch.counts.queued - (limit - created);
  if (selection.queued && retried > 0) {
    const keys = new Set(selection.keys);
    const queued = await cellsWithStatus(db, batch.id, 'queued', selection.queued + keys.size);
    cells.push(...queued.filter((cell) => !keys.has(cell.key)).slice(0, selection.queued));
  }
  return cells;
}

function applyCellChange(batch: BatchRecord, before: BatchCellRecord | undefined, after: BatchCellRecord): void {
  batch.counts[before?.status ?? 'queued']--;
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
