import { z } from 'zod';
import type { ChatMessage } from './llmTypes';

/**
 * What the engine persists. Runs and step executions (the journal) are zod schemas so a store can
 * check what it loads; the types are inferred from them.
 */

export const RUN_STATUSES = ['pending', 'running', 'waiting', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export const ERROR_CATEGORIES = [
  'validation', // the workflow or its input is wrong; retrying cannot help
  'expression', // an expression or template failed
  'timeout', // a step or run ran out of time
  'network', // offline, DNS, connection reset
  'rate-limit', // 429
  'server', // 5xx
  'auth', // 401/403: key rejected
  'client', // other 4xx
  'quota', // browser storage is full
  'interrupted', // the page died while the step ran, too often
  'cancelled',
  'internal',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const stepErrorSchema = z.object({
  message: z.string(),
  category: z.enum(ERROR_CATEGORIES),
  retryable: z.boolean(),
  /** Server-provided delay before the next attempt (Retry-After), in ms. */
  retryAfterMs: z.number().optional(),
});
export type StepError = z.infer<typeof stepErrorSchema>;

export const attemptSchema = z.object({
  n: z.number().int().min(1),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  outcome: z.enum(['running', 'ok', 'error', 'interrupted', 'cancelled', 'timeout']),
  error: stepErrorSchema.optional(),
  /** Streamed text checkpointed while the attempt ran (LLM steps). */
  partialText: z.string().optional(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const STEP_STATUSES = ['started', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

const usageSchema = z.object({
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
  cachedInputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
});

/** Facts for the run inspector. Unknown keys (from another version) are dropped when a record is read. */
export const stepMetaSchema = z.object({
  /** LLM steps: what answered (after aliases and fallbacks), tokens, rounds, estimated cost, a provider's note. */
  provider: z.string().optional(),
  model: z.string().optional(),
  usage: usageSchema.optional(),
  rounds: z.number().int().optional(),
  costUsd: z.number().optional(),
  /** Where the cost's price came from: the dated built-in table, or a price set in Settings. */
  priceSource: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('table'), asOf: z.string() }),
      z.object({ kind: z.literal('settings') }),
    ])
    .optional(),
  note: z.string().optional(),
  /** Parallel join "any": the branch that finished first. */
  winner: z.string().optional(),
  /** A forked run's edited step: the record it was copied from. */
  forkedFrom: z.string().optional(),
  /** A model round that waited on the run's budget and was let go on: the cap it raised, and the user's reason. */
  budgetRaise: z.object({ cap: z.enum(['tokens', 'cost']), by: z.number(), note: z.string().optional() }).optional(),
  /** The step did not run: its output is the workflow's pin for it (`src/engine/pins.ts`). */
  pinned: z.boolean().optional(),
  /** A "run this step" run's input: the record of an earlier run it was copied from. */
  copiedFrom: z.string().optional(),
  /** A for-each loop: how many items its list had when it started (so iterations show done/total while it runs). */
  items: z.number().int().optional(),
  /** A top-level loop: iterations before `done` finished; records of iteration `done - 1` on have seq ≥ `fromSeq`. */
  loopProgress: z.object({ done: z.number().int().min(1), fromSeq: z.number().int().min(0) }).optional(),
});
export type StepMeta = z.infer<typeof stepMetaSchema>;

/** What every journal record holds, whatever it records. */
const journalRecordFields = {
  key: z.string(),
  runId: z.string(),
  slug: z.string(),
  path: z.string(),
  /** Recording order within the run: replay and "restart from" follow it. */
  seq: z.number().int(),
  status: z.enum(STEP_STATUSES),
  attempts: z.array(attemptSchema),
  /** Consecutive attempts cut off by a page reload (reset by any attempt that ends). */
  interruptions: z.number().int().min(0),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  error: stepErrorSchema.optional(),
  /** The nextSteps key the outcome follows: success, failure, timeout, approved, a rule's key… */
  branch: z.string().optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
  /** Absolute time a wait ends, a retry starts or a timeout fires (durable across reloads). */
  wakeAt: z.number().optional(),
  /** Side-effect-free steps may be recomputed after a crash; their records are written lazily. */
  pure: z.boolean().optional(),
  /** A subworkflow step's child run. */
  childRunId: z.string().optional(),
  meta: stepMetaSchema.optional(),
};

/** Every field a step record may hold, whatever its kind (the hand check refuses any other). */
export const STEP_RECORD_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(journalRecordFields),
  'kind',
  'stepType',
  'parentKey',
]);

export const STEP_RECORD_KINDS = ['step', 'llm-round', 'tool-call'] as const;
export type StepRecordKind = (typeof STEP_RECORD_KINDS)[number];

/**
 * One step execution, keyed `runId:slug@path` (path = enclosing loop indexes and branch names), or
 * one effect inside a step: a model round (`…@path/r2`) or a tool call (`…@path/r2/tool0`), which
 * name their step in `parentKey`. Discriminated by `kind`; a finished record carries what its
 * status promises (an end time; a failure its error), checked whenever a store reads one.
 */
