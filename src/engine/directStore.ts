import type { CommitBatch, CommitResult, EngineStore } from './store';

/**
 * Direct mode (not durable): commits return at once and are mirrored to the real store in the
 * background for display only. Table writes still wait, since their result is the step's output.
 */
export function directStore(real: EngineStore): EngineStore {
  return {
    ...real,
    loadRun: (id) => real.loadRun(id),
    loadSteps: (id) => real.loadSteps(id),
    loadEvents: (id) => real.loadEvents(id),
    listUnfinishedRuns: () => real.listUnfinishedRuns(),
    loadDefinition: (hash) => real.loadDefinition(hash),
    saveDefinition: (hash, definition) => real.saveDefinition(hash, definition),
    queryTable: (table, where, limit) => real.queryTable(table, where, limit),
    loadThread: (threadId) => real.loadThread(threadId),
    async commit(batch: CommitBatch): Promise<CommitResult> {
      if (batch.tableUpdates && batch.tableUpdates.length > 0) return real.commit(batch);
      real.commit(batch).catch(() => undefined);
      return { tableOutputs: {} };
    },
  };
}
