import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { StepRecord } from '../../engine/records';
import { cellsWithStatus, type BatchRecord } from '../../store/batches';
import { useDb } from '../DbContext';
import { useUi } from '../state';
import { formatIdle, stalledForMs, waitingOn, type WaitingOn } from './stall';

/** How often the idle time shown is brought up to date (time only: the batch is read with liveQuery). */
const TICK_MS = 10_000;
/** Records looked at from a run's end for the step in flight. */
const NEWEST_RECORDS = 20;

/** The clock, ticking while `on` (a running batch with running cells). */
function useClock(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/** What the longest-running cell's run waits on, read only while the batch is stalled. */
function useWaitingOn(batchId: string, stalled: boolean): WaitingOn | undefined {
  const db = useDb();
  return useLiveQuery(async () => {
    if (!stalled) return undefined;
    const cells = (await cellsWithStatus(db, batchId, 'running', 200)).filter((cell) => cell.runId !== undefined);
    const oldest = cells.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0))[0];
    if (!oldest) return waitingOn(undefined);
    const newest = (await db.steps
      .where('[runId+seq]')
      .between([oldest.runId, Dexie.minKey], [oldest.runId, Dexie.maxKey])
      .reverse()
      .limit(NEWEST_RECORDS)
      .toArray()) as StepRecord[];
    return waitingOn(newest.find((record) => record.kind === 'step' && record.endedAt === undefined));
  }, [db, batchId, stalled]);
}

/**
 * "No progress for 4 min — waiting on openai / gpt-4o-mini": shown while a running batch's running cells have
 * not moved it for `STALL_AFTER_MS`, with what the user can do about it.
 */
export function ExperimentStall({ batch }: { batch: BatchRecord }) {
  const openDialog = useUi((s) => s.openDialog);
  const now = useClock(batch.status === 'running' && batch.counts.running > 0);
  const idle = stalledForMs(batch, now);
  const on = useWaitingOn(batch.id, idle !== null);
  if (idle === null) return null;
  const runs = batch.counts.running;
  const target = on ? `${on.provider ? `${on.provider}, ` : ''}${on.what}` : '…';
  return (
    <div className="experiment-stall" role="status" data-testid="experiment-stall">
      <p>
        <strong>No progress for {formatIdle(idle)}</strong> — waiting on {target}.
      </p>
      <p>
        {runs} run{runs === 1 ? '' : 's'} still in flight, none finished since{' '}
        {new Date(batch.updatedAt).toLocaleTimeString()}.
        {on?.provider ? ' The provider may not be answering: check its key and address in Settings. ' : ' '}
        Pause stops new runs from starting (those in flight go on); Cancel stops the experiment.
      </p>
      {on?.provider && (
        <button type="button" className="button button-small" onClick={() => openDialog({ kind: 'settings' })}>
          Check the provider in Settings
        </button>
      )}
    </div>
  );
}