export const stepRecordSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('step'),
      ...journalRecordFields,
      stepType: z.string(),
      parentKey: z.never().optional(),
    }),
    z.object({
      kind: z.literal('llm-round'),
      ...journalRecordFields,
      stepType: z.literal('llm-round'),
      parentKey: z.string(),
    }),
    z.object({
      kind: z.literal('tool-call'),
      ...journalRecordFields,
      stepType: z.literal('tool'),
      parentKey: z.string(),
    }),
  ])
  .superRefine((record, ctx) => {
    if ((record.status === 'completed' || record.status === 'failed') && record.endedAt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: `a ${record.status} record has an end time` });
    }
    if (record.status === 'failed' && record.error === undefined)
      ctx.addIssue({ code: 'custom', path: ['error'], message: 'a failed record says why' });
  });
/** What each status promises (the refinement above checks it at run time; this type at compile time). */
export type StepStatusFields =
  | { status: 'started' | 'waiting' | 'cancelled' }
  | { status: 'completed'; endedAt: number }
  | { status: 'failed'; endedAt: number; error: StepError };
export type StepRecord = z.infer<typeof stepRecordSchema> & StepStatusFields;

/** The same record under another run id (a fork copies history): its key and its step's key move with it. */
export function recordInRun(record: StepRecord, from: string, to: string): StepRecord {
  const moved = (key: string) => `${to}${key.slice(from.length)}`;
  const base = { ...record, runId: to, key: moved(record.key) };
  return base.kind === 'step' ? base : { ...base, parentKey: moved(base.parentKey) };
}

/** The identity fields of a record by what it records: a workflow step, or an effect inside `parentKey`. */
export function recordKind(
  stepType: string,
  parentKey: string | undefined,
):
  | { kind: 'step'; stepType: string }
  | { kind: 'llm-round'; stepType: 'llm-round'; parentKey: string }
  | { kind: 'tool-call'; stepType: 'tool'; parentKey: string } {
  if (parentKey !== undefined && stepType === 'llm-round') return { kind: 'llm-round', stepType, parentKey };
  if (parentKey !== undefined && stepType === 'tool') return { kind: 'tool-call', stepType, parentKey };
  return { kind: 'step', stepType };
}

/**
 * Why a run (or one of its steps) waits: each kind carries what its control needs. Every kind but
 * `storage-full` belongs to a step or an effect inside one (`stepKey`), where its control is shown.
 */
export const waitReasonSchema = z.discriminatedUnion('kind', [
  /** The user has not yet allowed requests to this host (normal form); `secrets`: the names the request sends. */
  z.object({ kind: z.literal('host'), stepKey: z.string(), host: z.string(), secrets: z.array(z.string()) }),
  z.object({ kind: z.literal('approval'), stepKey: z.string(), prompt: z.string().optional() }),
  /** A named event; `timeoutAt`: when the wait gives up (absolute ms). */
  z.object({ kind: z.literal('event'), stepKey: z.string(), name: z.string(), timeoutAt: z.number().optional() }),
  /** A wait step until `wakeAt` (absolute ms). */
  z.object({ kind: z.literal('sleep'), stepKey: z.string(), wakeAt: z.number() }),
  /** The backoff before a failed attempt's retry. */
  z.object({ kind: z.literal('retry'), stepKey: z.string(), wakeAt: z.number() }),
  z.object({ kind: z.literal('network'), stepKey: z.string() }),
  /**
   * A model call needs a key of `provider` (absent: the default provider) while the keys are locked behind the
   * passphrase.
   */
  z.object({ kind: z.literal('keys-locked'), stepKey: z.string(), provider: z.string().optional() }),
  /** Browser storage is full: the run stopped and goes on when the user resumes it. */
  z.object({ kind: z.literal('storage-full') }),
  z.object({ kind: z.literal('child-run'), stepKey: z.string(), runId: z.string(), workflow: z.string() }),
  /** A model round would pass the run's cap (`limit`, raised by each Continue) on `cap`; `used` so far. */
  z.object({
    kind: z.literal('budget'),
    stepKey: z.string(),
    cap: z.enum(['tokens', 'cost']),
    limit: z.number(),
    used: z.number(),
    /** What a Continue adds to the cap: the run's own cap on `cap`. */
    raiseBy: z.number(),
  }),
]);
export type WaitReason = z.infer<typeof waitReasonSchema>;
export type WaitKind = WaitReason['kind'];
/** A wait that arose in a step (every kind but storage-full). */
export type StepWaitReason = Exclude<WaitReason, { kind: 'storage-full' }>;

/** A step's pinned output (and the branch it follows; absent: `success`). */
export const runPinSchema = z.object({ output: z.unknown(), branch: z.string().optional() });
export type RunPin = z.infer<typeof runPinSchema>;
export const partialRunSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('step-only'), slug: z.string(), inputsFrom: z.string().optional() }),
  z.object({ kind: z.literal('up-to'), slug: z.string(), reached: z.boolean().optional() }),
]);
export type PartialRun = z.infer<typeof partialRunSchema>;

