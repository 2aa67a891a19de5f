import { FINISHED_RUN_STATUSES, type RunStatus } from '../engine/records';
import type { TabflowDb } from './db';
import { forEachChunk } from './tableChunks';

/** What takes the space: every table's records and their approximate size, and the largest runs. */

export type UsageGroup = 'workflows' | 'runs' | 'tables' | 'other';

/** Which group each table's space is shown under; a table not named here shows under "other". */
const GROUP_OF: Record<string, UsageGroup> = {
  workflows: 'workflows',
  versions: 'workflows',
  runs: 'runs',
  steps: 'runs',
  events: 'runs',
  threads: 'runs',
  messages: 'runs',
  definitions: 'runs',
  tableRows: 'tables',
};

export interface TableUsage {
  table: string;
  group: UsageGroup;
  records: number;
  /** About this many bytes: the records' JSON size, not what the browser stores on disk. */
  bytes: number;
}

/** A top-level run with its journal, and its subworkflow runs, in bytes (about). */
export interface RunUsage {
  runId: string;
  workflowId?: string;
  workflowName: string;
  status: RunStatus;
  createdAt: number;
  finished: boolean;
  bytes: number;
}

export interface StorageUsage {
  tables: TableUsage[];
  groups: Record<UsageGroup, number>;
  /** The largest runs first. */
  runs: RunUsage[];
}

/** How many of the largest runs are listed. */
export const LARGEST_RUNS = 8;

/** A record's size as JSON text, about its size in bytes (a value JSON cannot hold, a key object, counts as small). */
export function approximateBytes(record: unknown): number {
  try {
    return JSON.stringify(record)?.length ?? 0;
  } catch {
    return 0;
  }
}

interface RunNode {
  usage: RunUsage;
  parentRunId?: string;
}

/**
 * Walks every table a chunk at a time (never holding the page, however large the database) and sums each
 * record's JSON size. A run's journal records (`runId`) count towards their run, a subworkflow run's towards
 * its top-level run.
 */
export async function measureStorage(db: TabflowDb, signal?: AbortSignal): Promise<StorageUsage> {
  const tables: TableUsage[] = [];
  const runBytes = new Map<string, number>();
  const runs = new Map<string, RunNode>();
  for (const table of db.tables) {
    const usage: TableUsage = { table: table.name, group: GROUP_OF[table.name] ?? 'other', records: 0, bytes: 0 };
    await forEachChunk(
      table,
      (records) => {
        for (const record of records as Array<Record<string, unknown>>) {
          const bytes = approximateBytes(record);
          usage.records++;
          usage.bytes += bytes;
          if (table.name === 'runs') runs.set(String(record.id), runNode(record, bytes));
          else if (usage.group === 'runs' && typeof record.runId === 'string')
            runBytes.set(record.runId, (runBytes.get(record.runId) ?? 0) + bytes);
        }
      },
      signal,
    );
    tables.push(usage);
  }
  const groups: Record<UsageGroup, number> = { workflows: 0, runs: 0, tables: 0, other: 0 };
  for (const usage of tables) groups[usage.group] += usage.bytes;
  return { tables, groups, runs: largestRuns(runs, runBytes) };
}

function runNode(record: Record<string, unknown>, bytes: number): RunNode {
  const status = record.status as RunStatus;
  const usage: RunUsage = {
    runId: String(record.id),
    workflowName: String(record.workflowName),
    status,
    createdAt: Number(record.createdAt),
    finished: FINISHED_RUN_STATUSES.has(status),
    bytes,
  };
  if (typeof record.workflowId === 'string') usage.workflowId = record.workflowId;
  return typeof record.parentRunId === 'string' ? { usage, parentRunId: record.parentRunId } : { usage };
}

function largestRuns(runs: Map<string, RunNode>, journalBytes: Map<string, number>): RunUsage[] {
  const tops = new Map<string, RunUsage>();
  for (const [id, node] of runs) {
    // The top-level run this one belongs to (a cycle in damaged data stops the walk).
    let top = node;
    for (let hops = 0; top.parentRunId !== undefined && runs.has(top.parentRunId) && hops < runs.size; hops++)
      top = runs.get(top.parentRunId)!;
    const total = tops.get(top.usage.runId) ?? { ...top.usage, bytes: 0 };
    total.bytes += node.usage.bytes + (journalBytes.get(id) ?? 0);
    tops.set(top.usage.runId, total);
  }
  return [...tops.values()].sort((a, b) => b.bytes - a.bytes).slice(0, LARGEST_RUNS);
}
