import type { CommitBatch } from '../engine/store';

/**
 * A run's writer lease: the one generation that may write its journal. `runId` is a unique index, so a
 * writer putting its lease under any other generation fails inside IndexedDB (ConstraintError) and its
 * whole transaction aborts: a step's commit is fenced without reading the run and waiting for the answer.
 */
export interface LeaseRecord {
  runId: string;
  generation: number;
}

export type Fence = CommitBatch['fences'][number];

/** How each fence of a batch is checked, and which leases the batch moves. */
export interface LeasePlan {
  /** Checked by reading the run: its generation changes in this batch (a takeover), so the lease moves. */
  read: Fence[];
  /** Checked by putting the writer's lease: a lease under a newer generation makes the put fail. */
  leased: Fence[];
  /** Runs written under a generation other than their fence's (or with none): their lease becomes this one. */
  moved: LeaseRecord[];
}

export function planLeases(batch: CommitBatch): LeasePlan {
  const fenced = new Map(batch.fences.map((fence) => [fence.runId, fence.generation]));
  const moved = (batch.runs ?? [])
    .filter((run) => fenced.get(run.id) !== run.generation)
    .map((run) => ({ runId: run.id, generation: run.generation }));
  const movedRuns = new Set(moved.map((lease) => lease.runId));
  return {
    read: batch.fences.filter((fence) => movedRuns.has(fence.runId)),
    leased: batch.fences.filter((fence) => !movedRuns.has(fence.runId)),
    moved,
  };
}

/** Every lease key of one run, whatever its generation. */
export function leaseRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
}

export function isConstraintError(error: DOMException | null): boolean {
  return error?.name === 'ConstraintError';
}
