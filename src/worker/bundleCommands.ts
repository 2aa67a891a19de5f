import type { Engine } from '../engine/engine';
import type { ModelReply } from '../engine/llmTypes';
import type { RunRecord } from '../engine/records';
import type { EngineDeps, HttpResponse } from '../engine/runtime';
import type { Recording } from '../llm/recorded';
import type { WorkflowFile } from '../schema/workflow';
import { stableStringify } from '../schema/hash';
import { exportRunBundle, recordedEffects } from '../store/bundles';
import type { TabflowDb } from '../store/db';
import type { SecretsService } from './secrets';

/** Run bundles in the executor: export one (checked for secret values) and replay an imported one. */
export interface BundleCommands {
  /** The run as bundle text; refused if any stored secret value were in it. */
  exportRunBundle(runId: string): Promise<string>;
  /**
   * Re-runs a run opened from a bundle on its definition (or `workflow`, an edited copy) and input: unchanged
   * model rounds are answered from its recording, the rest run live. Returns the new run's id.
   */
  replayRun(runId: string, workflow?: WorkflowFile): Promise<string>;
}

/** Shorter secret values are too likely to occur by chance in ordinary text to refuse an export over. */
const MIN_SCANNED_SECRET_CHARS = 6;

export function bundleCommands(engine: Engine, db: TabflowDb, secrets: SecretsService): BundleCommands {
  return {
    async exportRunBundle(runId) {
      const text = JSON.stringify(await exportRunBundle(db, runId), null, 1);
      // The journal never holds a secret; this is the last look before any byte leaves the browser.
      for (const name of (await secrets.state()).names) {
        const value = await secrets.read(name);
        if (value && value.length >= MIN_SCANNED_SECRET_CHARS && text.includes(value))
          throw new Error(`this run's records contain the value of the stored secret "${name}": it was not exported`);
      }
      return text;
    },
    async replayRun(runId, workflow) {
      const run = await db.runs.get(runId);
      if (!run?.importedFrom) throw new Error('only a run opened from a bundle can be replayed');
      const definition = workflow ?? (await db.definitions.get(run.workflowHash))?.definition;
      if (!definition) throw new Error('the workflow this run ran is not stored here');
      return engine.start({
        workflow: definition,
        input: run.input,
        replayOf: run.id,
        ...(run.workflowId ? { workflowId: run.workflowId } : {}),
      });
    },
  };
}

type FindWorkflow = NonNullable<EngineDeps['findWorkflow']>;

/**
 * Subworkflow steps of a replay run the child definition the bundle carries (by content hash) for the same step
 * of the imported run, when it has the name asked for; any other run, or a step the recording has no child for (an
 * edited name, say), finds the workflow by name in the library (`byName`).
 */
export function replayWorkflows(db: TabflowDb, byName: FindWorkflow): FindWorkflow {
  /** The imported run a replay run (or one of its subworkflow runs) stands for. */
  const counterpart = async (runId: string): Promise<RunRecord | undefined> => {
    const run = await db.runs.get(runId);
    if (run?.replayOf !== undefined) {
      const imported = await db.runs.get(run.replayOf);
      return imported?.importedFrom ? imported : undefined;
    }
    if (run?.parentRunId === undefined || run.parentStepKey === undefined) return undefined;
    return recordedChild(await counterpart(run.parentRunId), run.parentStepKey);
  };
  const recordedChild = async (parent: RunRecord | undefined, stepKey: string) =>
    parent &&
    (await db.runs.where('parentRunId').equals(parent.id).toArray()).find(
      (child) => child.parentStepKey === `${parent.id}:${withinRun(stepKey)}`,
    );
  return async (name, parent) => {
    const child = parent && (await recordedChild(await counterpart(parent.runId), parent.stepKey));
    const carried = child && (await db.definitions.get(child.workflowHash))?.definition;
    return carried?.workflowConfig.name === name ? carried : byName(name, parent);
  };
}

/** Runs whose recordings were looked up, kept this many at a time. */
const CACHED_RUNS = 64;

/**
 * What a replay may be answered from: the recorded model answers, the rounds recorded (by key within their run),
 * the recorded http responses by request fingerprint, the hosts the recording contacted, and the replay's
 * workflow (the one whose host approvals apply to a request the recording did not make).
 */
export interface ReplaySource {
  answers: Recording;
  rounds: ReadonlySet<string>;
  http: ReadonlyMap<string, HttpResponse>;
  hosts: ReadonlySet<string>;
  workflowHash: string;
  /** Recorded outputs of http steps and tool calls, by `effectInputKey`. */
  effects: ReadonlyMap<string, unknown>;
}

