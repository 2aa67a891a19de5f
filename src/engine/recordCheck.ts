import {
  attemptSchema,
  ERROR_CATEGORIES,
  readRecord,
  STEP_RECORD_KEYS,
  STEP_STATUSES,
  stepMetaSchema,
  stepRecordSchema,
  type StepRecord,
} from './records';

/**
 * The hot path of reading the journal: a resume reads every step record of a run, so the usual
 * record is checked by hand, and only one the hand check refuses meets the zod schema.
 */

// zod's numbers are finite and its integers safe.
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isNum = (v: unknown): v is number => Number.isFinite(v);
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const isStr = (v: unknown) => typeof v === 'string';
const ATTEMPT_OUTCOMES: ReadonlySet<unknown> = new Set(attemptSchema.shape.outcome.options);
const CATEGORIES: ReadonlySet<unknown> = new Set(ERROR_CATEGORIES);
const STATUSES: ReadonlySet<unknown> = new Set(STEP_STATUSES);
const META_STRINGS = ['provider', 'model', 'note', 'winner', 'forkedFrom', 'copiedFrom'] as const;
const USAGE_FIELDS = ['inputTokens', 'outputTokens', 'reasoningTokens', 'cachedInputTokens', 'totalTokens'] as const;

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStepError(v: unknown): boolean {
  return (
    isPlain(v) &&
    isStr(v.message) &&
    CATEGORIES.has(v.category) &&
    typeof v.retryable === 'boolean' &&
    optional(v.retryAfterMs, isNum)
  );
}

function isAttempt(v: unknown): boolean {
  if (!isPlain(v) || !isInt(v.n) || v.n < 1 || !isNum(v.startedAt) || !optional(v.endedAt, isNum)) return false;
  return ATTEMPT_OUTCOMES.has(v.outcome) && optional(v.error, isStepError) && optional(v.partialText, isStr);
}

/** zod drops keys a schema does not name: a record holding any goes through zod, so both read it alike. */
const onlyKeys = (v: Record<string, unknown>, known: ReadonlySet<string>) =>
  Object.keys(v).every((key) => known.has(key));
const META_KEYS: ReadonlySet<string> = new Set(Object.keys(stepMetaSchema.shape));
const USAGE_KEYS: ReadonlySet<string> = new Set(USAGE_FIELDS);

function isPriceSource(v: unknown): boolean {
  if (!isPlain(v)) return false;
  if (v.kind === 'table') return onlyKeys(v, TABLE_PRICE_KEYS) && isStr(v.asOf);
  return v.kind === 'settings' && onlyKeys(v, SETTINGS_PRICE_KEYS);
}
const TABLE_PRICE_KEYS: ReadonlySet<string> = new Set(['kind', 'asOf']);
const SETTINGS_PRICE_KEYS: ReadonlySet<string> = new Set(['kind']);

function isMeta(v: unknown): boolean {
  if (!isPlain(v) || !onlyKeys(v, META_KEYS) || !META_STRINGS.every((field) => optional(v[field], isStr))) return false;
  // Rare (a budget's Continue): the schema checks it.
  if (v.budgetRaise !== undefined || v.loopProgress !== undefined) return false;
  if (!optional(v.rounds, isInt) || !optional(v.costUsd, isNum) || !optional(v.priceSource, isPriceSource))
    return false;
  if (!optional(v.pinned, (p) => typeof p === 'boolean') || !optional(v.items, isInt)) return false;
  return optional(
    v.usage,
    (u) => isPlain(u) && onlyKeys(u, USAGE_KEYS) && USAGE_FIELDS.every((field) => optional(u[field], isNum)),
  );
}

function hasIdentity(v: Record<string, unknown>): boolean {
  if (v.kind === 'step') return isStr(v.stepType) && v.parentKey === undefined;
  if (v.kind === 'llm-round') return v.stepType === 'llm-round' && isStr(v.parentKey);
  return v.kind === 'tool-call' && v.stepType === 'tool' && isStr(v.parentKey);
}

/**
 * Whether `v` is a step record as `stepRecordSchema` defines it, checked by hand (zod's parse of a
 * 10,000-record journal would dominate a resume). Never accepts what the schema refuses (tested);
 * when it says no, the schema gives the verdict and the message.
 */
function looksLikeStepRecord(v: unknown): v is StepRecord {
  if (!isPlain(v) || !onlyKeys(v, STEP_RECORD_KEYS) || !hasIdentity(v) || !STATUSES.has(v.status)) return false;
  if (![v.key, v.runId, v.slug, v.path].every(isStr) || !isInt(v.seq) || !isInt(v.interruptions) || v.interruptions < 0)
    return false;
  if (!isNum(v.startedAt) || !optional(v.endedAt, isNum) || !optional(v.wakeAt, isNum)) return false;
  if (!optional(v.branch, isStr) || !optional(v.childRunId, isStr) || !optional(v.pure, (p) => typeof p === 'boolean'))
    return false;
  if (!optional(v.error, isStepError) || !optional(v.meta, isMeta)) return false;
  if (!Array.isArray(v.attempts) || !v.attempts.every(isAttempt)) return false;
  const finished = v.status === 'completed' || v.status === 'failed';
  return !(finished && v.endedAt === undefined) && !(v.status === 'failed' && v.error === undefined);
}

/** A step record as a store reads it: the usual one passes the hand check, anything else meets the schema. */
export function readStepRecord(value: unknown, key: string): StepRecord {
  // The schema's refinement checks what `StepStatusFields` promises, which zod's inferred type cannot say.
  return looksLikeStepRecord(value) ? value : (readRecord(stepRecordSchema, value, key) as StepRecord);
}
