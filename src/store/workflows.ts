import type { TabflowDb, VersionOrigin, WorkflowRecord } from './db';
import { definitionHashSync } from '../schema/hash';
import type { WorkflowFile } from '../schema/workflow';
import { recordVersion, sameDoc } from './versions';

/** The workflow library: every write goes through here so `name` always mirrors the document. */

export function newId(): string {
  return crypto.randomUUID();
}

/** Live list of workflows not deleted, most recently changed first (use inside `liveQuery`). */
export async function listWorkflows(db: TabflowDb): Promise<WorkflowRecord[]> {
  const all = await db.workflows.orderBy('updatedAt').reverse().toArray();
  return all.filter((w) => w.deletedAt === undefined);
}

export async function getWorkflow(db: TabflowDb, id: string): Promise<WorkflowRecord | undefined> {
  return db.workflows.get(id);
}

/** The saved workflow a subworkflow step names (the most recently changed one of that name). */
export async function findWorkflowByName(db: TabflowDb, name: string): Promise<WorkflowRecord | undefined> {
  const matches = await db.workflows.where('name').equals(name).toArray();
  return matches.filter((w) => w.deletedAt === undefined).sort((a, b) => b.updatedAt - a.updatedAt)[0];
}

/** Adds a workflow with its first version (origin `import`: a template, a file, a duplicate). */
export async function createWorkflow(
  db: TabflowDb,
  doc: WorkflowFile,
  options: { templateId?: string; now?: number } = {},
): Promise<WorkflowRecord> {
  const now = options.now ?? Date.now();
  const record: WorkflowRecord = {
    id: newId(),
    name: doc.workflowConfig.name,
    doc,
    createdAt: now,
    updatedAt: now,
    revision: 1,
  };
  if (options.templateId) record.templateId = options.templateId;
  // Joins the caller's transaction when it spans both tables (an import of a bundle does).
  await db.transaction('rw', db.workflows, db.versions, async () => {
    await db.workflows.add(record);
    await recordVersion(db, record.id, { doc, origin: 'import', now });
  });
  return record;
}

/**
 * Replaces the document of a workflow created in the same transaction (an import renaming the
 * subworkflows its bundle brought), first version included: it never was anything else.
 */
export async function reviseNewWorkflow(db: TabflowDb, id: string, doc: WorkflowFile): Promise<void> {
  await db.transaction('rw', db.workflows, db.versions, async () => {
    await db.workflows.update(id, { doc, name: doc.workflowConfig.name });
    await db.versions.where({ workflowId: id, seq: 1 }).modify({ doc, definitionHash: definitionHashSync(doc) });
  });
}

/** A save either landed (at `revision`) or found that another tab wrote since the revision it was based on. */
export type SaveResult = { kind: 'saved'; revision: number } | { kind: 'conflict'; current: WorkflowRecord };

export interface SaveOptions {
  /** The revision the editor's text was based on; without it the save never conflicts. */
  baseRevision?: number;
  /** The editor saving: its edits within one burst extend one version. */
  session?: string;
  origin?: VersionOrigin;
  restoredFrom?: number;
  now?: number;
}

export const revisionOf = (record: WorkflowRecord): number => record.revision ?? 0;

/** Inside a transaction: compare-and-set the document, then record the version. */
async function writeDoc(
  db: TabflowDb,
  record: WorkflowRecord,
  doc: WorkflowFile,
  options: SaveOptions,
): Promise<SaveResult> {
  const unchangedDoc = sameDoc(record.doc, doc);
  // Saving what is already there is no conflict, whoever wrote it.
  if (unchangedDoc && record.draftText === undefined) return { kind: 'saved', revision: revisionOf(record) };
  if (options.baseRevision !== undefined && options.baseRevision !== revisionOf(record)) {
    return { kind: 'conflict', current: record };
  }
  const now = options.now ?? Date.now();
  const revision = revisionOf(record) + 1;
  await db.workflows.update(record.id, {
    doc,
    name: doc.workflowConfig.name,
    draftText: undefined,
    updatedAt: now,
    revision,
  });
  if (!unchangedDoc) {
    const { session, restoredFrom, origin = 'edit' } = options;
    await recordVersion(db, record.id, { doc, origin, now, session, restoredFrom });
  }
  return { kind: 'saved', revision };
}

