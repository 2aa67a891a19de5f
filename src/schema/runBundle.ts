import { z } from 'zod';
import { definitionHashSync, stableStringify } from './hash';
import { previewWorkflowValue } from './importer';
import { LIMITS } from './limits';
import { formatJsonPath, problem, type PathSegment, type Problem } from './problems';
import { sha256Hex } from './sha256';
import { formatBytes } from './share';
import { collectScopes, isObject } from './walk';

/**
 * A run bundle: one finished run as a file or a link — the definitions it ran (by content hash), its
 * journal, thread messages, input, subworkflow runs, and the fingerprint of every model request it made,
 * so a replay can tell an unchanged request from a changed one. Pure: the page, the workers and a server
 * read it alike. Never holds an API key or a secret value (nothing it copies does).
 */

export const RUN_BUNDLE_FORMAT = 'tabflow-run-bundle';
export const RUN_BUNDLE_VERSION = 1;
export const RUN_BUNDLE_NOTICE =
  'Tabflow run bundle: one run with the workflow it ran, its journal, model answers and thread messages. ' +
  'It holds no API keys or secret values.';

export const RUN_BUNDLE_LIMITS = {
  /** Bytes of bundle text accepted (a file; a link is bounded by the share-link limit first). */
  bytes: 16 * 1024 * 1024,
  /** Records in any one list (runs, steps, messages, rounds). */
  records: 50_000,
  /** Characters in any one string (a model answer, an output). */
  stringChars: 2_000_000,
  /** Nesting below the bundle's own envelope (a record inside a list inside the bundle). */
  depth: LIMITS.jsonDepth + 4,
  /** A share link carries a bundle only up to this many characters of data; a larger one is offered as a file. */
  linkChars: 100_000,
} as const;

const FINISHED = ['completed', 'failed', 'cancelled'] as const;
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash (64 hex digits)');
const id = z.string().min(1).max(1_000);

/** The fields of each record this format relies on; the engine's own schemas check the rest (src/store/). */
const runShape = z.looseObject({
  id,
  workflowHash: hex64,
  status: z.enum(FINISHED, { message: 'a bundle holds finished runs only (completed, failed or cancelled)' }),
  input: z.unknown(),
  parentRunId: id.optional(),
  parentStepKey: id.optional(),
});
const stepShape = z.looseObject({
  key: id,
  runId: id,
  slug: id,
  kind: z.enum(['step', 'llm-round', 'tool-call']),
  status: z.string(),
  parentKey: id.optional(),
  childRunId: id.optional(),
});
const messageShape = z.looseObject({ id, threadId: id, runId: id, seq: z.number().int().min(0) });
/** A model round of the journal (`key`) and the fingerprint of the request it answered. */
const roundShape = z.object({ key: id, request: hex64 });
/** An http step of the journal, the fingerprint of its request and the host it went to (normal form). */
const httpShape = z.object({ key: id, request: hex64, host: z.string().min(1).max(300) });

export const runBundleSchema = z.object({
  about: z.string().max(1_000).optional(),
  format: z.literal(RUN_BUNDLE_FORMAT),
  version: z.literal(RUN_BUNDLE_VERSION, {
    message: `this Tabflow reads run bundles of version ${RUN_BUNDLE_VERSION}`,
  }),
  exportedAt: z.string().max(100),
  /** The bundle's own run; the others are its subworkflow runs. */
  runId: id,
  definitions: z.array(z.object({ hash: hex64, workflow: z.unknown() })).min(1),
  runs: z.array(runShape).min(1),
  steps: z.array(stepShape),
  messages: z.array(messageShape),
  recording: z.object({ rounds: z.array(roundShape), http: z.array(httpShape).default([]) }),
});
export type RunBundle = z.infer<typeof runBundleSchema>;
export type BundleRun = z.infer<typeof runShape>;
export type BundleStep = z.infer<typeof stepShape>;

export type BundleCheck = { ok: true; bundle: RunBundle } | { ok: false; problem: Problem };

/** What a model request is, for matching a replayed round with a recorded one (the tools by name). */
export interface RecordedRequest {
  provider: string | undefined;
  model: string;
  messages: readonly unknown[];
  toolNames: readonly string[];
  outputSchema: unknown;
  temperature: number | undefined;
  maxOutputTokens: number | undefined;
  providerOptions: unknown;
}

/** The fingerprint of a model request: equal requests, whatever their key order, give the same one. */
export function requestFingerprint(request: RecordedRequest): string {
  const { provider, model, messages, toolNames, outputSchema, temperature, maxOutputTokens, providerOptions } = request;
  const canonical = {
    provider,
    model,
    messages,
    toolNames,
    outputSchema,
    temperature,
    maxOutputTokens,
    providerOptions,
  };
  return sha256Hex(new TextEncoder().encode(stableStringify(canonical)));
}

