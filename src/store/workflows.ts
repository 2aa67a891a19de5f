import type { TabflowDb, WorkflowRecord } from './db';
import type { WorkflowFile } from '../schema/workflow';

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
  };
  if (options.templateId) record.templateId = options.templateId;
  await db.workflows.add(record);
  return record;
}

/** Saves a valid document; clears any draft text it replaces. */
export async function saveWorkflowDoc(db: TabflowDb, id: string, doc: WorkflowFile): Promise<void> {
  await db.workflows.update(id, {
    doc,
    name: doc.workflowConfig.name,
    draftText: undefined,
    updatedAt: Date.now(),
  });
}

/** Keeps editor text that does not parse yet, without touching the last valid document. */
export async function saveDraftText(db: TabflowDb, id: string, draftText: string): Promise<void> {
  await db.workflows.update(id, { draftText, updatedAt: Date.now() });
}

export async function renameWorkflow(db: TabflowDb, id: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('A workflow needs a name.');
  await db.transaction('rw', db.workflows, async () => {
    const record = await db.workflows.get(id);
    if (!record) throw new Error('That workflow no longer exists.');
    const doc = { ...record.doc, workflowConfig: { ...record.doc.workflowConfig, name: trimmed } };
    await db.workflows.update(id, { doc, name: trimmed, updatedAt: Date.now() });
  });
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
