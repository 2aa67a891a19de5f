import Dexie, { type Table } from 'dexie';
import {
  eventRecordSchema,
  FINISHED_RUN_STATUSES,
  readableRuns,
  readRecord,
  RUN_STATUSES,
  runRecordSchema,
  type EventRecord,
  type RunRecord,
  type StepRecord,
  type ThreadMessageRecord,
  type UnreadableRecordError,
} from '../engine/records';
import { readStepRecord } from '../engine/recordCheck';
import {
  applyTableUpdate,
  FencedError,
  rowMatches,
  type CommitBatch,
  type CommitResult,
  type EngineStore,
  type StoredDefinition,
  type TableRow,
  type TableUpdate,
  type TableUpdateOutput,
} from '../engine/store';
import type { ParsedWorkflow } from '../schema/workflow';
import type { TabflowDb, TableRowRecord } from './db';
import { ChangeSignal } from './changeSignal';
import { toStoreError } from './errors';
import { commitNative, leaseStoreNeeded } from './nativeCommit';
import { planLeases, type LeasePlan } from './leases';

const UNFINISHED_RUN_STATUSES = RUN_STATUSES.filter((status) => !FINISHED_RUN_STATUSES.has(status));

/**
 * The engine's store in IndexedDB. Same semantics as `MemoryStore` (the reference), with each
 * `commit` one readwrite transaction whose cost depends on the batch, never on the run's history.
 * Batches with table updates go through Dexie (they read before writing); all others through the
 * native connection, whose changes `ChangeSignal` reports to `liveQuery` in the UI.
 */
export class DexieEngineStore implements EngineStore {
  private readonly changes: ChangeSignal;

  /** `onUnreadable` hears of each unfinished run whose record cannot be read (it is left out of the list). */
  constructor(
    readonly db: TabflowDb,
    private readonly onUnreadable: (error: UnreadableRecordError) => void = reportUnreadable,
  ) {
    this.changes = new ChangeSignal(db);
  }

  /** Every record is checked as it is read: a damaged one rejects with `UnreadableRecordError` naming it. */
  async loadRun(runId: string): Promise<RunRecord | undefined> {
    const stored = await this.db.runs.get(runId);
    return stored === undefined ? undefined : readRecord(runRecordSchema, stored, runId);
  }

  /** One range query on `[runId+seq]`: the journal comes back in recording order. */
  async loadSteps(runId: string): Promise<StepRecord[]> {
    const stored = await this.db.steps
      .where('[runId+seq]')
      .between([runId, Dexie.minKey], [runId, Dexie.maxKey], true, true)
      .toArray();
    return stored.map((step) => readStepRecord(step, step.key));
  }

