import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CellResult } from '../../../schema/experiment';
import { errorMessage } from '../../../schema/errorMessage';
import { latencyHistogram, summarizeVariants } from '../../../schema/experimentSummary';
import { getBatch, readCellWindow, type BatchRecord } from '../../../store/batches';
import type { TabflowDb } from '../../../store/db';
import { useDb } from '../../DbContext';
import { VariantCharts } from './VariantCharts';

/** Rows whose cells are read at a time: each chunk is a short task of its own. */
const ROWS_PER_CHUNK = 1_000;
/** While cells keep finishing, the charts are redrawn at most this often. */
const REFRESH_MS = 1_500;
export const HISTOGRAM_BINS = 12;

/** What the charts need of a cell (outputs are left behind: they can be large). */
function chartCell(cell: CellResult): CellResult {
  const { rowIndex, variantId, status, tokens, costUsd, latencyMs, evaluations } = cell;
  return { rowIndex, variantId, status, tokens, costUsd, latencyMs, ...(evaluations ? { evaluations } : {}) };
}

export async function readChartCells(db: TabflowDb, batch: BatchRecord): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  for (let from = 0; from < batch.rowCount; from += ROWS_PER_CHUNK) {
    const window = await readCellWindow(db, batch.id, from, Math.min(batch.rowCount, from + ROWS_PER_CHUNK));
    for (const cell of window) cells.push(chartCell(cell));
  }
  return cells;
}

/**
 * An experiment's charts, live: the batch record changes in the same transaction as any of its cells
 * (src/store/batches.ts), so each change of it re-reads the cells, at most once per `REFRESH_MS`.
 */
export function ExperimentCharts({ batchId }: { batchId: string }) {
  const db = useDb();
  const batch = useLiveQuery(async () => (await getBatch(db, batchId)) ?? null, [db, batchId]);
  const read = useThrottledCells(db, batch ?? undefined);
  const cells = read?.cells;
  const spec = batch?.spec;
  const evaluators = useMemo(() => (spec ? spec.evaluators.map((e) => ({ id: e.id, label: e.label })) : []), [spec]);
  const summaries = useMemo(() => (spec && cells ? summarizeVariants(spec, cells) : []), [spec, cells]);
  const histogram = useMemo(() => (cells ? latencyHistogram(cells, HISTOGRAM_BINS) : []), [cells]);
  if (batch === undefined || (batch && cells === undefined)) return <p className="muted">Loading charts…</p>;
  if (batch === null) return <p className="muted">This experiment is not on this device.</p>;
  if (read?.error) return <p className="error-text">The charts could not read the cells: {read.error}</p>;
  return <VariantCharts summaries={summaries} histogram={histogram} evaluators={evaluators} />;
}

interface CellsRead {
  batchId: string;
  seq: number;
  cells: CellResult[];
  /** The last read failed (the numbers shown are gone with it). */
  error?: string;
}

/**
 * The batch's cells, read again after the batch record moves: at most one read starts per `REFRESH_MS`, or per
 * four times the last read's duration on a large batch (reading stays a small share of the main thread), so a
 * batch that changes every few milliseconds still gets redrawn; an older read never replaces a newer one.
 */
function useThrottledCells(db: TabflowDb, batch: BatchRecord | undefined): CellsRead | undefined {
  const [read, setRead] = useState<CellsRead | undefined>(undefined);
  const lastStart = useRef(Number.NEGATIVE_INFINITY);
  const gap = useRef(REFRESH_MS);
  const seq = useRef(0);
  const latest = useRef(batch);
  useEffect(() => {
    latest.current = batch;
  });
  const version = batch ? `${batch.id}:${batch.updatedAt}:${batch.rowCount}` : undefined;
  useEffect(() => {
    if (version === undefined) return;
    const timer = setTimeout(
      () => {
        const target = latest.current;
        if (!target) return;
        const started = (lastStart.current = Date.now());
        const mine = ++seq.current;
        void readChartCells(db, target).then(
          (cells) => {
            gap.current = Math.max(REFRESH_MS, 4 * (Date.now() - started));
            setRead((prev) =>
              prev && prev.batchId === target.id && prev.seq > mine ? prev : { batchId: target.id, seq: mine, cells },
            );
          },
          (error: unknown) => setRead({ batchId: target.id, seq: mine, cells: [], error: errorMessage(error) }),
        );
      },
      Math.max(0, lastStart.current + gap.current - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [db, version]);
  return read && batch && read.batchId === batch.id ? read : undefined;
}
