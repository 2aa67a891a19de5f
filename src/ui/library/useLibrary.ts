import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import type { WorkflowDefinition } from '../../schema/workflow';
import type { WorkflowRecord } from '../../store/db';
import { getWorkflow, listWorkflows } from '../../store/workflows';
import { useDb } from '../DbContext';

/** Thin reactive reads of the library: each returns a status union, never a bare `undefined`. */

export type LibraryState = { status: 'loading' } | { status: 'ready'; workflows: WorkflowRecord[] };
export type RecordState = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; record: WorkflowRecord };

const LOADING = { status: 'loading' } as const;

export function useLibrary(): LibraryState {
  const db = useDb();
  return useLiveQuery(
    async (): Promise<LibraryState> => ({ status: 'ready', workflows: await listWorkflows(db) }),
    [db],
    LOADING,
  );
}

export function useWorkflowRecord(id: string): RecordState {
  const db = useDb();
  return useLiveQuery(
    async (): Promise<RecordState> => {
      const record = await getWorkflow(db, id);
      return record && record.deletedAt === undefined ? { status: 'ready', record } : { status: 'missing' };
    },
    [db, id],
    LOADING,
  );
}

/** Names of the saved workflows (what a subworkflow step may call) and a lookup for export bundling. */
export function useLibraryIndex(library: LibraryState) {
  return useMemo(() => {
    const workflows = library.status === 'ready' ? library.workflows : [];
    const byName = new Map<string, WorkflowDefinition>();
    // The list is newest first, so the first record of a name wins, like findWorkflowByName.
    for (const w of workflows) if (!byName.has(w.name)) byName.set(w.name, w.doc);
    return { names: [...byName.keys()], lookup: (name: string) => byName.get(name) };
  }, [library]);
}