export const runRecordSchema = z.object({
  id: z.string(),
  /** Content hash of the definition the run started with; editing the workflow later changes nothing here. */
  workflowHash: z.string(),
  workflowName: z.string(),
  workflowId: z.string().optional(),
  /** "direct": the same interpreter without checkpoints, for quick iteration (not durable). */
  mode: z.enum(['durable', 'direct']),
  input: z.unknown(),
  status: z.enum(RUN_STATUSES),
  output: z.unknown().optional(),
  error: stepErrorSchema.optional(),
  /** Fencing token: cancel, restart and takeover bump it; a writer holding an older one is refused. */
  generation: z.number().int().min(0),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
  /** Running time used, for the run's timeout: waits and time the app was closed do not count. */
  activeMs: z.number().min(0),
  /** What the run waits for right now, one reason per wait (a parallel run may wait on several). */
  waits: z.array(waitReasonSchema).optional(),
  parentRunId: z.string().optional(),
  parentStepKey: z.string().optional(),
  /** A fork: the run and step it was copied from. */
  forkedFrom: z.object({ runId: z.string(), stepKey: z.string() }).optional(),
  /** Caps set in the run form for this run; each overrides the workflow's `config.limits` of the same kind. */
  budget: z
    .object({ maxTokens: z.number().int().min(1).optional(), maxCostUsd: z.number().min(0).optional() })
    .optional(),
  /** The last "restart from here": which step, and when. */
  restartedFrom: z.object({ stepKey: z.string(), at: z.number() }).optional(),
  /** A run opened from a run bundle (read-only): when it was exported, and its model rounds' request fingerprints. */
  importedFrom: z
    .object({
      exportedAt: z.string(),
      importedAt: z.number(),
      recording: z.array(z.object({ key: z.string(), request: z.string() })),
      /** Its http steps' request fingerprints and hosts. */
      http: z.array(z.object({ key: z.string(), request: z.string(), host: z.string() })).optional(),
    })
    .optional(),
  /** A replay of an imported run: unchanged model requests are answered from that run's recording. */
  replayOf: z.string().optional(),
  /** A cell (or an LLM judge of one) of an experiment: the batch it belongs to (`src/store/batches.ts`). */
  batchId: z.string().optional(),
  /** Pinned outputs by step slug, passed by the editor at start: such steps complete with the pin, never run. */
  pins: z.record(z.string(), runPinSchema).optional(),
  /** "Run this step" (only it, its inputs copied from `inputsFrom`) or "run to here" (`reached`: it stopped there). */
  partial: partialRunSchema.optional(),
  /** Model rounds' running totals (tokens, cost, budget raises), changed in each round's commit (`runTotals.ts`). */
  totals: z
    .object({ tokens: z.number(), costUsd: z.number(), raisedTokens: z.number(), raisedCostUsd: z.number() })
    .optional(),
  depth: z.number().int().min(0),
  nextSeq: z.number().int().min(0),
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** An event or approval sent to a run. Kept until a waiting step consumes it, exactly once. */
export const eventRecordSchema = z.object({
  id: z.string(),
  runId: z.string(),
  name: z.string(),
  payload: z.unknown(),
  sentAt: z.number(),
  consumedBy: z.string().optional(),
  /** The reason the user gave with the answer (the approvals inbox). */
  note: z.string().optional(),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;

/**
 * A message of an LLM thread, keyed by the effect that produced it (`…/prompt`, `…/r2`,
 * `…/r2/tool0`): writing it again on replay changes nothing, so a retry never duplicates it.
 */
export const threadMessageSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  seq: z.number().int(),
  runId: z.string(),
  message: z.record(z.string(), z.unknown()),
  /** For a model's answer: what actually answered (after aliases and fallbacks), shown with it. */
  author: z.object({ provider: z.string(), model: z.string() }).optional(),
  createdAt: z.number(),
});
export type ThreadMessageRecord = Omit<z.infer<typeof threadMessageSchema>, 'message'> & { message: ChatMessage };

export function stepKey(runId: string, slug: string, path: string): string {
  return `${runId}:${slug}@${path}`;
}

/** A stored record that no longer matches its schema (damaged, or written by another version). */
export class UnreadableRecordError extends Error {
  override name = 'UnreadableRecordError';
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`record ${key} is unreadable: ${problem}`);
  }
}

/** Checks a record as a store reads it; a mismatch names the record and the first wrong field. */
export function readRecord<T>(schema: z.ZodType<T>, value: unknown, key: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path =
    issue.path.length === 0
      ? '(the record)'
      : issue.path
          .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
          .join('')
          .replace(/^\./, '');
  throw new UnreadableRecordError(key, `${path}: ${issue.message}`);
}

/** The runs that read back; each that does not is reported (one damaged run never keeps the others from resuming). */
export function readableRuns(
  stored: readonly unknown[],
  onUnreadable: (error: UnreadableRecordError) => void,
): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const record of stored) {
    try {
      runs.push(readRecord(runRecordSchema, record, String((record as { id?: unknown }).id)));
    } catch (error) {
      if (!(error instanceof UnreadableRecordError)) throw error;
      onUnreadable(error);
    }
  }
  return runs;
}
