import { useLiveQuery } from 'dexie-react-hooks';
import type { RunRecord } from '../../engine/records';
import { useDb } from '../DbContext';
import type { Loadable } from '../runs/useRuns';
import { pendingAnswers, type PendingAnswer } from './pendingAnswers';

const LOADING = { status: 'loading' } as const;
/** Only runs that can still wait: a finished run never asks (the status index keeps the read small). */
const OPEN_STATUSES: RunRecord['status'][] = ['pending', 'running', 'waiting', 'paused'];

/** Every question a run waits on, across all workflows, live (Dexie liveQuery: no polling). */
export function usePendingAnswers(): Loadable<PendingAnswer[]> {
  const db = useDb();
  return useLiveQuery(
    async () => {
      const runs = await db.runs.where('status').anyOf(OPEN_STATUSES).toArray();
      return { status: 'ready' as const, value: pendingAnswers(runs) };
    },
    [db],
    LOADING,
  );
}