  /** Newest first on `[runId+seq]`, stopping at the anchor: a resume reads the journal's end, not its history. */
  async loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean): Promise<StepRecord[]> {
    const tail: StepRecord[] = [];
    let anchored = false;
    await this.db.steps
      .where('[runId+seq]')
      .between([runId, Dexie.minKey], [runId, Dexie.maxKey], true, true)
      .reverse()
      .until(() => anchored)
      .each((stored) => {
        const step = readStepRecord(stored, stored.key);
        tail.push(step);
        anchored = isAnchor(step);
      });
    return tail.reverse();
  }

  async loadStepsByKey(keys: readonly string[]): Promise<StepRecord[]> {
    const stored = await this.db.steps.bulkGet([...keys]);
    return stored.flatMap((step) => (step === undefined ? [] : [readStepRecord(step, step.key)]));
  }

  async loadEvents(runId: string): Promise<EventRecord[]> {
    const stored = await this.db.events.where('runId').equals(runId).sortBy('sentAt');
    return stored.map((event) => readRecord(eventRecordSchema, event, event.id));
  }

  async listUnfinishedRuns(): Promise<RunRecord[]> {
    const stored = await this.db.runs.where('status').anyOf(UNFINISHED_RUN_STATUSES).toArray();
    return readableRuns(stored, this.onUnreadable);
  }

  async loadDefinition(hash: string): Promise<StoredDefinition | undefined> {
    const record = await this.db.definitions.get(hash);
    return record && { definition: record.definition, parsed: record.parsed === true };
  }

  /** Definitions are content-addressed: the first one saved under a hash is never replaced. */
  async saveDefinition(hash: string, definition: ParsedWorkflow): Promise<void> {
    const { definitions } = this.db;
    try {
      await this.db.transaction('rw', definitions, async () => {
        if ((await definitions.get(hash)) === undefined)
          await definitions.add({ hash, definition, parsed: true, savedAt: Date.now() });
      });
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]> {
    return matchingRows(this.db, table, where, limit);
  }

  async loadThread(threadId: string): Promise<ThreadMessageRecord[]> {
    const records = await this.db.messages
      .where('[threadId+seq]')
      .between([threadId, Dexie.minKey], [threadId, Dexie.maxKey])
      .toArray();
    return records as unknown as ThreadMessageRecord[];
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    const native = !nonEmpty(batch.tableUpdates);
    const leases = planLeases(batch);
    const tables = touchedTables(this.db, batch, native, leases);
    if (tables.length === 0) return { tableOutputs: {} };
    if (native)
      return this.commitOnNativeConnection(
        batch,
        tables.map((table) => table.name),
        leases,
      );
    try {
      // Fences, table updates and every record commit together or not at all: a crash or a
      // refusal part-way can never leave a step completed without its effects, or the reverse.
      // The scope is declared `async`: only then does Dexie keep the transaction across native awaits.
      return await this.db.transaction('rw', tables, async () => writeBatch(this.db, batch));
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /**
   * The per-step path: the same all-or-nothing batch as one native transaction, without Dexie's
   * promise-zone bookkeeping (which costs about as much as the IndexedDB round trip itself).
   */
  private async commitOnNativeConnection(
    batch: CommitBatch,
    storeNames: string[],
    leases: LeasePlan,
  ): Promise<CommitResult> {
    try {
      if (!this.db.isOpen()) await this.db.open();
      const touched = await commitNative(this.db.backendDB(), batch, storeNames, leases);
      this.changes.record(touched);
      return { tableOutputs: {} };
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

function reportUnreadable(error: UnreadableRecordError): void {
  console.error(`${error.message}; this run is left as it is and not resumed`);
}

/**
 * Exactly the tables the batch reads or writes, so unrelated commits do not queue behind it. On the native
 * path a step's fence is its lease (`runs` is read only for a takeover); the Dexie path reads every fenced run.
 */
function touchedTables(db: TabflowDb, batch: CommitBatch, native: boolean, leases: LeasePlan): Table[] {
  const tables: Table[] = [];
  const readsRuns = native ? leases.read.length > 0 : batch.fences.length > 0;
  if (readsRuns || nonEmpty(batch.runs)) tables.push(db.runs);
  if (native ? leaseStoreNeeded(leases) : leases.moved.length > 0) tables.push(db.leases);
  if (nonEmpty(batch.steps) || nonEmpty(batch.deleteStepKeys)) tables.push(db.steps);
  if (nonEmpty(batch.events)) tables.push(db.events);
  if (nonEmpty(batch.tableUpdates)) tables.push(db.tableRows);
  if (nonEmpty(batch.messages)) tables.push(db.messages);
  return tables;
}

function nonEmpty(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

/** Runs inside the commit's transaction: any throw aborts it and nothing below is kept. */
async function writeBatch(db: TabflowDb, batch: CommitBatch): Promise<CommitResult> {
  await checkFences(db, batch.fences);
  // Records are copied, never mutated: the caller's objects stay as they were passed in.
  const steps = new Map((batch.steps ?? []).map((step) => [step.key, step]));
  const result: CommitResult = { tableOutputs: {} };
  for (const update of batch.tableUpdates ?? []) {
    const output = await applyUpdate(db, update);
    result.tableOutputs[update.outputOf] = output;
    const target = steps.get(update.outputOf);
    if (target) steps.set(target.key, { ...target, output });
  }
  if (nonEmpty(batch.deleteStepKeys)) await db.steps.bulkDelete(batch.deleteStepKeys!);
  // Fenced by reading above; a run written under a new generation still moves its lease, for the native path.
  for (const lease of planLeases(batch).moved) {
    await db.leases
      .where(':id')
      .between(...leaseBounds(lease.runId))
      .delete();
    await db.leases.put(lease);
  }
  if (nonEmpty(batch.runs)) await db.runs.bulkPut(batch.runs!);
  if (steps.size > 0) await db.steps.bulkPut([...steps.values()]);
  if (nonEmpty(batch.events)) await db.events.bulkPut(batch.events!);
  if (nonEmpty(batch.messages)) await db.messages.bulkPut(batch.messages!);
  return structuredClone(result);
}

function leaseBounds(runId: string): [[string, number], [string, number], boolean, boolean] {
  return [[runId, -Infinity], [runId, Infinity], true, true];
}

/** Keyed gets only. A run not stored yet has no owner to conflict with, so its fence passes. */
async function checkFences(db: TabflowDb, fences: CommitBatch['fences']): Promise<void> {
  if (fences.length === 0) return; // `runs` is then outside the transaction's scope
  const runs = await db.runs.bulkGet(fences.map((fence) => fence.runId));
  fences.forEach((fence, index) => {
    const run = runs[index];
    if (run && run.generation !== fence.generation) throw new FencedError(fence.runId);
  });
}

/** Reads the matching rows inside the transaction, so the update is applied exactly once. */
async function applyUpdate(db: TabflowDb, update: TableUpdate): Promise<TableUpdateOutput> {
  const matching = await matchingRows(db, update.table, update.where);
  const { changed, created } = applyTableUpdate(matching, update);
  const records: TableRowRecord[] = changed.map((row) => ({ table: update.table, id: row.id, row }));
  if (records.length > 0) await db.tableRows.bulkPut(records);
  return { updated: changed.length, created, rows: changed };
}

/** Rows of `table` matching `where`, in id order. A string `where.id` is one keyed get, not a scan. */
async function matchingRows(
  db: TabflowDb,
  table: string,
  where: Record<string, unknown>,
  limit?: number,
): Promise<TableRow[]> {
  if (typeof where.id === 'string') {
    const record = await db.tableRows.get([table, where.id]);
    return record && rowMatches(record.row, where) ? [record.row].slice(0, limit) : [];
  }
  let rows = db.tableRows
    .where('table')
    .equals(table)
    .filter((record) => rowMatches(record.row, where));
  if (limit !== undefined) rows = rows.limit(limit);
  return (await rows.toArray()).map((record) => record.row);
}
