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
import type { MemoryData } from './memoryStore';
import { cancelledRun } from './operator';
import {
  FINISHED_RUN_STATUSES,
  type RunRecord,
  type StepError,
  type StepRecord,
  type ThreadMessageRecord,
} from './records';

/**
 * A run bundle built from a run's records, wherever they are kept: the tab's IndexedDB (`src/store/bundles.ts`),
 * the file store of `tabflow run` and the journal a DBOS worker records (`src/server/`). Pure: reads nothing.
 */

/** Rounds an LLM step offers its tools in when its `maxToolRoundtrips` is not set (src/engine/handlers/llm.ts). */
const DEFAULT_TOOL_ROUNDTRIPS = 5;

export class BundleExportError extends Error {
  override name = 'BundleExportError';
}

/** What a bundle is built from: the run and its subworkflow runs (parents first), their journals and messages. */
export interface RunBundleParts {
  runs: readonly RunRecord[];
  /** Each run's journal in recording order. */
  steps: readonly StepRecord[];
  messages: readonly ThreadMessageRecord[];
  /** The document each run ran, by the hash the run names. */
  definitions: ReadonlyMap<string, WorkflowFile>;
}

/** The bundle of finished runs; the first run is the bundle's own. */
export function buildRunBundle(parts: RunBundleParts, now = new Date()): RunBundle {
  const { runs, steps, messages, definitions } = parts;
  const unfinished = runs.find((run) => !FINISHED_RUN_STATUSES.has(run.status));
  if (unfinished) throw new BundleExportError(`only a finished run can be exported; this one is ${unfinished.status}`);
  const used = new Map<string, WorkflowFile>();
  for (const run of runs) {
    const definition = definitions.get(run.workflowHash);
    if (!definition)
      throw new BundleExportError(`the workflow run ${run.id} ran is not known, so it cannot be exported`);
    used.set(run.workflowHash, definition);
  }
  return {
    about: RUN_BUNDLE_NOTICE,
    format: RUN_BUNDLE_FORMAT,
    version: RUN_BUNDLE_VERSION,
    exportedAt: now.toISOString(),
    runId: runs[0]!.id,
    definitions: [...used].map(([hash, workflow]) => ({ hash, workflow })),
    // Every run was checked finished above.
    runs: runs.map(portableRun) as RunBundle['runs'],
    steps: [...steps],
    messages: [...messages],
    recording: {
      rounds: recordedRounds(runs, steps, messages, used),
      http: recordedHttp(runs, steps, used),
    },
  };
}

/**
 * The parts of a run held by an in-memory store (a file store, a worker's journal): the run and its subworkflow
 * runs at any depth, each journal by sequence number, their thread messages. Definitions are the caller's.
 */
export function memoryRunParts(data: MemoryData, runId: string): Omit<RunBundleParts, 'definitions'> {
  const root = data.runs.get(runId);
  if (!root) throw new BundleExportError(`no run has the id "${runId}" here`);
  if (root.parentRunId !== undefined) throw new BundleExportError('export the run this subworkflow run belongs to');
  const runs = [root];
  for (let i = 0; i < runs.length; i++)
    for (const run of data.runs.values()) if (run.parentRunId === runs[i]!.id) runs.push(run);
  const ids = new Set(runs.map((run) => run.id));
  const steps = runs.flatMap((run) =>
    [...(data.stepsByRun.get(run.id) ?? [])].map((key) => data.steps.get(key)!).sort((a, b) => a.seq - b.seq),
  );
  const messages = [...data.messages.values()].filter((message) => ids.has(message.runId));
  return structuredClone({ runs, steps, messages });
}

/**
 * A run that has not finished (it waits, on a server that goes on) as a bundle may hold it: it and each open step
 * ended as cancelled, saying `why`, as a cancel in the tab leaves them. Finished runs stay as they are.
 */
export function asFinishedParts<T extends Omit<RunBundleParts, 'definitions'>>(
  parts: T,
  why: StepError,
  now: number,
): T {
  const edited = new Map<string, StepRecord>();
  const runs = parts.runs.map((run) => {
    const edit = cancelledRun(
      run,
      parts.steps.filter((step) => step.runId === run.id),
      now,
      why,
    );
    for (const step of edit?.steps ?? []) edited.set(step.key, step);
    return edit?.run ?? run;
  });
  return { ...parts, runs, steps: parts.steps.map((step) => edited.get(step.key) ?? step) };
}

/** The definitions among `documents` (a workflow file and the ones it bundles), by their hash. */
export function definitionsByHash(documents: readonly WorkflowFile[]): Map<string, WorkflowFile> {
  return new Map(documents.map((doc) => [definitionHashSync(doc), doc]));
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
