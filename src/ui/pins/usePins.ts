import { useLiveQuery } from 'dexie-react-hooks';
import { readPins, type WorkflowPins } from '../../store/pins';
import { getWorkflow } from '../../store/workflows';
import { useDb } from '../DbContext';

/** A workflow's pins, live: `problem` says what is wrong with a damaged field (then `pins` is empty). */
export type PinsState = { status: 'loading' } | { status: 'ready'; pins: WorkflowPins; problem?: string };

const LOADING: PinsState = { status: 'loading' };
const NONE: PinsState = { status: 'ready', pins: {} };

export function useWorkflowPins(workflowId: string | undefined): PinsState {
  const db = useDb();
  return useLiveQuery(
    async (): Promise<PinsState> => {
      const record = workflowId === undefined ? undefined : await getWorkflow(db, workflowId);
      if (!record) return NONE;
      const read = readPins(record);
      return read.kind === 'ok'
        ? { status: 'ready', pins: read.pins }
        : { status: 'ready', pins: {}, problem: read.problem };
    },
    [db, workflowId],
    LOADING,
  );
}

/** Pinned slugs of a state (none while loading). */
export function pinnedSlugs(state: PinsState): string[] {
  return state.status === 'ready' ? Object.keys(state.pins) : [];
}
