import type { ParsedWorkflow } from '../schema/workflow';
import {
  eventRecordSchema,
  FINISHED_RUN_STATUSES,
  readableRuns,
  readRecord,
  runRecordSchema,
  type EventRecord,
  type RunRecord,
  type StepRecord,
  type ThreadMessageRecord,
  type UnreadableRecordError,
} from './records';
import { readStepRecord } from './recordCheck';
import {
  applyTableUpdate,
  FencedError,
  rowMatches,
  type CommitBatch,
  type CommitResult,
  type EngineStore,
  type StoredDefinition,
  type TableRow,
} from './store';

/** The data behind in-memory stores; several handles (engines) can share one, like tabs share IndexedDB. */
export class MemoryData {
  runs = new Map<string, RunRecord>();
  steps = new Map<string, StepRecord>();
  stepsByRun = new Map<string, Set<string>>();
  events = new Map<string, EventRecord>();
  definitions = new Map<string, StoredDefinition>();
  tables = new Map<string, Map<string, TableRow>>();
  messages = new Map<string, ThreadMessageRecord>();
  commits = 0;

  table(name: string): Map<string, TableRow> {
    let rows = this.tables.get(name);
    if (!rows) this.tables.set(name, (rows = new Map()));
    return rows;
  }
}

/** Called before each store operation; throwing from it simulates a crash at that await point. */
export type OperationHook = (operation: string, phase: 'before' | 'after-commit') => void;

/**
 * An EngineStore over MemoryData for tests and headless use. Values are cloned in and out, as
 * IndexedDB does, so a caller mutating an object after a commit cannot change stored state.
 */
export class MemoryStore implements EngineStore {
  private revoked = false;

  constructor(
    readonly data: MemoryData = new MemoryData(),
    private readonly hook?: OperationHook,
    /** Hears of each unfinished run whose record cannot be read (left out of `listUnfinishedRuns`). */
    private readonly onUnreadable: (error: UnreadableRecordError) => void = () => undefined,
  ) {}

  /** After this every call fails: what a crashed page's pending promises amount to. */
  revoke(): void {
    this.revoked = true;
  }

  private enter(operation: string): void {
    if (this.revoked) throw new Error('store handle revoked (crashed engine)');
    this.hook?.(operation, 'before');
  }

  async loadRun(runId: string): Promise<RunRecord | undefined> {
    this.enter('loadRun');
    const stored = this.data.runs.get(runId);
    // Checked as they are read, like IndexedDB's: a damaged record rejects, naming itself.
    return stored === undefined ? undefined : readRecord(runRecordSchema, clone(stored), runId);
  }

  async loadSteps(runId: string): Promise<StepRecord[]> {
    this.enter('loadSteps');
    const keys = this.data.stepsByRun.get(runId) ?? new Set();
    const stored = [...keys].map((k) => this.data.steps.get(k)!).sort((a, b) => a.seq - b.seq);
    return stored.map((step) => readStepRecord(clone(step), step.key));
  }

  async loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean): Promise<StepRecord[]> {
    this.enter('loadJournalTail');
    const keys = this.data.stepsByRun.get(runId) ?? new Set();
    const newestFirst = [...keys].map((k) => this.data.steps.get(k)!).sort((a, b) => b.seq - a.seq);
    const tail: StepRecord[] = [];
    for (const stored of newestFirst) {
      const step = readStepRecord(clone(stored), stored.key);
      tail.push(step);
      if (isAnchor(step)) break;
    }
    return tail.reverse();
  }

  async loadStepsByKey(keys: readonly string[]): Promise<StepRecord[]> {
    this.enter('loadStepsByKey');
    const stored = keys.flatMap((key) => this.data.steps.get(key) ?? []);
    return stored.map((step) => readStepRecord(clone(step), step.key));
  }

  async loadEvents(runId: string): Promise<EventRecord[]> {
    this.enter('loadEvents');
    const stored = [...this.data.events.values()].filter((e) => e.runId === runId).sort((a, b) => a.sentAt - b.sentAt);
    return stored.map((event) => readRecord(eventRecordSchema, clone(event), event.id));
  }

  async listUnfinishedRuns(): Promise<RunRecord[]> {
    this.enter('listUnfinishedRuns');
    return readableRuns(
      [...this.data.runs.values()].filter((r) => !FINISHED_RUN_STATUSES.has(r.status)).map(clone),
      this.onUnreadable,
    );
  }

  async loadDefinition(hash: string): Promise<StoredDefinition | undefined> {
    this.enter('loadDefinition');
    return clone(this.data.definitions.get(hash));
  }

  async saveDefinition(hash: string, definition: ParsedWorkflow): Promise<void> {
    this.enter('saveDefinition');
    if (!this.data.definitions.has(hash))
      this.data.definitions.set(hash, { definition: clone(definition), parsed: true });
  }

  async queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]> {
    this.enter('queryTable');
    return [...this.data.table(table).values()]
      .filter((row) => rowMatches(row, where))
      .slice(0, limit)
      .map(clone);
  }

  async loadThread(threadId: string): Promise<ThreadMessageRecord[]> {
    this.enter('loadThread');
    return [...this.data.messages.values()]
      .filter((m) => m.threadId === threadId)
      .sort((a, b) => a.seq - b.seq)
      .map(clone);
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    this.enter('commit');
    for (const fence of batch.fences) {
      const run = this.data.runs.get(fence.runId);
      if (run && run.generation !== fence.generation) throw new FencedError(fence.runId);
    }
    const result = this.apply(clone(batch));
    this.data.commits++;
    this.hook?.('commit', 'after-commit');
    return clone(result);
  }

  /** All or nothing: every check happened above, so nothing here can fail half-way. */
  private apply(batch: CommitBatch): CommitResult {
    const steps = new Map((batch.steps ?? []).map((s) => [s.key, s]));
    const result: CommitResult = { tableOutputs: {} };
    for (const update of batch.tableUpdates ?? []) {
      const rows = this.data.table(update.table);
      const { changed, created } = applyTableUpdate([...rows.values()], update);
      for (const row of changed) rows.set(row.id, row);
      const output = { updated: changed.length, created, rows: changed };
      result.tableOutputs[update.outputOf] = output;
      const target = steps.get(update.outputOf);
      if (target) target.output = clone(output);
    }
    for (const key of batch.deleteStepKeys ?? []) {
      const step = this.data.steps.get(key);
      if (!step) continue;
      this.data.steps.delete(key);
      this.data.stepsByRun.get(step.runId)?.delete(key);
    }
    for (const run of batch.runs ?? []) this.data.runs.set(run.id, run);
    for (const step of steps.values()) {
      this.data.steps.set(step.key, step);
      let keys = this.data.stepsByRun.get(step.runId);
      if (!keys) this.data.stepsByRun.set(step.runId, (keys = new Set()));
      keys.add(step.key);
    }
    for (const event of batch.events ?? []) this.data.events.set(event.id, event);
    for (const message of batch.messages ?? []) this.data.messages.set(message.id, message);
    return result;
  }
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
