import { FINISHED_RUN_STATUSES, type RunRecord, type StepRecord, type ThreadMessageRecord } from '../engine/records';
import { definitionHashSync } from '../schema/hash';
import {
  httpRequestFingerprint,
  requestFingerprint,
  RUN_BUNDLE_FORMAT,
  RUN_BUNDLE_NOTICE,
  RUN_BUNDLE_VERSION,
  type RecordedRequest,
  type RunBundle,
} from '../schema/runBundle';
import { collectScopes, isObject, objectField, type RawObject } from '../schema/walk';
import type { WorkflowFile } from '../schema/workflow';
import type { TabflowDb, WorkflowRecord } from './db';
import { createWorkflow, newId, uniqueName } from './workflows';

/** Run bundles out of and into the database: export one finished run, import a checked bundle (`bundleCheck.ts`). */

/** Rounds an LLM step offers its tools in when its `maxToolRoundtrips` is not set (src/engine/handlers/llm.ts). */
const DEFAULT_TOOL_ROUNDTRIPS = 5;

export class BundleExportError extends Error {
  override name = 'BundleExportError';
}

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
  return {
    about: RUN_BUNDLE_NOTICE,
    format: RUN_BUNDLE_FORMAT,
    version: RUN_BUNDLE_VERSION,
    exportedAt: now.toISOString(),
    runId: root.id,
    definitions: [...definitions].map(([hash, workflow]) => ({ hash, workflow })),
    // Every run was checked finished above.
    runs: runs.map(portableRun) as RunBundle['runs'],
    steps,
    messages,
    recording: {
      rounds: recordedRounds(runs, steps, messages, definitions),
      http: recordedHttp(runs, steps, definitions),
    },
  };
}

/** A run as another browser should hold it: no links into this browser's library or other runs. */
function portableRun(run: RunRecord): RunRecord {
  const { workflowId: _w, forkedFrom: _f, restartedFrom: _r, importedFrom: _i, replayOf: _p, ...rest } = run;
  return rest;
}

/** The fingerprint of every completed model round's request, rebuilt from its step, thread and definition. */
function recordedRounds(
  runs: readonly RunRecord[],
  steps: readonly StepRecord[],
  messages: readonly ThreadMessageRecord[],
  definitions: ReadonlyMap<string, WorkflowFile>,
): Array<{ key: string; request: string }> {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const hashOf = new Map(runs.map((r) => [r.id, r.workflowHash]));
  const threads = new Map<string, ThreadMessageRecord[]>();
  for (const m of messages) threads.set(m.threadId, [...(threads.get(m.threadId) ?? []), m]);
  const rounds: Array<{ key: string; request: string }> = [];
  for (const round of steps) {
    if (round.kind !== 'llm-round' || round.status !== 'completed') continue;
    const step = byKey.get(round.parentKey);
    const definition = definitions.get(hashOf.get(round.runId) ?? '');
    const request = step && definition && roundRequest(round, step, threads, definition);
    if (request) rounds.push({ key: round.key, request: requestFingerprint(request) });
  }
  return rounds;
}

/**
 * The fingerprint and host of every completed http step's request, rebuilt from its record as the step builds
 * it (its query added to the URL, a JSON body serialised). A request that carries a secret is left out: the
 * record holds a placeholder, not the value, so it could never match (nor could a replay send it).
 */
function recordedHttp(
  runs: readonly RunRecord[],
  steps: readonly StepRecord[],
  definitions: ReadonlyMap<string, WorkflowFile>,
): Array<{ key: string; request: string; host: string }> {
  const hashOf = new Map(runs.map((r) => [r.id, r.workflowHash]));
  const recorded: Array<{ key: string; request: string; host: string }> = [];
  for (const step of steps) {
    const input = isObject(step.input) ? step.input : undefined;
    const definition = definitions.get(hashOf.get(step.runId) ?? '');
    if (step.kind !== 'step' || step.status !== 'completed' || !input || !definition) continue;
    if (stepConfigOf(definition, step.slug)?.action !== 'http') continue;
    if (typeof input.method !== 'string' || typeof input.url !== 'string') continue;
    if (Array.isArray(input.sendsSecrets) && input.sendsSecrets.length > 0) continue;
    const url = new URL(input.url);
    for (const [name, value] of Object.entries(isObject(input.query) ? input.query : {}))
      url.searchParams.set(name, String(value));
    const body =
      input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    const request = httpRequestFingerprint({ method: input.method, url: url.toString(), body });
    recorded.push({ key: step.key, request, host: url.host });
  }
  return recorded;
}

/** What the model was asked in a round: the step's resolved system prompt, then its thread up to the round's answer. */
function roundRequest(
  round: StepRecord,
  step: StepRecord,
  threads: ReadonlyMap<string, ThreadMessageRecord[]>,
  definition: WorkflowFile,
): RecordedRequest | undefined {
  const input = isObject(step.input) ? step.input : {};
  const node = llmNodeOf(definition, step.slug);
  const thread = typeof input.threadId === 'string' ? threads.get(input.threadId) : undefined;
  const answer = thread?.find((m) => m.id === round.key);
  const roundNumber = Number(round.key.slice(step.key.length).replace(/^\/r/, ''));
  if (!node || !thread || !answer || !Number.isInteger(roundNumber)) return undefined;
  const history = thread
    .filter((m) => m.seq < answer.seq)
    .sort((a, b) => a.seq - b.seq)
    .map((m) => m.message);
  const system = typeof input.systemPrompt === 'string' ? [{ role: 'system', content: input.systemPrompt }] : [];
  const maxRoundtrips = typeof node.maxToolRoundtrips === 'number' ? node.maxToolRoundtrips : DEFAULT_TOOL_ROUNDTRIPS;
  const tools = Array.isArray(input.tools) ? input.tools.filter((t): t is string => typeof t === 'string') : [];
  return {
    provider: typeof node.provider === 'string' ? node.provider : undefined,
    model: String(node.model),
    messages: [...system, ...history],
    toolNames: roundNumber <= maxRoundtrips ? tools : [],
    outputSchema: node.outputSchema,
    temperature: typeof node.temperature === 'number' ? node.temperature : undefined,
    maxOutputTokens: typeof node.maxOutputTokens === 'number' ? node.maxOutputTokens : undefined,
    providerOptions: node.providerOptions,
  };
}

/** The `config` of the step with this slug, at any depth. */
function stepConfigOf(definition: WorkflowFile, slug: string): RawObject | undefined {
  const site = collectScopes(definition.stepsConfig, ['stepsConfig'])
    .flatMap((scope) => scope.sites)
    .find((s) => s.slug === slug);
  return objectField(site?.raw, 'config');
}

/** The `llmNode` of the step with this slug, at any depth. */
function llmNodeOf(definition: WorkflowFile, slug: string): RawObject | undefined {
  return objectField(stepConfigOf(definition, slug), 'llmNode');
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
