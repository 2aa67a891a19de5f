import { FINISHED_RUN_STATUSES, type RunRecord } from '../engine/records';
import type { TabflowDb } from './db';
import { deleteFinishedRun } from './runs';
import { settingValue, type SettingValue } from './settings';
import { forEachChunk } from './tableChunks';

/** Retention: which finished runs are deleted automatically (off by default). */

export type RetentionPolicy = SettingValue<'retention'>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What retention needs of a run: no input, output or error, which may be large. */
export type RunSummary = Pick<RunRecord, 'id' | 'status' | 'createdAt' | 'workflowId' | 'workflowName' | 'parentRunId'>;

export function retentionIsOn(policy: RetentionPolicy): boolean {
  return policy.keepLastRuns !== undefined || policy.keepDays !== undefined;
}

/**
 * The top-level runs the policy lets go: finished, not among the newest `keepLastRuns` of their workflow
 * (every run counts towards the newest, finished or not), and not younger than `keepDays`. A run either
 * rule keeps is kept. Subworkflow runs go with their parent, never on their own.
 */
export function expiredRuns(runs: readonly RunSummary[], policy: RetentionPolicy, now: number): string[] {
  if (!retentionIsOn(policy)) return [];
  const byWorkflow = new Map<string, RunSummary[]>();
  for (const run of runs) {
    if (run.parentRunId !== undefined) continue;
    const group = run.workflowId ?? `name:${run.workflowName}`;
    byWorkflow.set(group, [...(byWorkflow.get(group) ?? []), run]);
  }
  const expired: string[] = [];
  for (const group of byWorkflow.values()) {
    group.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    group.forEach((run, rank) => {
      if (!FINISHED_RUN_STATUSES.has(run.status)) return;
      const keptByCount = policy.keepLastRuns !== undefined && rank < policy.keepLastRuns;
      const keptByAge = policy.keepDays !== undefined && now - run.createdAt < policy.keepDays * DAY_MS;
      if (!keptByCount && !keptByAge) expired.push(run.id);
    });
  }
  return expired;
}

/** Every run's summary, read a chunk at a time. */
export async function runSummaries(db: TabflowDb): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  await forEachChunk(db.runs, (runs) => {
    for (const run of runs) {
      const summary: RunSummary = {
        id: run.id,
        status: run.status,
        createdAt: run.createdAt,
        workflowName: run.workflowName,
      };
      if (run.workflowId !== undefined) summary.workflowId = run.workflowId;
      if (run.parentRunId !== undefined) summary.parentRunId = run.parentRunId;
      summaries.push(summary);
    }
  });
  return summaries;
}

export interface RetentionResult {
  deletedRuns: number;
  /** Runs the policy let go that could not be deleted (a subworkflow run still going, say). */
  kept: number;
}

/**
 * Deletes the runs the stored policy lets go, each in its own transaction with its journal
 * (`deleteFinishedRun`, which refuses anything unfinished). Does nothing while retention is off.
 */
export async function applyRetention(db: TabflowDb, now: number, policy?: RetentionPolicy): Promise<RetentionResult> {
  const rules = policy ?? (await settingValue(db, 'retention'));
  const result: RetentionResult = { deletedRuns: 0, kept: 0 };
  if (!retentionIsOn(rules)) return result;
  for (const id of expiredRuns(await runSummaries(db), rules, now)) {
    try {
      result.deletedRuns += (await deleteFinishedRun(db, id)).runs;
    } catch {
      result.kept++; // changed since it was listed, or a child still runs: kept, tried again next time
    }
  }
  return result;
}
