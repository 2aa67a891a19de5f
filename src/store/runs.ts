import Dexie from 'dexie';
import { FINISHED_RUN_STATUSES } from '../engine/records';
import type { TabflowDb } from './db';
import { toStoreError } from './errors';

/** What a deletion removed. */
export interface DeletedRun {
  runs: number;
  steps: number;
}

/**
 * Deletes a finished run with everything recorded for it — its steps, events, thread messages and
 * threads, and its subworkflow runs likewise — in one transaction: all of it goes, or nothing does.
 */
export async function deleteFinishedRun(db: TabflowDb, runId: string): Promise<DeletedRun> {
  try {
    return await db.transaction('rw', [db.runs, db.steps, db.events, db.messages, db.threads], async () => {
      const ids = await runWithDescendants(db, runId);
      let steps = 0;
      for (const id of ids) steps += await deleteJournal(db, id);
      await db.runs.bulkDelete(ids);
      return { runs: ids.length, steps };
    });
  } catch (error) {
    throw toStoreError(error);
  }
}

/** A run's steps, events, thread messages and threads (inside the caller's transaction over those tables). */
export async function deleteJournal(db: TabflowDb, runId: string): Promise<number> {
  const steps = await db.steps.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).delete();
  await db.events.where('runId').equals(runId).delete();
  await db.messages.where('runId').equals(runId).delete();
  // Every thread id of a run starts with the run's id and a colon (engine/handlers/llm.ts `threadIdFor`).
  await db.threads.where('id').startsWith(`${runId}:`).delete();
  return steps;
}

/** The run and its subworkflow runs at any depth; refuses unless every one of them has finished. */
async function runWithDescendants(db: TabflowDb, runId: string): Promise<string[]> {
  const root = await db.runs.get(runId);
  if (!root) throw new Error('that run no longer exists');
  // A parent still going reads its child's result: the child stays until the parent is done.
  const parent = root.parentRunId === undefined ? undefined : await db.runs.get(root.parentRunId);
  if (parent && !FINISHED_RUN_STATUSES.has(parent.status))
    throw new Error(`this is a subworkflow run of a run that is still ${parent.status}`);
  const ids: string[] = [];
  const queue = [root];
  for (let run = queue.shift(); run; run = queue.shift()) {
    // An unfinished run is still being written by the executor: deleting it would lose its journal mid-write.
    if (!FINISHED_RUN_STATUSES.has(run.status)) {
      throw new Error(
        run.id === runId
          ? `only a finished run can be deleted; this one is ${run.status}`
          : `a subworkflow run of this run is still ${run.status}`,
      );
    }
    ids.push(run.id);
    queue.push(...(await db.runs.where('parentRunId').equals(run.id).toArray()));
  }
  return ids;
}
