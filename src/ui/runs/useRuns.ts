import { useLiveQuery } from 'dexie-react-hooks';
import Dexie from 'dexie';
import type { EventRecord, RunRecord, StepRecord } from '../../engine/records';
import { useDb } from '../DbContext';

/** Reactive reads of runs and their journals (Dexie liveQuery: every tab sees every change, no polling). */

export type Loadable<T> = { status: 'loading' } | { status: 'ready'; value: T };
const LOADING = { status: 'loading' } as const;

/** A workflow's runs, newest first. */
export function useWorkflowRuns(workflowId: string): Loadable<RunRecord[]> {
  const db = useDb();
  return useLiveQuery(async () => {
    const runs = await db.runs.where('workflowId').equals(workflowId).toArray();
    return { status: 'ready' as const, value: runs.sort((a, b) => b.createdAt - a.createdAt) };
  }, [db, workflowId], LOADING);
}

export function useRun(runId: string): Loadable<RunRecord | undefined> {
  const db = useDb();
  return useLiveQuery(async () => ({ status: 'ready' as const, value: await db.runs.get(runId) }), [db, runId], LOADING);
}

/** A run's journal in recording order (one range query on [runId+seq]). */
export function useRunSteps(runId: string): Loadable<StepRecord[]> {
  const db = useDb();
  return useLiveQuery(async () => ({
    status: 'ready' as const,
    value: await db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).toArray(),
  }), [db, runId], LOADING);
}

export function useRunEvents(runId: string): Loadable<EventRecord[]> {
  const db = useDb();
  return useLiveQuery(async () => ({ status: 'ready' as const, value: await db.events.where('runId').equals(runId).sortBy('sentAt') }), [db, runId], LOADING);
}

/** Child runs started by subworkflow steps. */
export function useChildRuns(runId: string): Loadable<RunRecord[]> {
  const db = useDb();
  return useLiveQuery(async () => ({ status: 'ready' as const, value: await db.runs.where('parentRunId').equals(runId).toArray() }), [db, runId], LOADING);
}
