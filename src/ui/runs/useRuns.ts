import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import Dexie from 'dexie';
import type { EventRecord, RunRecord, StepRecord } from '../../engine/records';
import { EXECUTOR_CHANGED_CHANNEL, STORAGE_FULL_CHANNEL, type StorageFullRun } from '../../worker/api';
import { useDb } from '../DbContext';
import { useExecutor } from '../ExecutorContext';
import { collectScopes, stringField } from '../../schema/walk';

/** Reactive reads of runs and their journals (Dexie liveQuery: every tab sees every change, no polling). */

export type Loadable<T> = { status: 'loading' } | { status: 'ready'; value: T };
const LOADING = { status: 'loading' } as const;

/** A workflow's runs, newest first. */
export function useWorkflowRuns(workflowId: string): Loadable<RunRecord[]> {
  const db = useDb();
  return useLiveQuery(
    async () => {
      const runs = await db.runs.where('workflowId').equals(workflowId).toArray();
      return { status: 'ready' as const, value: runs.sort((a, b) => b.createdAt - a.createdAt) };
    },
    [db, workflowId],
    LOADING,
  );
}

export function useRun(runId: string): Loadable<RunRecord | undefined> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await db.runs.get(runId) }),
    [db, runId],
    LOADING,
  );
}

/** A run's journal in recording order (one range query on [runId+seq]). */
export function useRunSteps(runId: string): Loadable<StepRecord[]> {
  const db = useDb();
  return useLiveQuery(
    async () => ({
      status: 'ready' as const,
      value: await db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).toArray(),
    }),
    [db, runId],
    LOADING,
  );
}

/** One journal record by its key (a keyed get: the rest of the journal is not read). */
export function useStepRecord(stepKey: string | null): Loadable<StepRecord | undefined> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: stepKey === null ? undefined : await db.steps.get(stepKey) }),
    [db, stepKey],
    LOADING,
  );
}

export function useRunEvents(runId: string): Loadable<EventRecord[]> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await db.events.where('runId').equals(runId).sortBy('sentAt') }),
    [db, runId],
    LOADING,
  );
}

/** Child runs started by subworkflow steps. */
export function useChildRuns(runId: string): Loadable<RunRecord[]> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await db.runs.where('parentRunId').equals(runId).toArray() }),
    [db, runId],
    LOADING,
  );
}

/**
 * Runs the executor stopped because browser storage is full. Asked of the executor (it keeps them in
 * memory: on a full disk the pause may not have been written) and kept fresh by its broadcasts.
 * `enabled`: only while some shown run is unfinished (finished runs are never storage-full).
 */
export function useStorageFullRuns(enabled: boolean): ReadonlySet<string> {
  const executor = useExecutor();
  const [runIds, setRunIds] = useState<ReadonlySet<string>>(NO_RUNS);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // A tab of another version may broadcast or answer something else: only a list is taken.
    const show = (runs: unknown) => {
      if (live && Array.isArray(runs)) setRunIds(new Set((runs as StorageFullRun[]).map((r) => r.runId)));
    };
    const ask = () => void executor.storageFull().then(show, () => undefined);
    ask();
    const channels =
      typeof BroadcastChannel === 'undefined'
        ? []
        : [new BroadcastChannel(STORAGE_FULL_CHANNEL), new BroadcastChannel(EXECUTOR_CHANGED_CHANNEL)];
    const [updates, takeovers] = channels;
    if (updates) updates.onmessage = (event: MessageEvent<unknown>) => show(event.data);
    if (takeovers) takeovers.onmessage = ask; // a new executor knows only what it found at takeover
    return () => {
      live = false;
      channels.forEach((channel) => channel.close());
    };
  }, [executor, enabled]);
  return enabled ? runIds : NO_RUNS;
}

const NO_RUNS: ReadonlySet<string> = new Set();

/** Step slug → the step's name, from the definition a run started with (empty while loading or unknown). */
export function useStepNames(workflowHash: string): ReadonlyMap<string, string> {
  const db = useDb();
  return useLiveQuery(
    async () => {
      const record = await db.definitions.get(workflowHash);
      const names = new Map<string, string>();
      for (const scope of collectScopes(record?.definition.stepsConfig, []))
        for (const site of scope.sites) {
          const name = stringField(site.raw, 'name')?.trim();
          if (site.slug && name && !names.has(site.slug)) names.set(site.slug, name);
        }
      return names;
    },
    [db, workflowHash],
    NO_NAMES,
  );
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();
