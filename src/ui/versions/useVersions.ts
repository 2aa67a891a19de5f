import { useLiveQuery } from 'dexie-react-hooks';
import type { VersionRecord } from '../../store/db';
import {
  listVersions,
  newestVersion,
  unfinishedRunVersions,
  versionOfRun,
  type RunOnVersion,
} from '../../store/versions';
import { useDb } from '../DbContext';
import type { Loadable } from '../runs/useRuns';

const LOADING = { status: 'loading' } as const;

/** Every version of a workflow, newest first, live. */
export function useVersions(workflowId: string): Loadable<VersionRecord[]> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await listVersions(db, workflowId) }),
    [db, workflowId],
    LOADING,
  );
}

/** The workflow's current version, live (one keyed read: it is watched while the workflow is open). */
export function useCurrentVersion(workflowId: string): Loadable<VersionRecord | undefined> {
  const db = useDb();
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await newestVersion(db, workflowId) }),
    [db, workflowId],
    LOADING,
  );
}

/** The version a run ran (undefined: none recorded, e.g. a run from before version history). */
export function useRunVersion(run: {
  workflowId?: string;
  workflowHash: string;
  createdAt: number;
}): Loadable<VersionRecord | undefined> {
  const db = useDb();
  const { workflowId, workflowHash, createdAt } = run;
  return useLiveQuery(
    async () => ({ status: 'ready' as const, value: await versionOfRun(db, { workflowId, workflowHash, createdAt }) }),
    [db, workflowId, workflowHash, createdAt],
    LOADING,
  );
}

/** The workflow's unfinished runs with the version each runs, live. */
export function useUnfinishedRunVersions(workflowId: string): RunOnVersion[] {
  const db = useDb();
  return useLiveQuery(() => unfinishedRunVersions(db, workflowId), [db, workflowId]) ?? [];
}
