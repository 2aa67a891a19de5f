import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { RUN_STATUSES, type RunRecord, type RunStatus } from '../../engine/records';
import type { TabflowDb } from '../../store/db';
import { useDb } from '../DbContext';
import { indexPrimaryKeys } from './indexKeys';
import type { Loadable } from '../runs/useRuns';

/** Run records are read this many at a time: each chunk is a short task of its own. */
const RUNS_CHUNK = 500;

/**
 * Which runs exist, oldest write first, and each one's status: primary keys of the `updatedAt` and `status`
 * indexes only (one `getAllKeys` each, no record). A run written again moves to the end of that order.
 */
interface RunStamps {
  byUpdate: readonly string[];
  status: ReadonlyMap<string, RunStatus>;
}

function useRunStamps(): RunStamps | undefined {
  const db = useDb();
  return useLiveQuery(async () => {
    // The count subscribes to every write of a run; the keys are read without Dexie's notes (`indexKeys.ts`).
    await db.runs.count();
    const everything = IDBKeyRange.lowerBound(-Infinity);
    const [byUpdate, ...byStatus] = await Promise.all([
      indexPrimaryKeys(db, 'runs', 'updatedAt', everything),
      ...RUN_STATUSES.map((status) => indexPrimaryKeys(db, 'runs', 'status', IDBKeyRange.only(status))),
    ]);
    const status = new Map<string, RunStatus>();
    byStatus.forEach((ids, i) => ids.forEach((id) => status.set(id, RUN_STATUSES[i]!)));
    return { byUpdate, status };
  }, [db]);
}

/**
 * The runs whose record may have changed since `known` was read: from the first place where the write order
 * departs from the known one (every run written since moved to the end), and any whose status moved (a
 * write within the same millisecond keeps its place).
 */
export function staleRuns(
  stamps: RunStamps,
  knownOrder: readonly string[],
  knownStatus: (id: string) => RunStatus | undefined,
): string[] {
  const present = new Set(stamps.byUpdate);
  const kept = knownOrder.filter((id) => present.has(id));
  let same = 0;
  while (same < kept.length && kept[same] === stamps.byUpdate[same]) same++;
  const stale = new Set(stamps.byUpdate.slice(same));
  for (const id of stamps.byUpdate) if (knownStatus(id) !== stamps.status.get(id)) stale.add(id);
  return [...stale];
}

/** What is known of every run, per database: shared by every list, so a second list reads nothing again. */
const KNOWN = new WeakMap<TabflowDb, { order: readonly string[]; runs: ReadonlyMap<string, RunRecord> }>();

/** Runs (all of them, or one workflow's), newest first; kept in memory and refreshed a changed record at a time. */
export function useRunIndex(workflowId?: string): Loadable<RunRecord[]> {
  const db = useDb();
  const stamps = useRunStamps();
  const [runs, setRuns] = useState<Loadable<RunRecord[]>>({ status: 'loading' });
  /** This list was set from the cache at least once (later passes that change nothing leave it). */
  const shown = useRef(false);
  useEffect(() => {
    if (!stamps) return;
    let live = true;
    void (async () => {
      const { order, runs: cached } = KNOWN.get(db) ?? { order: [], runs: new Map<string, RunRecord>() };
      const stale = staleRuns(stamps, order, (id) => cached.get(id)?.status);
      const fresh = new Map<string, RunRecord>();
      for (let i = 0; i < stale.length && live; i += RUNS_CHUNK) {
        const records = await db.runs.bulkGet(stale.slice(i, i + RUNS_CHUNK));
        for (const run of records) if (run) fresh.set(run.id, run);
      }
      if (!live) return;
      const next = new Map<string, RunRecord>();
      for (const id of stamps.byUpdate) {
        const run = fresh.get(id) ?? cached.get(id);
        if (run) next.set(id, run);
      }
      KNOWN.set(db, { order: stamps.byUpdate, runs: next });
      if (stale.length === 0 && next.size === cached.size && shown.current) return;
      shown.current = true;
      const listed = [...next.values()].filter((run) => workflowId === undefined || run.workflowId === workflowId);
      setRuns({ status: 'ready', value: listed.sort((a, b) => b.createdAt - a.createdAt) });
    })();
    return () => {
      live = false;
    };
  }, [db, stamps, workflowId]);
  return runs;
}
