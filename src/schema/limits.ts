/** Hard limits on untrusted workflow content. Each one turns a hostile input into a readable error. */
export const LIMITS = {
  /** Bytes of JSON text accepted by import (file, paste or link). */
  importBytes: 4 * 1024 * 1024,
  /** Nesting depth of any JSON value in a workflow file. */
  jsonDepth: 64,
  /** Steps in one workflow, container bodies included. */
  steps: 20_000,
  /** Entries in any one JSON array or object (a list of steps may hold `steps`). */
  entries: 10_000,
  /** Loop/parallel containers nested inside each other. */
  containerDepth: 16,
  /** Subworkflow runs nested inside each other. */
  subworkflowDepth: 8,
  /** Characters in one expression (conditions, transforms, `while`). */
  expressionChars: 10_000,
  /** Characters in one string field that may hold templates. */
  stringChars: 200_000,
  /** Iterations a `while` loop may declare. */
  maxIterations: 10_000,
  /** For-each concurrency. */
  concurrency: 32,
  /** Workflows bundled into one export (subworkflow definitions). */
  bundledWorkflows: 64,
} as const;

/** Steps in flight across all runs when the user has not set a number in Settings (at most `LIMITS.concurrency`). */
export const DEFAULT_MAX_PARALLELISM = 4;

/**
 * Expression evaluation budget: wall time, evaluation depth, sequence length, and the sizes that one
 * built-in call or operator may build (checked before the work, since jsonata checks time only between steps).
 */
export const EXPRESSION_BUDGET = {
  timeoutMs: 250,
  stackDepth: 300,
  /** Items in a sequence; also matches of one regex call and parts of one `$split`. */
  sequenceLength: 100_000,
  /** Characters of a string a built-in or `&` builds, unless no longer than its longest input string. */
  stringChars: 1_000_000,
  /** Values a built-in walks or a result holds, a shared reference counting each time it appears. */
  valueNodes: 1_000_000,
  /** Characters of all strings in a result, a shared string counting each time it appears. */
  resultChars: 10_000_000,
  /** Items `$sort` takes (jsonata's merge sort copies the array at every step). */
  sortItems: 5_000,
  /** Items `$distinct` takes (it compares each item with every distinct one before it). */
  distinctItems: 5_000,
} as const;

/**
 * How long one attempt of an effect may take when its step sets no `timeoutMs`: connecting, the
 * answer and its whole body. A timeout is retryable: the step's retry policy decides what follows.
 */
export const EFFECT_TIMEOUT_MS = {
  http: 30_000,
  modelRound: 300_000,
  toolCall: 60_000,
} as const;
