import type { ParsedWorkflow, WorkflowFile } from '../schema/workflow';
import type { EventRecord, RunRecord, StepRecord, ThreadMessageRecord } from './records';

/** A row of a local table (customers, imported CSV/JSON…). Every row has a string `id`. */
export type TableRow = { id: string } & Record<string, unknown>;

/** An update applied inside the commit's transaction, so it happens exactly once with the step's completion. */
export interface TableUpdate {
  table: string;
  where: Record<string, unknown>;
  set: Record<string, unknown>;
  upsert: boolean;
  /** The step record (in the same batch) whose output becomes `{ updated, created, rows }`. */
  outputOf: string;
}

export interface CommitBatch {
  /** Every run's generation must still equal this, or the whole batch is refused with FencedError. */
  fences: ReadonlyArray<{ runId: string; generation: number }>;
  runs?: RunRecord[];
  steps?: StepRecord[];
  deleteStepKeys?: string[];
  events?: EventRecord[];
  tableUpdates?: TableUpdate[];
  messages?: ThreadMessageRecord[];
}

/**
 * A run's definition as stored. `parsed`: saved after parsing (defaults filled in), so a resume
 * compiles exactly what the run started with, without parsing again. Older records hold the file as given.
 */
export interface StoredDefinition {
  definition: WorkflowFile;
  parsed: boolean;
}

/** The engine's only way to persist. One `commit` is one atomic transaction. */
export interface EngineStore {
  loadRun(runId: string): Promise<RunRecord | undefined>;
  loadSteps(runId: string): Promise<StepRecord[]>;
  /**
   * The journal's newest records back to the newest one `isAnchor` accepts, in recording order (that one
   * first); the whole journal when none does. Optional: without it (and `loadStepsByKey`) a resume reads it all.
   */
  loadJournalTail?(runId: string, isAnchor: (record: StepRecord) => boolean): Promise<StepRecord[]>;
  /** The records stored under `keys`; missing ones are left out. */
  loadStepsByKey?(keys: readonly string[]): Promise<StepRecord[]>;
  loadEvents(runId: string): Promise<EventRecord[]>;
  listUnfinishedRuns(): Promise<RunRecord[]>;
  loadDefinition(hash: string): Promise<StoredDefinition | undefined>;
  /** Saves a parsed definition under the hash of the file it came from; the first one saved under a hash stays. */
  saveDefinition(hash: string, definition: ParsedWorkflow): Promise<void>;
  queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]>;
  /** A thread's messages in order. */
  loadThread(threadId: string): Promise<ThreadMessageRecord[]>;
  commit(batch: CommitBatch): Promise<CommitResult>;
}

/** What a commit computed inside its transaction: the outputs of table updates, by step key. */
export interface CommitResult {
  tableOutputs: Record<string, TableUpdateOutput>;
}

export interface TableUpdateOutput {
  updated: number;
  created: boolean;
  rows: TableRow[];
}

/** A writer whose generation is stale: a newer writer owns the run now. It must stop, not retry. */
export class FencedError extends Error {
  override name = 'FencedError';
  constructor(readonly runId: string) {
    super(`run ${runId} is now driven by a newer writer`);
  }
}

/** Browser storage is full. The run pauses with this message; nothing already written is touched. */
export class QuotaError extends Error {
  override name = 'QuotaError';
}

/** Equality match of a row against `where` (strict, on own fields). */
export function rowMatches(row: TableRow, where: Record<string, unknown>): boolean {
  return Object.entries(where).every(([field, value]) => Object.hasOwn(row, field) && row[field] === value);
}

/** Applies a table update to the matching rows; pure, shared by every store implementation. */
export function applyTableUpdate(rows: TableRow[], update: TableUpdate): { changed: TableRow[]; created: boolean } {
  const matching = rows.filter((row) => rowMatches(row, update.where));
  if (matching.length > 0) {
    return { changed: matching.map((row) => ({ ...row, ...update.set, id: row.id })), created: false };
  }
  if (!update.upsert) return { changed: [], created: false };
  // Derived from the step key: a replayed upsert can only ever create the same row.
  const id = typeof update.where.id === 'string' ? update.where.id : `row:${update.outputOf}`;
  return { changed: [{ ...update.where, ...update.set, id }], created: true };
}