/** What an http request is, for matching a replayed one with a recorded one (headers aside: they carry secrets). */
export interface RecordedHttpRequest {
  method: string;
  url: string;
  body: string | undefined;
}

export function httpRequestFingerprint(request: RecordedHttpRequest): string {
  const canonical = { method: request.method.toUpperCase(), url: request.url, body: request.body ?? null };
  return sha256Hex(new TextEncoder().encode(stableStringify(canonical)));
}

/** Whether text looks like a run bundle (its marker near the start, where the export writes it). */
export function looksLikeRunBundle(text: string): boolean {
  return /"format"\s*:\s*"tabflow-run-bundle"/.test(text.slice(0, 4_096));
}

class BundleProblem extends Error {
  constructor(
    readonly segments: PathSegment[],
    message: string,
    readonly code = 'bad-bundle',
  ) {
    super(message);
  }
}

/** Parses and checks untrusted bundle text; never throws: the first problem names its JSON path. */
export function checkRunBundleText(text: string): BundleCheck {
  if (text.length > RUN_BUNDLE_LIMITS.bytes) {
    const size = formatBytes(text.length);
    return refused([], `the bundle is ${size}; the limit is ${formatBytes(RUN_BUNDLE_LIMITS.bytes)}`, 'too-large');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'unreadable';
    return refused([], `this bundle is not valid JSON (is it cut off?): ${reason}`, 'bad-json');
  }
  return checkRunBundleValue(value);
}

export function checkRunBundleValue(value: unknown): BundleCheck {
  try {
    checkShape(value);
    const parsed = runBundleSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const segments = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
      return refused(segments, issue.message);
    }
    checkConsistency(parsed.data);
    return { ok: true, bundle: parsed.data };
  } catch (error) {
    if (error instanceof BundleProblem) return refused(error.segments, error.message, error.code);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return refused([], `this bundle could not be checked (${reason.slice(0, 200)})`, 'check-failed');
  }
}

function refused(segments: PathSegment[], message: string, code = 'bad-bundle'): BundleCheck {
  return { ok: false, problem: problem('error', code, segments, message) };
}

interface ShapeNode {
  value: unknown;
  segments: PathSegment[];
}

/** Depth, `__proto__`, list lengths and string sizes, iteratively (a hostile bundle cannot overflow the stack). */
function checkShape(root: unknown): void {
  const stack: ShapeNode[] = [{ value: root, segments: [] }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value, segments } = node;
    if (typeof value === 'string' && value.length > RUN_BUNDLE_LIMITS.stringChars)
      throw new BundleProblem(
        segments,
        `a string of ${value.length} characters; the limit is ${RUN_BUNDLE_LIMITS.stringChars}`,
        'too-large',
      );
    if (value === null || typeof value !== 'object') continue;
    if (segments.length >= RUN_BUNDLE_LIMITS.depth)
      throw new BundleProblem(
        segments,
        `values are nested more than ${RUN_BUNDLE_LIMITS.depth} levels deep`,
        'too-deep',
      );
    const keys = Object.keys(value);
    if (keys.length > RUN_BUNDLE_LIMITS.records)
      throw new BundleProblem(
        segments,
        `${keys.length} entries; the limit is ${RUN_BUNDLE_LIMITS.records}`,
        'too-many-entries',
      );
    for (const key of keys) {
      if (key === '__proto__')
        throw new BundleProblem([...segments, key], 'the key "__proto__" is not allowed', 'forbidden-key');
      const segment = Array.isArray(value) ? Number(key) : key;
      stack.push({ value: (value as Record<string, unknown>)[key], segments: [...segments, segment] });
    }
  }
}

/** The slugs of a definition's steps at any depth (loop bodies, branches). */
function slugsOf(workflow: unknown): Set<string> {
  const steps = isObject(workflow) ? workflow.stepsConfig : undefined;
  const slugs = new Set<string>();
  for (const scope of collectScopes(steps, ['stepsConfig']))
    for (const site of scope.sites) if (site.slug !== undefined) slugs.add(site.slug);
  return slugs;
}

function fail(segments: PathSegment[], message: string): never {
  throw new BundleProblem(segments, message);
}

