/** Hard limits on untrusted workflow content. Each one turns a hostile input into a readable error. */
export const LIMITS = {
  /** Bytes of JSON text accepted by import (file, paste or link). */
  importBytes: 4 * 1024 * 1024,
  /** Nesting depth of any JSON value in a workflow file. */
  jsonDepth: 64,
  /** Steps in one workflow, container bodies included. */
  steps: 20_000,
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

/** Expression evaluation budget: wall time, evaluation depth and sequence length. */
export const EXPRESSION_BUDGET = {
  timeoutMs: 250,
  stackDepth: 300,
  sequenceLength: 100_000,
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