async function inSaveTransaction<T>(
  db: TabflowDb,
  id: string,
  write: (record: WorkflowRecord) => Promise<T>,
): Promise<T> {
  return db.transaction('rw', [db.workflows, db.versions, db.definitions], async () => {
    const record = await db.workflows.get(id);
    if (!record) throw new Error('That workflow no longer exists.');
    return write(record);
  });
}

/** Saves a valid document (a version, coalesced per editing burst); clears any draft text it replaces. */
export async function saveWorkflowDoc(
  db: TabflowDb,
  id: string,
  doc: WorkflowFile,
  options: SaveOptions = {},
): Promise<SaveResult> {
  return inSaveTransaction(db, id, (record) => writeDoc(db, record, doc, options));
}

/** Keeps editor text that does not parse yet, without touching the last valid document or its versions. */
export async function saveDraftText(
  db: TabflowDb,
  id: string,
  draftText: string,
  options: Pick<SaveOptions, 'baseRevision' | 'now'> = {},
): Promise<SaveResult> {
  return db.transaction('rw', db.workflows, async () => {
    const record = await db.workflows.get(id);
    if (!record) throw new Error('That workflow no longer exists.');
    if (record.draftText === draftText) return { kind: 'saved', revision: revisionOf(record) };
    if (options.baseRevision !== undefined && options.baseRevision !== revisionOf(record)) {
      return { kind: 'conflict', current: record };
    }
    const revision = revisionOf(record) + 1;
    await db.workflows.update(id, { draftText, updatedAt: options.now ?? Date.now(), revision });
    return { kind: 'saved', revision };
  });
}

export async function renameWorkflow(db: TabflowDb, id: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('A workflow needs a name.');
  await inSaveTransaction(db, id, async (record) => {
    const doc = { ...record.doc, workflowConfig: { ...record.doc.workflowConfig, name: trimmed } };
    await writeDoc(db, record, doc, {});
  });
}

/** Brings back an older version's document as the newest version (origin `restore`). */
export async function restoreVersion(db: TabflowDb, versionId: string): Promise<SaveResult> {
  const version = await db.versions.get(versionId);
  if (!version) throw new Error('That version no longer exists.');
  return inSaveTransaction(db, version.workflowId, (record) =>
    writeDoc(db, record, structuredClone(version.doc), { origin: 'restore', restoredFrom: version.seq }),
  );
}

/**
 * A name no workflow uses: "X", then "X (2)", "X (3)", … Deleted ones count too, so undoing a
 * delete can never bring back a second workflow of the same name.
 */
export async function uniqueName(db: TabflowDb, wanted: string): Promise<string> {
  const live = new Set((await db.workflows.toArray()).map((w) => w.name));
  if (!live.has(wanted)) return wanted;
  const base = wanted.replace(/ \(\d+\)$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!live.has(candidate)) return candidate;
  }
}

export async function duplicateWorkflow(db: TabflowDb, id: string): Promise<WorkflowRecord> {
  const record = await db.workflows.get(id);
  if (!record) throw new Error('That workflow no longer exists.');
  const name = await uniqueName(db, `${record.name} copy`);
  const doc = structuredClone(record.doc);
  doc.workflowConfig.name = name;
  return createWorkflow(db, doc);
}

/** Hides the workflow; `restoreWorkflow` undoes it. */
export async function deleteWorkflow(db: TabflowDb, id: string): Promise<void> {
  await db.workflows.update(id, { deletedAt: Date.now() });
}

export async function restoreWorkflow(db: TabflowDb, id: string): Promise<void> {
  await db.workflows.update(id, { deletedAt: undefined, updatedAt: Date.now() });
}
