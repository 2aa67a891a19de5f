import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, ftruncateSync, writeSync } from 'node:fs';
import { compactLog, COMPACT_AFTER_LINES, dropUnfinishedCompaction, type CompactionOptions } from './logCompaction';
import { join } from 'node:path';
import { MemoryData, MemoryStore } from '../engine/memoryStore';
import type { EventRecord, RunRecord, StepRecord, ThreadMessageRecord } from '../engine/records';
import {
  FencedError,
  type CommitBatch,
  type CommitResult,
  type EngineStore,
  type StoredDefinition,
  type TableRow,
} from '../engine/store';
import type { ParsedWorkflow, WorkflowFile } from '../schema/workflow';
import { StoreLock } from './storeLock';

/** One line of the store's log: every change the store ever accepted, in order. */
export type LogEntry =
  | { kind: 'commit'; batch: CommitBatch }
  | { kind: 'definition'; hash: string; definition: WorkflowFile; parsed: boolean }
  | { kind: 'table'; table: string; rows: TableRow[] };

export const LOG_FILE = 'journal.jsonl';

/** The store directory cannot be read back: a damaged line, named by number. */
export class StoreFileError extends Error {
  override name = 'StoreFileError';
}

/**
 * An EngineStore in a directory, for headless runs that survive Ctrl-C or a kill: every accepted change is one
 * JSON line appended to `journal.jsonl` and flushed to disk (fsync) before the commit resolves; opening the
 * directory replays the lines into memory. A line cut off by a kill was never acknowledged, so it is dropped.
 * One process at a time (a lock file holds the directory).
 */
export class FileStore implements EngineStore {
  private readonly memory: MemoryStore;
  private fd: number | undefined;

  private constructor(
    readonly dir: string,
    readonly data: MemoryData,
    fd: number,
    private readonly lock: StoreLock,
    /** The log held no line before this open: a new store. */
    readonly created: boolean,
  ) {
    this.memory = new MemoryStore(data);
    this.fd = fd;
  }

  /**
   * Opens (or creates) the store in `dir`; refuses a directory another live process holds. A log of more than
   * `compactAfterLines` lines is first rewritten as the snapshot of what it holds (`logCompaction.ts`).
   */
  static open(dir: string, options: CompactionOptions = {}): FileStore {
    mkdirSync(dir, { recursive: true });
    const lock = StoreLock.take(dir);
    try {
      const path = join(dir, LOG_FILE);
      dropUnfinishedCompaction(path);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const { entries, intactBytes } = parseLog(text, path);
      const data = new MemoryData();
      const replay = new MemoryStore(data);
      for (const entry of entries) applyEntry(replay, data, entry);
      const compacted =
        entries.length > (options.compactAfterLines ?? COMPACT_AFTER_LINES) &&
        compactLog(path, data, entries.length, options);
      const fd = openSync(path, 'a+');
      // A torn last line (the process died while writing it) goes, so the next line starts clean (a compacted log
      // was written whole, without it).
      if (!compacted && Buffer.byteLength(text) !== intactBytes) ftruncateSync(fd, intactBytes);
      return new FileStore(dir, data, fd, lock, entries.length === 0);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Flushes nothing (every write is already on disk) and lets another process open the directory. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.lock.release();
  }

  private append(entry: LogEntry): void {
    if (this.fd === undefined) throw new Error(`the store ${this.dir} is closed`);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
  }

  /** Adds rows to a table (the demo customers of a new store, say), recorded like any change. */
  seedTable(table: string, rows: readonly TableRow[]): void {
    const entry: LogEntry = { kind: 'table', table, rows: structuredClone([...rows]) };
    this.append(entry);
    applyEntry(this.memory, this.data, entry);
  }

  /** Stores a definition as given (a run bundle's, not parsed here); the first one under a hash stays. */
  importDefinition(hash: string, definition: WorkflowFile, parsed: boolean): void {
    if (this.data.definitions.has(hash)) return;
    const entry: LogEntry = { kind: 'definition', hash, definition, parsed };
    this.append(entry);
    applyEntry(this.memory, this.data, entry);
  }

  loadRun(runId: string): Promise<RunRecord | undefined> {
    return this.memory.loadRun(runId);
  }
  loadSteps(runId: string): Promise<StepRecord[]> {
    return this.memory.loadSteps(runId);
  }
  loadJournalTail(runId: string, isAnchor: (record: StepRecord) => boolean): Promise<StepRecord[]> {
    return this.memory.loadJournalTail(runId, isAnchor);
  }
  loadStepsByKey(keys: readonly string[]): Promise<StepRecord[]> {
    return this.memory.loadStepsByKey(keys);
  }
  loadEvents(runId: string): Promise<EventRecord[]> {
    return this.memory.loadEvents(runId);
  }
  listUnfinishedRuns(): Promise<RunRecord[]> {
    return this.memory.listUnfinishedRuns();
  }
  loadDefinition(hash: string): Promise<StoredDefinition | undefined> {
    return this.memory.loadDefinition(hash);
  }
  async saveDefinition(hash: string, definition: ParsedWorkflow): Promise<void> {
    if (this.data.definitions.has(hash)) return;
    this.append({ kind: 'definition', hash, definition, parsed: true });
    await this.memory.saveDefinition(hash, definition);
  }
  queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]> {
    return this.memory.queryTable(table, where, limit);
  }
  loadThread(threadId: string): Promise<ThreadMessageRecord[]> {
    return this.memory.loadThread(threadId);
  }

  /** Fenced first, then on disk, then in memory: a refused or failed write changes nothing anywhere. */
  async commit(batch: CommitBatch): Promise<CommitResult> {
    for (const fence of batch.fences) {
      const run = this.data.runs.get(fence.runId);
      if (run && run.generation !== fence.generation) throw new FencedError(fence.runId);
    }
    this.append({ kind: 'commit', batch });
    return this.memory.commit(batch);
  }
}

/** The log's entries, and how many bytes of it are whole lines (a torn last line is not counted). */
function parseLog(text: string, path: string): { entries: LogEntry[]; intactBytes: number } {
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  const entries = lines.map((line, i) => {
    const entry = readEntry(line);
    if (!entry)
      throw new StoreFileError(`${path}, line ${i + 1}: not a readable record (the file was changed or damaged)`);
    return entry;
  });
  return { entries, intactBytes: Buffer.byteLength(text) - Buffer.byteLength(torn) };
}

const ENTRY_FIELD: Record<LogEntry['kind'], string> = { commit: 'batch', definition: 'definition', table: 'rows' };

/** A line as this store wrote it, or undefined; the records inside are checked as they are read (records.ts). */
function readEntry(line: string): LogEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const { kind } = value as { kind?: unknown };
    if (kind !== 'commit' && kind !== 'definition' && kind !== 'table') return undefined;
    const field = (value as Record<string, unknown>)[ENTRY_FIELD[kind]];
    return typeof field === 'object' && field !== null ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** Replays one accepted change; fences held when it was written, so they are not checked again. */
function applyEntry(store: MemoryStore, data: MemoryData, entry: LogEntry): void {
  if (entry.kind === 'definition') {
    if (!data.definitions.has(entry.hash))
      data.definitions.set(entry.hash, { definition: entry.definition, parsed: entry.parsed });
  } else if (entry.kind === 'table') {
    for (const row of entry.rows) data.table(entry.table).set(row.id, row);
  } else {
    void store.commit({ ...entry.batch, fences: [] });
  }
}
