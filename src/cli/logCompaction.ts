import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MemoryData } from '../engine/memoryStore';
import type { EventRecord, StepRecord, ThreadMessageRecord } from '../engine/records';
import type { LogEntry } from './fileStore';

/**
 * The file store's log, compacted: every accepted change stays a line of `journal.jsonl` until the log passes
 * `COMPACT_AFTER_LINES`; the next open then rewrites it as the snapshot of what it holds — a line per definition,
 * per table, per run (the run with its steps, messages and events) — into a temporary file, fsynced, renamed over
 * the log, the directory fsynced. A kill at any point leaves a whole log: the old one until the rename, the
 * snapshot after it (an unfinished temporary file is dropped at the next open).
 */

export const COMPACT_AFTER_LINES = 5_000;

/** The points of a compaction a test can stop it at, as a kill would. */
export type CompactionPoint = 'half-written' | 'written' | 'synced' | 'renamed';

export interface CompactionOptions {
  /** Compact a log of more lines than this when the store is opened (default `COMPACT_AFTER_LINES`). */
  compactAfterLines?: number;
  /** Called at each point; a test throws from it to stop the compaction there. */
  onPoint?(point: CompactionPoint): void;
}

const temporaryOf = (path: string) => `${path}.compacting`;

/** A compaction a kill cut off before its rename left its temporary file: the log itself is whole. */
export function dropUnfinishedCompaction(path: string): void {
  rmSync(temporaryOf(path), { force: true });
}

/** Rewrites the log at `path` as the snapshot of `data` if that is shorter than its `lines`; whether it did. */
export function compactLog(path: string, data: MemoryData, lines: number, options: CompactionOptions = {}): boolean {
  const snapshot = snapshotEntries(data).map((entry) => `${JSON.stringify(entry)}\n`);
  if (snapshot.length >= lines) return false;
  const temporary = temporaryOf(path);
  const fd = openSync(temporary, 'w');
  try {
    const half = Math.floor(snapshot.length / 2);
    snapshot.forEach((line, i) => {
      if (i === half) options.onPoint?.('half-written');
      writeSync(fd, line);
    });
    options.onPoint?.('written');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  options.onPoint?.('synced');
  renameSync(temporary, path);
  options.onPoint?.('renamed');
  syncDirectory(dirname(path));
  return true;
}

/** The rename is durable once the directory's entry is on disk. */
function syncDirectory(dir: string): void {
  if (!existsSync(dir)) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What the store holds, as the fewest lines that replay to it (fences held when each change was accepted). */
function snapshotEntries(data: MemoryData): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const [hash, { definition, parsed }] of data.definitions)
    entries.push({ kind: 'definition', hash, definition, parsed });
  for (const [table, rows] of data.tables) entries.push({ kind: 'table', table, rows: [...rows.values()] });
  const byRun = <T extends { runId: string }>(records: Iterable<T>) => {
    const grouped = new Map<string, T[]>();
    for (const record of records) grouped.set(record.runId, [...(grouped.get(record.runId) ?? []), record]);
    return grouped;
  };
  const steps = byRun<StepRecord>(data.steps.values());
  const messages = byRun<ThreadMessageRecord>(data.messages.values());
  const events = byRun<EventRecord>(data.events.values());
  for (const run of data.runs.values()) {
    const batch = {
      fences: [],
      runs: [run],
      steps: (steps.get(run.id) ?? []).sort((a, b) => a.seq - b.seq),
      messages: messages.get(run.id) ?? [],
      events: events.get(run.id) ?? [],
    };
    entries.push({ kind: 'commit', batch });
  }
  // Records of no stored run (none are written so, but a log may hold them): kept as they are.
  const orphans = (grouped: Map<string, unknown[]>) =>
    [...grouped].filter(([id]) => !data.runs.has(id)).flatMap(([, r]) => r);
  const rest = {
    steps: orphans(steps) as StepRecord[],
    messages: orphans(messages) as ThreadMessageRecord[],
    events: orphans(events) as EventRecord[],
  };
  if (rest.steps.length + rest.messages.length + rest.events.length > 0)
    entries.push({ kind: 'commit', batch: { fences: [], ...rest } });
  return entries;
}
