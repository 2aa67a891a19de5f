import Dexie from 'dexie';
import { FINISHED_RUN_STATUSES, RUN_STATUSES, type RunRecord } from '../engine/records';
import type { TabflowDb, VersionOrigin, VersionRecord } from './db';
import { definitionHashSync } from '../schema/hash';
import { stableStringify } from '../schema/hash';
import { diffWorkflows, summarizeDiff } from '../schema/workflowDiff';
import type { WorkflowFile } from '../schema/workflow';

/**
 * Workflow versions. Every saved change of a document is a version, coalesced: the edits of one
 * editing burst (same editor, less than `BURST_GAP_MS` apart) extend the newest version instead of
 * adding one. Versions are written by `src/store/workflows.ts`, in the same transaction as the workflow.
 */

/** Edits further apart than this start a new version. */
export const BURST_GAP_MS = 60_000;
/** A burst never holds more than this much editing time: a long session still leaves a trail. */
export const BURST_MAX_MS = 10 * 60_000;

export interface VersionWrite {
  doc: WorkflowFile;
  origin: VersionOrigin;
  now: number;
  session?: string;
  restoredFrom?: number;
}

export function sameDoc(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

/** Every version of a workflow, newest first (use inside `liveQuery`). */
export async function listVersions(db: TabflowDb, workflowId: string): Promise<VersionRecord[]> {
  return db.versions
    .where('[workflowId+seq]')
    .between([workflowId, Dexie.minKey], [workflowId, Dexie.maxKey])
    .reverse()
    .toArray();
}

/** The workflow's current version: the one its document is (use inside `liveQuery`). */
export async function newestVersion(db: TabflowDb, workflowId: string): Promise<VersionRecord | undefined> {
  return db.versions.where('[workflowId+seq]').between([workflowId, Dexie.minKey], [workflowId, Dexie.maxKey]).last();
}

function stepCount(doc: WorkflowFile): number {
  return Array.isArray(doc.stepsConfig) ? doc.stepsConfig.length : 0;
}

function summaryOf(previous: VersionRecord | undefined, write: VersionWrite): string {
  if (!previous) return `created with ${stepCount(write.doc)} step${stepCount(write.doc) === 1 ? '' : 's'}`;
  const changes = summarizeDiff(diffWorkflows(previous.doc, write.doc));
  if (write.origin === 'restore') return `restored version ${write.restoredFrom ?? '?'}: ${changes}`;
  if (write.origin === 'conflict-copy') return `kept over another tab's edit: ${changes}`;
  return changes;
}

/**
 * May this write extend `newest`? Only a plain edit by the same editor within one burst, never a
 * named version, a restore, an import, or a definition a run started with (the run links to it).
 */
async function extendsBurst(db: TabflowDb, newest: VersionRecord, write: VersionWrite): Promise<boolean> {
  if (write.origin !== 'edit' || newest.origin !== 'edit' || newest.name !== undefined) return false;
  if (write.session === undefined || newest.session !== write.session) return false;
  if (write.now - newest.updatedAt >= BURST_GAP_MS || write.now - newest.createdAt >= BURST_MAX_MS) return false;
  return (await db.definitions.get(newest.definitionHash)) === undefined;
}

/**
 * Records `write.doc` as the workflow's newest version. Call inside a readwrite transaction over
 * `workflows`, `versions` and `definitions` (a first version needs only the first two).
 */
export async function recordVersion(db: TabflowDb, workflowId: string, write: VersionWrite): Promise<VersionRecord> {
  const newest = await newestVersion(db, workflowId);
  const definitionHash = definitionHashSync(write.doc);
  if (newest && (await extendsBurst(db, newest, write))) {
    const before = newest.seq > 1 ? await db.versions.get({ workflowId, seq: newest.seq - 1 }) : undefined;
    const extended: VersionRecord = {
      ...newest,
      doc: write.doc,
      definitionHash,
      summary: summaryOf(before, write),
      updatedAt: write.now,
    };
    await db.versions.put(extended);
    return extended;
  }
  const version: VersionRecord = {
    id: crypto.randomUUID(),
    workflowId,
    seq: (newest?.seq ?? 0) + 1,
    createdAt: write.now,
    updatedAt: write.now,
    doc: write.doc,
    definitionHash,
    summary: summaryOf(newest, write),
    origin: write.origin,
  };
  if (write.session !== undefined) version.session = write.session;
  if (write.restoredFrom !== undefined) version.restoredFrom = write.restoredFrom;
  await db.versions.add(version);
  return version;
}

/** Names a version (an empty name removes it). A named version is never extended by later edits. */
export async function nameVersion(db: TabflowDb, versionId: string, name: string): Promise<void> {
  const trimmed = name.trim().slice(0, 200);
  await db.transaction('rw', db.versions, async () => {
    const version = await db.versions.get(versionId);
    if (!version) throw new Error('That version no longer exists.');
    await db.versions.update(versionId, { name: trimmed || undefined, updatedAt: Date.now() });
  });
}

/**
 * The version a run ran: the workflow's version with the run's definition hash (the newest made
 * before the run started, as a restore can bring back the same definition later).
 */
export async function versionOfRun(
  db: TabflowDb,
  run: { workflowId?: string; workflowHash: string; createdAt: number },
): Promise<VersionRecord | undefined> {
  const matches = await db.versions.where('definitionHash').equals(run.workflowHash).toArray();
  const own = matches
    .filter((v) => run.workflowId === undefined || v.workflowId === run.workflowId)
    .sort((a, b) => b.seq - a.seq);
  return own.find((v) => v.createdAt <= run.createdAt) ?? own[own.length - 1];
}

/** A run not finished yet, with the version it runs (undefined: a definition from before version history). */
export interface RunOnVersion {
  runId: string;
  status: RunRecord['status'];
  version: VersionRecord | undefined;
}

const UNFINISHED = RUN_STATUSES.filter((status) => !FINISHED_RUN_STATUSES.has(status));

/** The workflow's unfinished runs and the version each runs (use inside `liveQuery`). */
export async function unfinishedRunVersions(db: TabflowDb, workflowId: string): Promise<RunOnVersion[]> {
  const runs = await db.runs
    .where('status')
    .anyOf([...UNFINISHED])
    .filter((run) => run.workflowId === workflowId)
    .toArray();
  return Promise.all(
    runs.map(async (run) => ({ runId: run.id, status: run.status, version: await versionOfRun(db, run) })),
  );
}
