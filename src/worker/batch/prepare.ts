import { compileWorkflow, type CompiledWorkflow } from '../../engine/compile';
import { checkInput, InputError } from '../../engine/input';
import { errorMessage } from '../../schema/errorMessage';
import { checkEvaluators } from '../../schema/evaluators';
import {
  experimentSpecSchema,
  MAX_EXPERIMENT_ROWS,
  type ExperimentRow,
  type ExperimentSpec,
} from '../../schema/experiment';
import { checkExperimentRows, columnsOf, experimentInputs } from '../../schema/experimentRows';
import { applyVariant } from '../../schema/variants';
import { isObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { emptyCounts, type BatchRecord } from '../../store/batches';
import type { ExperimentStartOptions } from './experimentApi';

/** Cells started at once when the experiment does not say. */
export const DEFAULT_BATCH_CONCURRENCY = 8;
export const MAX_BATCH_CONCURRENCY = 32;
/** Row problems named in one refusal (the setup screen lists them all before it gets here). */
const PROBLEMS_NAMED = 5;

/** What the workflow's store gives the checks: the workflow as saved now and its saved versions. */
export interface ExperimentWorkflow {
  doc: WorkflowFile;
  versions: ReadonlyMap<number, WorkflowFile>;
}

/** A checked experiment, ready to store in one transaction. */
export interface PreparedBatch {
  batch: BatchRecord;
  rows: ExperimentRow[];
}

/** The inputs of one cell's run: each mapped workflow input from its column (an absent value stays absent). */
export function cellInput(mapping: Readonly<Record<string, string>>, row: ExperimentRow): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(mapping)) {
    if (column !== '' && Object.hasOwn(row, column) && row[column] !== undefined) input[name] = row[column];
  }
  return input;
}

/** The spec as zod reads it, or an InputError naming the field. */
export function parseSpec(spec: unknown): ExperimentSpec {
  const parsed = experimentSpecSchema.safeParse(spec);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.') || '(the spec)';
  throw new InputError(`the experiment's ${path}: ${issue.message}`);
}

/** Untrusted rows: an array of plain objects, not too many. */
function checkRowShapes(rows: unknown): asserts rows is ExperimentRow[] {
  if (!Array.isArray(rows)) throw new InputError('the rows must be a list');
  if (rows.length === 0) throw new InputError('there are no rows to run');
  if (rows.length > MAX_EXPERIMENT_ROWS)
    throw new InputError(`${rows.length} rows; an experiment runs at most ${MAX_EXPERIMENT_ROWS}`);
  const bad = rows.findIndex((row) => !isObject(row));
  if (bad >= 0) throw new InputError(`row ${bad + 1} is not an object of columns`);
}

interface VariantWorkflow {
  workflow: WorkflowFile;
  compiled: CompiledWorkflow;
}

/** Each variant's workflow; a variant that cannot run, or a workflow that does not compile, is refused. */
function variantWorkflows(spec: ExperimentSpec, workflow: ExperimentWorkflow): VariantWorkflow[] {
  return spec.variants.map((variant) => {
    const applied = applyVariant(workflow.doc, variant, workflow.versions);
    if (applied.kind === 'problem') throw new InputError(applied.message);
    try {
      return { workflow: applied.workflow, compiled: compileWorkflow(applied.workflow) };
    } catch (error) {
      throw new InputError(`variant “${variant.label}”: the workflow cannot run: ${errorMessage(error)}`);
    }
  });
}

/** The rows checked against every variant's inputs (types converted as the preview said), or an InputError. */
function checkedRows(
  spec: ExperimentSpec,
  workflows: VariantWorkflow[],
  rows: ExperimentRow[],
  fromText: boolean,
): ExperimentRow[] {
  let checked = rows;
  for (const { workflow } of workflows) {
    const result = checkExperimentRows(experimentInputs(workflow), spec.mapping, checked, { fromText });
    if (result.problems.length > 0) {
      const named = result.problems.slice(0, PROBLEMS_NAMED).map((problem) => problem.message);
      const more = result.problems.length - named.length;
      throw new InputError(named.join('; ') + (more > 0 ? `; and ${more} more problems` : ''));
    }
    checked = result.rows;
  }
  return checked;
}

/** Every row's input against each variant's input schema (what a run's start would refuse), named by row. */
function checkRunInputs(spec: ExperimentSpec, workflows: VariantWorkflow[], rows: ExperimentRow[]): void {
  for (const [v, { compiled }] of workflows.entries()) {
    rows.forEach((row, index) => {
      try {
        checkInput(compiled, cellInput(spec.mapping, row));
      } catch (error) {
        const label = workflows.length > 1 ? ` (variant “${spec.variants[v]!.label}”)` : '';
        throw new InputError(`row ${index + 1}${label}: ${errorMessage(error)}`);
      }
    });
  }
}

/** Checks the spec and the rows and builds the batch, every cell queued; throws InputError. */
export function prepareBatch(
  specInput: unknown,
  rowsInput: unknown,
  options: ExperimentStartOptions,
  workflow: ExperimentWorkflow,
  ids: { batchId: string; now: number },
): PreparedBatch {
  const spec = parseSpec(specInput);
  checkRowShapes(rowsInput);
  const columns = columnsOf(rowsInput);
  const evaluatorProblem = checkEvaluators(spec.evaluators, columns)[0];
  if (evaluatorProblem) throw new InputError(`evaluator ${evaluatorProblem.evaluatorId}: ${evaluatorProblem.message}`);
  const workflows = variantWorkflows(spec, workflow);
  const rows = checkedRows(spec, workflows, rowsInput, options.fromText ?? false);
  checkRunInputs(spec, workflows, rows);
  const concurrency = Math.min(
    MAX_BATCH_CONCURRENCY,
    Math.max(1, Math.floor(options.concurrency ?? DEFAULT_BATCH_CONCURRENCY)),
  );
  const { batchId, now } = ids;
  const cellCount = rows.length * spec.variants.length;
  const counts = { ...emptyCounts(), queued: cellCount };
  const batch: BatchRecord = {
    id: batchId,
    name: spec.name,
    workflowId: spec.workflowId,
    spec,
    variantWorkflows: workflows.map((variant) => variant.workflow),
    columns,
    rowCount: rows.length,
    status: 'running',
    counts,
    totals: { tokens: 0, costUsd: 0, judgeTokens: 0, judgeCostUsd: 0 },
    concurrency,
    variantCount: spec.variants.length,
    cellsCreated: 0,
    cellLimit: cellCount,
    createdAt: now,
    updatedAt: now,
  };
  return { batch, rows };
}
