import { FencedError, type CommitBatch } from '../engine/store';
import { isConstraintError, leaseRange, planLeases, type Fence, type LeasePlan } from './leases';

/** One record written or key deleted by a commit, for change notification. */
export interface TouchedRecord {
  table: string;
  record?: object;
  deletedKey?: IDBValidKey;
}

/**
 * Writes a batch (no table updates) as one readwrite transaction on the native connection: every
 * request is issued at once. A step's fence is its writer's lease (`leases.ts`), checked inside IndexedDB,
 * so the commit is asked for at once; a takeover's fence is a read of the run, checked in its callback.
 * Resolves once it has committed; rejects with `FencedError` (nothing kept) when a fenced run's generation
 * moved on, or with the transaction's own error.
 */
export function commitNative(
  idb: IDBDatabase,
  batch: CommitBatch,
  storeNames: string[],
  leases: LeasePlan = planLeases(batch),
): Promise<TouchedRecord[]> {
  const tx = idb.transaction(storeNames, 'readwrite');
  const touched: TouchedRecord[] = [];
  return new Promise((resolve, reject) => {
    let refusal: FencedError | undefined;
    const refuse = (fenced: FencedError) => {
      refusal ??= fenced;
      abortQuietly(tx);
    };
    tx.oncomplete = () => resolve(touched);
    tx.onabort = () => reject(refusal ?? tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    try {
      checkFences(tx, leases.read, refuse);
      // Requests run in the order issued: the fence reads above see the runs as they were before this batch.
      writeLeases(tx, leases, refuse);
      issueWrites(tx, batch, touched);
      if (leases.read.length === 0) commitEarly(tx);
    } catch (error) {
      // A request refused synchronously (a record that cannot be cloned or keyed): keep none of the batch.
      abortQuietly(tx);
      reject(error);
    }
  });
}

/** The lease tables of the plan: every one the batch moves or fences by lease. */
export function leaseStoreNeeded(plan: LeasePlan): boolean {
  return plan.leased.length > 0 || plan.moved.length > 0;
}

/**
 * A moved lease replaces every lease of its run; a fenced writer puts its own, which fails on the unique
 * `runId` when the run's lease is under another generation (the transaction then aborts by itself).
 */
function writeLeases(tx: IDBTransaction, plan: LeasePlan, refuse: (error: FencedError) => void): void {
  if (!leaseStoreNeeded(plan)) return;
  const leases = tx.objectStore('leases');
  for (const lease of plan.moved) {
    leases.delete(leaseRange(lease.runId));
    leases.put(lease);
  }
  for (const fence of plan.leased) {
    const put = leases.put({ runId: fence.runId, generation: fence.generation });
    put.onerror = () => {
      if (isConstraintError(put.error)) refuse(new FencedError(fence.runId));
    };
  }
}

function issueWrites(tx: IDBTransaction, batch: CommitBatch, touched: TouchedRecord[]): void {
  if (nonEmpty(batch.deleteStepKeys)) {
    const steps = tx.objectStore('steps');
    for (const key of batch.deleteStepKeys!) {
      steps.delete(key);
      touched.push({ table: 'steps', deletedKey: key });
    }
  }
  putAll(tx, 'runs', batch.runs, touched);
  putAll(tx, 'steps', batch.steps, touched);
  putAll(tx, 'events', batch.events, touched);
  putAll(tx, 'messages', batch.messages, touched);
}

/** Reads each fenced run; the first stale generation aborts. The last read to pass commits early. */
function checkFences(tx: IDBTransaction, fences: readonly Fence[], refuse: (error: FencedError) => void): void {
  if (fences.length === 0) return;
  const runs = tx.objectStore('runs');
  let unchecked = fences.length;
  let refused = false;
  for (const fence of fences) {
    const read = runs.get(fence.runId);
    read.onsuccess = () => {
      if (refused) return;
      const run = read.result as { generation?: number } | undefined;
      // A run not stored yet has no owner to conflict with, so its fence passes.
      if (run && run.generation !== fence.generation) {
        refused = true;
        refuse(new FencedError(fence.runId));
      } else if (--unchecked === 0) commitEarly(tx);
    };
  }
}

function putAll(
  tx: IDBTransaction,
  table: string,
  records: readonly object[] | undefined,
  touched: TouchedRecord[],
): void {
  if (!nonEmpty(records)) return;
  const store = tx.objectStore(table);
  for (const record of records!) {
    store.put(record);
    touched.push({ table, record });
  }
}

/** Aborts unless the transaction already finished (then it was aborted already: its requests failed). */
function abortQuietly(tx: IDBTransaction): void {
  try {
    tx.abort();
  } catch {
    // InvalidStateError: nothing left to undo.
  }
}

/** Asks for the commit without waiting for the event loop to notice there is nothing left to issue. */
function commitEarly(tx: IDBTransaction): void {
  if (typeof tx.commit === 'function') tx.commit();
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}
