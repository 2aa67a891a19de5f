import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord, type ThreadMessageRecord } from '../engine/records';
import { definitionHashSync } from '../schema/hash';
import { BundleExportError, buildRunBundle } from '../engine/runBundle';
import type { RunBundle } from '../schema/runBundle';
import { isObject } from '../schema/walk';
import type { WorkflowFile } from '../schema/workflow';
import type { TabflowDb, WorkflowRecord } from './db';
import { createWorkflow, newId, uniqueName } from './workflows';

/**
 * Run bundles out of and into the database: export one finished run (built by the pure `engine/runBundle.ts`, as the
 * CLI and the server build theirs), import a checked bundle (`bundleCheck.ts`).
 */

export { BundleExportError };

/** Key order of a journal read: a run's records by `[runId+seq]`. */
function journalOf(db: TabflowDb, runId: string): Promise<StepRecord[]> {
  return db.steps.where('[runId+seq]').between([runId, -Infinity], [runId, Infinity]).toArray();
}

/** The run and its subworkflow runs at any depth, parents first. */
async function runTree(db: TabflowDb, root: RunRecord): Promise<RunRecord[]> {
  const runs = [root];
  for (let i = 0; i < runs.length; i++)
    runs.push(...(await db.runs.where('parentRunId').equals(runs[i]!.id).toArray()));
  return runs;
}

/**
 * The completed http and table steps and tool calls of an imported run and its subworkflow runs: what a replay
 * answers from by key and input (the records keep `{{secrets.NAME}}` placeholders, never a secret's value).
 */
export async function recordedEffects(db: TabflowDb, importedRunId: string): Promise<StepRecord[]> {
  const root = await db.runs.get(importedRunId);
  if (!root) return [];
  const effects: StepRecord[] = [];
  for (const run of await runTree(db, root))
    for (const record of await journalOf(db, run.id))
      if (record.status === 'completed' && (record.kind === 'tool-call' || isRecordedStepInput(record.input)))
        effects.push(record);
  return effects;
}

/** An http step's recorded input (its method and URL) or a table step's (its table), as `handlers/basic.ts` has it. */
function isRecordedStepInput(input: unknown): boolean {
  if (!isObject(input)) return false;
  return (typeof input.method === 'string' && typeof input.url === 'string') || typeof input.table === 'string';
}

/** The document a run ran: its version (the hash addresses it), else the stored definition if it hashes the same. */
async function definitionOf(db: TabflowDb, hash: string): Promise<WorkflowFile> {
  const version = await db.versions.where('definitionHash').equals(hash).first();
  if (version) return version.doc;
  const stored = await db.definitions.get(hash);
  if (stored && definitionHashSync(stored.definition) === hash) return stored.definition;
  throw new BundleExportError('the workflow version this run ran is no longer stored, so it cannot be exported');
}

/** Collects one finished top-level run with everything a replay needs. Reads only; never a secret (none is here). */
export async function exportRunBundle(db: TabflowDb, runId: string, now = new Date()): Promise<RunBundle> {
  const root = await db.runs.get(runId);
  if (!root) throw new BundleExportError('that run no longer exists');
  if (root.parentRunId !== undefined) throw new BundleExportError('export the run this subworkflow run belongs to');
  const runs = await runTree(db, root);
  const unfinished = runs.find((run) => !FINISHED_RUN_STATUSES.has(run.status));
  if (unfinished) throw new BundleExportError(`only a finished run can be exported; this one is ${unfinished.status}`);
  const definitions = new Map<string, WorkflowFile>();
  for (const run of runs)
    if (!definitions.has(run.workflowHash)) definitions.set(run.workflowHash, await definitionOf(db, run.workflowHash));
  const steps: StepRecord[] = [];
  const messages: ThreadMessageRecord[] = [];
  for (const run of runs) {
    steps.push(...(await journalOf(db, run.id)));
    messages.push(...((await db.messages.where('runId').equals(run.id).toArray()) as unknown as ThreadMessageRecord[]));
  }
  return buildRunBundle({ runs, steps, messages, definitions }, now);
}

export interface ImportedBundle {
  run: RunRecord;
  workflow: WorkflowRecord;
}

/**
 * Stores a checked bundle in one transaction: its workflow as a library entry, its definitions, and its runs
 * under new ids (the same bundle may be opened twice, or where it was made), marked `importedFrom`.
 */
export async function importRunBundle(db: TabflowDb, bundle: RunBundle, now = Date.now()): Promise<ImportedBundle> {
  const ids = new Map(bundle.runs.map((run) => [run.id, newId()]));
  const moved = (key: string) => {
    const at = key.indexOf(':');
    return `${ids.get(at < 0 ? key : key.slice(0, at)) ?? key}${at < 0 ? '' : key.slice(at)}`;
  };
  const tables = [db.workflows, db.versions, db.definitions, db.runs, db.steps, db.messages];
  return db.transaction('rw', tables, async () => {
    const main = bundle.definitions.find((d) => d.hash === bundle.runs[0]!.workflowHash)!;
    const doc = structuredClone(main.workflow) as WorkflowFile;
    doc.workflowConfig.name = await uniqueName(db, doc.workflowConfig.name);
    const workflow = await createWorkflow(db, doc, { now });
    for (const { hash, workflow: definition } of bundle.definitions)
      if ((await db.definitions.get(hash)) === undefined)
        await db.definitions.add({ hash, definition: definition as WorkflowFile, parsed: false, savedAt: now });
    const runs = bundle.runs.map((stored, i) => {
      const run = { ...(stored as RunRecord), id: moved(stored.id) };
      if (run.parentRunId !== undefined) run.parentRunId = moved(run.parentRunId);
      if (run.parentStepKey !== undefined) run.parentStepKey = moved(run.parentStepKey);
      if (i > 0) return run;
      const recording = bundle.recording.rounds.map((r) => ({ key: moved(r.key), request: r.request }));
      const http = bundle.recording.http.map((r) => ({ ...r, key: moved(r.key) }));
      const importedFrom = { exportedAt: bundle.exportedAt, importedAt: now, recording, http };
      return { ...run, workflowId: workflow.id, importedFrom };
    });
    await db.runs.bulkAdd(runs);
    await db.steps.bulkAdd(bundle.steps.map((stored) => movedStep(stored as StepRecord, moved)));
    await db.messages.bulkAdd(
      bundle.messages.map((m) => ({ ...m, id: moved(m.id), threadId: moved(m.threadId), runId: moved(m.runId) })),
    );
    return { run: runs[0]!, workflow };
  });
}

function movedStep(step: StepRecord, moved: (key: string) => string): StepRecord {
  const copy = { ...step, key: moved(step.key), runId: moved(step.runId) };
  if (copy.childRunId !== undefined) copy.childRunId = moved(copy.childRunId);
  // An LLM step names its thread in its input; the thread moved with the run.
  if (isObject(copy.input) && typeof copy.input.threadId === 'string')
    copy.input = { ...copy.input, threadId: moved(copy.input.threadId) };
  return copy.kind === 'step' ? copy : { ...copy, parentKey: moved(copy.parentKey) };
}
