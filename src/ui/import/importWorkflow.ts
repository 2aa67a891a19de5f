import type { ImportDraft } from '../../schema/importer';
import type { WorkflowDefinition, WorkflowFile } from '../../schema/workflow';
import { collectScopes, isObject, objectField } from '../../schema/walk';
import type { TabflowDb, WorkflowRecord } from '../../store/db';
import { createWorkflow, listWorkflows, reviseNewWorkflow, saveDraftText, uniqueName } from '../../store/workflows';
import { keepImportedPins, splitPinnedOutputs } from '../../store/pins';

export interface ImportResult {
  workflow: WorkflowRecord;
  /** Bundled subworkflows added as library entries of their own. */
  added: WorkflowRecord[];
  /** Bundled subworkflows already in the library with the same definition. */
  reused: string[];
}

/**
 * Adds an imported file (already validated) to the library in one transaction: bundled workflows
 * become entries of their own (reusing identical ones), names are made unique, and subworkflow
 * steps are rewritten to the names actually stored.
 */
export async function importWorkflowFile(db: TabflowDb, file: WorkflowFile): Promise<ImportResult> {
  return db.transaction('rw', db.workflows, db.versions, async () => {
    const renames = new Map<string, string>();
    const added: WorkflowRecord[] = [];
    const reused: string[] = [];
    for (const bundle of file.bundledWorkflows ?? []) {
      const name = bundle.workflowConfig.name;
      if (await hasIdentical(db, bundle)) {
        reused.push(name);
        continue;
      }
      const stored = await uniqueName(db, name);
      if (stored !== name) renames.set(name, stored);
      added.push(await createWorkflow(db, withName(bundle, stored)));
    }
    for (const record of added) {
      const doc = renameSubworkflowSteps(record.doc, renames);
      if (doc !== record.doc) await reviseNewWorkflow(db, record.id, doc);
    }
    const { bundledWorkflows: _bundled, ...withPins } = file;
    const { doc: own, pins } = splitPinnedOutputs(withPins);
    const name = await uniqueName(db, file.workflowConfig.name);
    const workflow = await createWorkflow(db, renameSubworkflowSteps(withName(own, name), renames));
    await keepImportedPins(db, workflow.id, pins);
    return { workflow, added, reused };
  });
}

/**
 * Adds a file with errors as a draft: its text opens in the editor (the Problems panel says what is
 * wrong) and the saved document fails validation, so it cannot run until the text is fixed and saved.
 */
export async function importWorkflowDraft(db: TabflowDb, draft: ImportDraft): Promise<WorkflowRecord> {
  return db.transaction('rw', db.workflows, db.versions, async () => {
    const name = await uniqueName(db, draft.name);
    const created = await createWorkflow(db, withName(draft.doc, name));
    await saveDraftText(db, created.id, draft.text);
    return { ...created, draftText: draft.text };
  });
}

async function hasIdentical(db: TabflowDb, bundle: WorkflowDefinition): Promise<boolean> {
  const wanted = canonicalJson(definitionOf(bundle));
  const live = await listWorkflows(db);
  return live.some((w) => w.name === bundle.workflowConfig.name && canonicalJson(definitionOf(w.doc)) === wanted);
}

/** The part of a document that defines behaviour: file envelope fields aside. */
function definitionOf(doc: WorkflowFile | WorkflowDefinition): unknown {
  const { bundledWorkflows: _b, $schema: _s, formatVersion: _v, ...definition } = doc as WorkflowFile;
  return definition;
}

function withName<T extends WorkflowDefinition>(doc: T, name: string): T {
  const copy = structuredClone(doc);
  copy.workflowConfig.name = name;
  return copy;
}

/** A copy with `config.workflow` of subworkflow steps renamed; the same object when nothing changes. */
export function renameSubworkflowSteps<T extends WorkflowDefinition>(doc: T, renames: ReadonlyMap<string, string>): T {
  const changed = (d: T) =>
    collectScopes(d.stepsConfig, ['stepsConfig'])
      .flatMap((s) => s.sites)
      .filter((site) => site.stepType === 'subworkflow')
      .map((site) => objectField(site.raw, 'config'))
      .filter((config) => config && typeof config.workflow === 'string' && renames.has(config.workflow));
  if (changed(doc).length === 0) return doc;
  const copy = structuredClone(doc);
  for (const config of changed(copy)) config!.workflow = renames.get(config!.workflow as string);
  return copy;
}

/** JSON with object keys sorted, so key order never makes two equal definitions differ. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
