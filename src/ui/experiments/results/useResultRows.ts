import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { CellResult } from '../../../schema/experiment';
import {
  cellsWithStatus,
  getBatch,
  readCellWindow,
  readRowWindow,
  type BatchCellRecord,
  type BatchRecord,
  type BatchRowRecord,
} from '../../../store/batches';
import type { TabflowDb } from '../../../store/db';
import { useDb } from '../../DbContext';
import type { ResultRow } from './columns';
import { errorMessage } from '../../../schema/errorMessage';

/**
 * The results' reads (Dexie liveQuery: live in every tab, never polling). Unsorted and unfiltered, only the
 * rows in view are read (`[batchId+rowIndex]` ranges); a sort or a filter needs every row, read a chunk at a
 * time whenever the batch record moves (it changes in the same transaction as any of its cells).
 */

export type BatchState = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; batch: BatchRecord };

export function useBatchRecord(batchId: string): BatchState {
  const db = useDb();
  const batch = useLiveQuery(async () => (await getBatch(db, batchId)) ?? null, [db, batchId]);
  if (batch === undefined) return { status: 'loading' };
  return batch === null ? { status: 'missing' } : { status: 'ready', batch };
}

/** Rows read at a time when every row is needed: each chunk is a short task of its own. */
const ROWS_PER_CHUNK = 1_000;
/** Completed cells read beside the window, so output columns show before a row with an output is in view. */
const OUTPUT_SAMPLE_CELLS = 50;

export function toResultRows(rows: readonly BatchRowRecord[], cells: readonly BatchCellRecord[]): ResultRow[] {
  const byRow = new Map<number, Map<string, CellResult>>();
  for (const cell of cells) {
    const row = byRow.get(cell.rowIndex) ?? new Map<string, CellResult>();
    byRow.set(cell.rowIndex, row);
    row.set(cell.variantId, cell);
  }
  return rows.map((row) => ({ rowIndex: row.rowIndex, input: row.row, cells: byRow.get(row.rowIndex) ?? new Map() }));
}

export interface RowWindow {
  rows: ReadonlyMap<number, ResultRow>;
  /** A few completed cells anywhere in the batch, for the output columns. */
  sample: readonly ResultRow[];
}

/** Rows `from` (inclusive) to `to` (exclusive), live; `enabled: false` reads nothing. */
export function useRowWindow(batchId: string, from: number, to: number, enabled: boolean): RowWindow | undefined {
  const db = useDb();
  return useLiveQuery(async () => {
    if (!enabled) return undefined;
    const [rows, cells, sample] = await Promise.all([
      readRowWindow(db, batchId, from, to),
      readCellWindow(db, batchId, from, to),
      cellsWithStatus(db, batchId, 'completed', OUTPUT_SAMPLE_CELLS),
    ]);
    const sampleRows = sample.map((cell) => ({
      rowIndex: cell.rowIndex,
      input: undefined,
      cells: new Map([[cell.variantId, cell as CellResult]]),
    }));
    return { rows: new Map(toResultRows(rows, cells).map((row) => [row.rowIndex, row])), sample: sampleRows };
  }, [db, batchId, from, to, enabled]);
}

/** Every row of the batch with its cells, a chunk of rows at a time (outside any liveQuery: no key notes). */
export async function readAllRows(db: TabflowDb, batch: BatchRecord): Promise<ResultRow[]> {
  const all: ResultRow[] = [];
  for (let from = 0; from < batch.rowCount; from += ROWS_PER_CHUNK) {
    const to = Math.min(batch.rowCount, from + ROWS_PER_CHUNK);
    const [rows, cells] = await Promise.all([
      readRowWindow(db, batch.id, from, to),
      readCellWindow(db, batch.id, from, to),
    ]);
    all.push(...toResultRows(rows, cells));
  }
  return all;
}

/** After a read of every row, the next one waits this long: a busy batch re-reads at most about once a second. */
export const REREAD_PAUSE_MS = 1_000;

export type AllRows =
  { status: 'loading' } | { status: 'ready'; rows: readonly ResultRow[] } | { status: 'error'; message: string };

/**
 * Every row, read again each time the batch record changes (`updatedAt`): one read at a time, and changes
 * during a read ask for one more read after it (and a pause), so a busy batch never piles reads up.
 */
export function useAllRows(batch: BatchRecord, enabled: boolean): AllRows | undefined {
  const db = useDb();
  const [state, setState] = useState<AllRows>({ status: 'loading' });
  const wanted = useRef<BatchRecord | undefined>(undefined);
  const reading = useRef(false);
  useEffect(() => {
    wanted.current = enabled ? batch : undefined;
    if (!enabled || reading.current) return;
    reading.current = true;
    void (async () => {
      try {
        let next = wanted.current;
        while (next) {
          const rows = await readAllRows(db, next);
          if (wanted.current === undefined) break;
          setState({ status: 'ready', rows });
          // A record object per version of the batch: the same one means nothing changed during the read.
          if (wanted.current === next) break;
          await new Promise((resolve) => setTimeout(resolve, REREAD_PAUSE_MS));
          next = wanted.current;
        }
      } catch (error) {
        setState({ status: 'error', message: errorMessage(error) });
      } finally {
        reading.current = false;
      }
    })();
  }, [db, batch, enabled]);
  useEffect(() => () => void (wanted.current = undefined), []);
  // The last rows read stay shown while a newer read is on its way (no flash of an empty table).
  return enabled ? state : undefined;
}
