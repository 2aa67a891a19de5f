import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { RunRecord } from '../../engine/records';
import { useDb } from '../DbContext';
import type { Loadable } from '../runs/useRuns';

/** Run records are read this many at a time: each chunk is a short task of its own. */
const RUNS_CHUNK = 500;

/**
 * Which runs exist and a stamp of each (its `updatedAt` and status), from the indexes' keys alone: a
 * running run rewrites its record at every step, and only the records whose stamp moved are read again.
 */
function useRunStamps(workflowId: string | undefined): ReadonlyMap<string, string> | undefined {
  const db = useDb();
  return useLiveQuery(
    () =>
      db.transaction('r', db.runs, async () => {
        const [ids, times, statusIds, statuses, wanted] = await Promise.all([
          db.runs.orderBy('updatedAt').primaryKeys(),
          db.runs.orderBy('updatedAt').keys(),
          db.runs.orderBy('status').primaryKeys(),
          db.runs.orderBy('status').keys(),
          workflowId === undefined ? undefined : db.runs.where('workflowId').equals(workflowId).primaryKeys(),
        ]);
        const status = new Map(statusIds.map((id, i) => [id, String(statuses[i])]));
        const only = wanted && new Set(wanted);
        const stamps = new Map<string, string>();
        ids.forEach((id, i) => {
          if (!only || only.has(id)) stamps.set(id, `${String(times[i])} ${status.get(id)}`);
        });
        return stamps;
      }),
    [db, workflowId],
  );
}

/** Runs (all of them, or one workflow's), newest first; kept in memory and refreshed a changed record at a time. */
export function useRunIndex(workflowId?: string): Loadable<RunRecord[]> {
  const db = useDb();
  const stamps = useRunStamps(workflowId);
  const cache = useRef(new Map<string, { stamp: string; run: RunRecord }>());
  const loaded = useRef(false);
  const [runs, setRuns] = useState<Loadable<RunRecord[]>>({ status: 'loading' });
  useEffect(() => {
    if (!stamps) return;
    let live = true;
    void (async () => {
      const known = cache.current;
      const stale = [...stamps].filter(([id, stamp]) => known.get(id)?.stamp !== stamp);
      for (let i = 0; i < stale.length && live; i += RUNS_CHUNK) {
        const chunk = stale.slice(i, i + RUNS_CHUNK);
        const records = await db.runs.bulkGet(chunk.map(([id]) => id));
        records.forEach((run, j) => {
          if (run) known.set(run.id, { stamp: chunk[j]![1], run });
        });
      }
      if (!live) return;
      let removed = 0;
      for (const id of known.keys()) if (!stamps.has(id) && known.delete(id)) removed++;
      if (stale.length === 0 && removed === 0 && loaded.current) return;
      loaded.current = true;
      const sorted = [...known.values()].map((entry) => entry.run).sort((a, b) => b.createdAt - a.createdAt);
      setRuns({ status: 'ready', value: sorted });
    })();
    return () => {
      live = false;
    };
  }, [db, stamps]);
  return runs;
}
