import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useRef } from 'react';
import type { StepRecord } from '../../engine/records';
import type { TabflowDb } from '../../store/db';
import { useDb } from '../DbContext';

/**
 * A run's whole journal for the Graph and Timeline, kept up to date incrementally: each write reads only the
 * records newer (by `seq`) than the last one held and the unfinished ones held (a step finishing, a wait
 * answered), never the whole `[runId+seq]` range again. A finished record changes only by a restart, which
 * moves `restartedAt`, and then the journal is read afresh.
 */

const FINISHED: ReadonlySet<StepRecord['status']> = new Set(['completed', 'failed', 'cancelled']);

interface HeldJournal {
  runId: string;
  restartedAt: number | undefined;
  /** In `seq` order. */
  records: readonly StepRecord[];
}

const journalRange = (db: TabflowDb, runId: string) =>
  db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]);

/** The held journal brought up to date; a whole read only when what it holds no longer adds up. */
async function caughtUp(db: TabflowDb, held: HeldJournal): Promise<HeldJournal> {
  const { runId, records } = held;
  // The count also subscribes the live query to the run's whole range: any write, and any deletion, asks again.
  const total = await journalRange(db, runId).count();
  const lastSeq = records.length > 0 ? records[records.length - 1]!.seq : -Infinity;
  const unfinished = records.filter((record) => !FINISHED.has(record.status)).map((record) => record.key);
  const [newer, reread] = await Promise.all([
    db.steps.where('[runId+seq]').between([runId, lastSeq], [runId, Dexie.maxKey], false, true).toArray(),
    db.steps.bulkGet(unfinished),
  ]);
  if (newer.length === 0 && unfinished.length === 0 && records.length === total) return held;
  const changed = new Map(reread.flatMap((record) => (record ? [[record.key, record] as const] : [])));
  const next = [...records.map((record) => changed.get(record.key) ?? record), ...newer];
  // A record gone (deleted) or one recorded out of `seq` order: read it all again rather than guess.
  const gone = changed.size < unfinished.length;
  return { ...held, records: gone || next.length !== total ? await journalRange(db, runId).toArray() : next };
}

/** The run's journal in `seq` order while `enabled` (undefined while loading or when not), read incrementally. */
export function useJournalRecords(
  runId: string,
  enabled: boolean,
  restartedAt: number | undefined,
): readonly StepRecord[] | undefined {
  const db = useDb();
  const held = useRef<HeldJournal | undefined>(undefined);
  return useLiveQuery(async () => {
    if (!enabled) return undefined;
    const current = held.current;
    const start =
      current && current.runId === runId && current.restartedAt === restartedAt
        ? current
        : { runId, restartedAt, records: [] };
    const next = await caughtUp(db, start);
    held.current = next;
    return next.records;
  }, [db, runId, enabled, restartedAt]);
}