export interface ReplayRecordings {
  /** The recorded answers a round (by its idempotency key) may use: none unless its run replays a bundle's run. */
  answersFor(idempotencyKey: string): Promise<Recording | undefined>;
  /** What the run of this key (`runId:…`, or a run id) replays from; undefined unless it replays a bundle's run. */
  sourceOf(key: string): Promise<ReplaySource | undefined>;
  /**
   * Whether the recording holds a round at this key in its run: such a round waits neither for the network nor
   * for locked keys (if its request turned out changed, it runs live and fails like any offline call).
   */
  recordsRound(effectKey: string | undefined): Promise<boolean>;
  /** The output recorded for an http step or tool call at this key (within its run) begun with this input. */
  outputOf(effectKey: string, input: unknown): Promise<{ output: unknown } | undefined>;
}

/** A key without its run's id: `slug@path/r2` (a run's keys all start with `<runId>:`). */
const withinRun = (key: string) => key.slice(key.indexOf(':') + 1);

/** `load` of a run id, read once and kept for the last `CACHED_RUNS` runs; a failed read is tried again next time. */
function cachedRuns<T>(load: (runId: string) => Promise<T>): (runId: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (runId) => {
    let found = cache.get(runId);
    if (!found) {
      if (cache.size >= CACHED_RUNS) cache.delete(cache.keys().next().value!);
      found = load(runId);
      cache.set(runId, found);
      found.catch(() => cache.delete(runId));
    }
    return found;
  };
}

/** An effect as a replay matches it: its place in its run and exactly what it began with. */
const effectInputKey = (key: string, input: unknown) => `${withinRun(key)}\n${stableStringify(input)}`;

/**
 * The recordings of replays, by a round's key (`runId:slug@path/rN`): the imported run its run (or, for a
 * subworkflow run, its top-level run) replays; nothing for any other run.
 */
export function replayRecordings(db: TabflowDb): ReplayRecordings {
  // Read once per imported run, however many subworkflow runs its replays start (a loop of them, say).
  const effectsOf = cachedRuns(async (importedId) => {
    const records = await recordedEffects(db, importedId);
    return new Map<string, unknown>(records.map((r) => [effectInputKey(r.key, r.input), r.output]));
  });
  const load = async (runId: string): Promise<ReplaySource | undefined> => {
    const own = await db.runs.get(runId);
    let run = own;
    while (run?.parentRunId !== undefined) run = await db.runs.get(run.parentRunId);
    const imported = run?.replayOf === undefined ? undefined : await db.runs.get(run.replayOf);
    if (!own || !imported?.importedFrom) return undefined;
    const { recording, http = [] } = imported.importedFrom;
    const outputs = async (keys: string[]) => (await db.steps.bulkGet(keys)).map((record) => record?.output);
    const answers = new Map<string, ModelReply>();
    const replies = await outputs(recording.map((round) => round.key));
    recording.forEach((round, i) => {
      const reply = replies[i] as ModelReply | undefined;
      if (reply && typeof reply.text === 'string') answers.set(round.request, reply);
    });
    const responses = new Map<string, HttpResponse>();
    const recorded = await outputs(http.map((request) => request.key));
    http.forEach((request, i) => {
      const output = recorded[i] as { status?: unknown; headers?: unknown; body?: unknown } | undefined;
      if (typeof output?.status !== 'number') return;
      const headers = (output.headers ?? {}) as Record<string, string>;
      responses.set(request.request, { status: output.status, statusText: '', headers, body: output.body });
    });
    return {
      answers,
      rounds: new Set(recording.map((round) => withinRun(round.key))),
      http: responses,
      hosts: new Set(http.map((request) => request.host)),
      workflowHash: own.workflowHash,
      effects: await effectsOf(imported.id),
    };
  };
  const sourceByRun = cachedRuns(load);
  const sourceOf = (key: string) => sourceByRun(key.includes(':') ? key.slice(0, key.indexOf(':')) : key);
  return {
    sourceOf,
    answersFor: async (key) => (await sourceOf(key))?.answers,
    recordsRound: async (key) => key !== undefined && (await sourceOf(key))?.rounds.has(withinRun(key)) === true,
    async outputOf(key, input) {
      const effects = (await sourceOf(key))?.effects;
      const lookup = effectInputKey(key, input);
      return effects?.has(lookup) ? { output: effects.get(lookup) } : undefined;
    },
  };
}
