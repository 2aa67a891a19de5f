import { z } from 'zod';

/**
 * An experiment: one workflow run over every row of a table, once per variant, each output checked by
 * evaluators. This module is the contract between the batch scheduler (worker), the setup screen and the
 * results screen: the spec the user builds, and the per-cell result the scheduler records.
 *
 * A *cell* is one (row, variant) pair and is one durable run; its run id is derived from the batch id and
 * the cell's position (`cellRunId`), so starting a cell twice (a reload between start and bookkeeping)
 * finds the run already there instead of running the row again.
 */

export const MAX_VARIANTS = 6;
/** Rows of one experiment (its cells are rows × variants). */
export const MAX_EXPERIMENT_ROWS = 100_000;

const label = z.string().trim().min(1).max(120);

/**
 * What one variant changes in the workflow before its cells run. Every field is optional; an empty
 * variant runs the workflow as saved. `model` replaces the model (and provider, when given) of every LLM
 * step; `versionSeq` runs that saved version of the workflow instead of the current one; `prompts`
 * replaces the user prompt of the LLM steps it names (step slug → template).
 */
export const variantSchema = z.strictObject({
  id: z.string().min(1).max(64),
  label,
  model: z
    .strictObject({ provider: z.string().min(1).max(200).optional(), model: z.string().min(1).max(200) })
    .optional(),
  versionSeq: z.number().int().min(1).optional(),
  prompts: z.record(z.string(), z.string().max(100_000)).optional(),
});
export type Variant = z.infer<typeof variantSchema>;

/** Where a check reads the value it tests: a JSONata-free dotted path into the output (`''` = all of it). */
const outputPath = z.string().max(500).default('');
/** A value to compare against: typed in the check, or read from a column of the row (per row "expected"). */
export const expectedValueSchema = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('value'), value: z.unknown() }),
  z.strictObject({ from: z.literal('column'), column: z.string().min(1).max(200) }),
]);
export type ExpectedValue = z.infer<typeof expectedValueSchema>;

const evaluatorBase = { id: z.string().min(1).max(64), label };

/**
 * One check applied to each cell's output. Regexes are RE2 (linear time, as in expressions); `jsonata`
 * evaluates over `{ input, output, expected }` and passes when the result is `true`; `llm-judge` is a
 * durable run of its own (tokens and cost counted apart from the cell's) that must answer
 * `{ pass: boolean, reason: string }`.
 */
export const evaluatorSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...evaluatorBase,
    kind: z.literal('json-schema'),
    path: outputPath,
    schema: z.record(z.string(), z.unknown()),
  }),
  z.strictObject({ ...evaluatorBase, kind: z.literal('equals'), path: outputPath, expected: expectedValueSchema }),
  z.strictObject({
    ...evaluatorBase,
    kind: z.literal('contains'),
    path: outputPath,
    expected: expectedValueSchema,
    caseSensitive: z.boolean().default(true),
  }),
  z.strictObject({
    ...evaluatorBase,
    kind: z.literal('regex'),
    path: outputPath,
    pattern: z.string().min(1).max(2_000),
    caseInsensitive: z.boolean().default(false),
  }),
  z.strictObject({
    ...evaluatorBase,
    kind: z.literal('jsonata'),
    expression: z.string().min(1).max(10_000),
    /** What `expected` holds in the expression (absent: the cell's default expected value, if any). */
    expected: expectedValueSchema.optional(),
  }),
  z.strictObject({
    ...evaluatorBase,
    kind: z.literal('llm-judge'),
    /** Template over `input`, `output` and `expected` (the same `{{ }}` templates as workflow prompts). */
    prompt: z.string().min(1).max(100_000),
    model: z.strictObject({ provider: z.string().min(1).max(200).optional(), model: z.string().min(1).max(200) }),
    /** What `{{expected}}` in the prompt reads. */
    expected: expectedValueSchema.optional(),
  }),
]);
export type Evaluator = z.infer<typeof evaluatorSchema>;
export type EvaluatorKind = Evaluator['kind'];

/** Where the rows came from (shown on the experiment; the rows themselves are stored with the batch). */
export const rowSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('table'), table: z.string().min(1).max(200) }),
  z.strictObject({ kind: z.literal('file'), fileName: z.string().max(500), format: z.enum(['csv', 'json']) }),
  z.strictObject({ kind: z.literal('list'), column: z.string().min(1).max(200) }),
]);
export type RowSource = z.infer<typeof rowSourceSchema>;

/** What the user builds on the setup screen and the scheduler runs. */
export const experimentSpecSchema = z.strictObject({
  name: label,
  workflowId: z.string().min(1),
  source: rowSourceSchema,
  /** Workflow input name → the row's column that fills it. */
  mapping: z.record(z.string(), z.string()),
  /** 1 variant = a plain batch run; 2–6 = a model matrix (a column group per variant). */
  variants: z.array(variantSchema).min(1).max(MAX_VARIANTS),
  evaluators: z.array(evaluatorSchema).max(20).default([]),
});
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>;
/** The spec as the setup screen may send it (fields with defaults left out). */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;

/** One row of the experiment's table, as imported (after mapping checks passed). */
export type ExperimentRow = Record<string, unknown>;

export const CELL_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** One check's verdict on one cell. */
export interface EvaluationResult {
  evaluatorId: string;
  pass: boolean;
  /** Why it failed (or the judge's reason): names the path, the expected and the actual value. */
  reason: string;
  /** LLM judges only: the judge's own run, tokens and cost (kept apart from the cell's). */
  judgeRunId?: string;
  tokens?: number;
  costUsd?: number;
}

/** What the results table shows for one (row, variant). */
export interface CellResult {
  rowIndex: number;
  variantId: string;
  status: CellStatus;
  runId?: string;
  output?: unknown;
  error?: string;
  tokens?: number;
  costUsd?: number;
  latencyMs?: number;
  /** Absent until every evaluator has answered. */
  evaluations?: EvaluationResult[];
}

/** The durable run id of a cell: the same for every attempt to start it, unique per batch and cell. */
export function cellRunId(batchId: string, rowIndex: number, variantIndex: number): string {
  return `${batchId}.r${rowIndex}.v${variantIndex}`;
}