/** The journal must fit its definitions and runs: every reference resolves, nothing points outside the bundle. */
function checkConsistency(bundle: RunBundle): void {
  const slugsByHash = checkDefinitions(bundle);
  const runs = new Map<string, BundleRun>();
  bundle.runs.forEach((run, i) => {
    if (runs.has(run.id)) fail(['runs', i, 'id'], `run "${run.id}" is listed twice`);
    if (!slugsByHash.has(run.workflowHash))
      fail(['runs', i, 'workflowHash'], 'the bundle holds no definition with this hash');
    runs.set(run.id, run);
  });
  if (bundle.runs[0]!.id !== bundle.runId) fail(['runs', 0, 'id'], 'the first run is the bundle\'s own "runId"');
  if (bundle.runs[0]!.parentRunId !== undefined)
    fail(['runs', 0, 'parentRunId'], "the bundle's run is a top-level run");
  const steps = checkSteps(bundle, runs, slugsByHash);
  bundle.runs.forEach((run, i) => {
    if (i === 0) return;
    const parent = run.parentStepKey === undefined ? undefined : steps.get(run.parentStepKey);
    if (run.parentRunId === undefined || !runs.has(run.parentRunId))
      fail(['runs', i, 'parentRunId'], "a subworkflow run names its parent run, one of the bundle's runs");
    if (parent?.childRunId !== run.id)
      fail(['runs', i, 'parentStepKey'], 'a subworkflow run names the step that started it');
  });
  const messageIds = new Set<string>();
  bundle.messages.forEach((message, i) => {
    if (!runs.has(message.runId)) fail(['messages', i, 'runId'], 'the message belongs to no run of the bundle');
    if (!message.threadId.startsWith(`${message.runId}:`))
      fail(['messages', i, 'threadId'], "the thread is not one of the message's run");
    if (messageIds.has(message.id)) fail(['messages', i, 'id'], `message "${message.id}" is listed twice`);
    messageIds.add(message.id);
  });
  bundle.recording.rounds.forEach((round, i) => {
    const step = steps.get(round.key);
    if (step?.kind !== 'llm-round' || step.status !== 'completed')
      fail(['recording', 'rounds', i, 'key'], 'a recorded round is a completed model round of the journal');
  });
  bundle.recording.http.forEach((request, i) => {
    const step = steps.get(request.key);
    if (step?.kind !== 'step' || step.status !== 'completed')
      fail(['recording', 'http', i, 'key'], 'a recorded request is a completed step of the journal');
  });
}

function checkDefinitions(bundle: RunBundle): Map<string, Set<string>> {
  const slugsByHash = new Map<string, Set<string>>();
  bundle.definitions.forEach((definition, i) => {
    const preview = previewWorkflowValue(definition.workflow);
    const error = preview.problems.find((p) => p.severity === 'error');
    if (error) fail(['definitions', i, 'workflow', ...error.segments], error.message);
    if (definitionHashSync(definition.workflow) !== definition.hash)
      fail(['definitions', i, 'hash'], 'the definition does not have this hash (it was changed after export)');
    slugsByHash.set(definition.hash, slugsOf(definition.workflow));
  });
  return slugsByHash;
}

function checkSteps(
  bundle: RunBundle,
  runs: ReadonlyMap<string, BundleRun>,
  slugsByHash: ReadonlyMap<string, Set<string>>,
): Map<string, BundleStep> {
  const steps = new Map<string, BundleStep>();
  bundle.steps.forEach((step, i) => {
    const run = runs.get(step.runId);
    if (!run) fail(['steps', i, 'runId'], 'the record belongs to no run of the bundle');
    if (!step.key.startsWith(`${step.runId}:`)) fail(['steps', i, 'key'], "the record's key is not one of its run");
    if (steps.has(step.key)) fail(['steps', i, 'key'], `record "${step.key}" is listed twice`);
    if (!slugsByHash.get(run.workflowHash)!.has(step.slug))
      fail(['steps', i, 'slug'], `the workflow this run ran has no step "${step.slug}"`);
    if (step.childRunId !== undefined && !runs.has(step.childRunId))
      fail(['steps', i, 'childRunId'], 'the subworkflow run is not in the bundle');
    steps.set(step.key, step);
  });
  bundle.steps.forEach((step, i) => {
    if (step.kind === 'step') return;
    const parent = step.parentKey === undefined ? undefined : steps.get(step.parentKey);
    if (parent?.runId !== step.runId || (parent.kind !== 'step' && step.kind !== 'tool-call'))
      fail(['steps', i, 'parentKey'], 'an effect record names a step of its run');
  });
  return steps;
}

/** Where a problem is, as people read it: `steps[3].slug`. */
export function bundleProblemText(found: Problem): string {
  const where = found.segments.length === 0 ? 'the bundle' : formatJsonPath(found.segments);
  return `${where}: ${found.message}`;
}
