import { MAX_EXPERIMENT_ROWS, type ExperimentRow } from './experiment';
import { workflowInputUses } from './inputs';
import type { WorkflowFile } from './workflow';

/**
 * The rows of an experiment checked against the workflow's inputs before anything starts: every problem
 * at once, each naming the row (1-based, as the preview numbers them) and the column. Pure.
 */

export type InputKind = 'text' | 'number' | 'integer' | 'boolean' | 'json' | 'any';

/** One input the experiment fills from a column. */
export interface ExperimentInput {
  name: string;
  kind: InputKind;
  required: boolean;
}

export type RowProblem =
  | { kind: 'malformed-file'; message: string }
  | { kind: 'no-rows'; message: string }
  | { kind: 'too-many-rows'; count: number; message: string }
  | { kind: 'unmapped-input'; input: string; message: string }
  | { kind: 'unknown-column'; column: string; message: string }
  | { kind: 'missing-value'; row: number; column: string; input: string; message: string }
  | { kind: 'wrong-type'; row: number; column: string; input: string; message: string }
  /** Row problems past the first `ROW_PROBLEMS_SHOWN` of a kind, counted. */
  | { kind: 'more-rows'; count: number; message: string };

/** A value the check turned into the type its input wants (`"42"` → 42), said in the preview. */
export interface Coercion {
  column: string;
  to: 'number' | 'boolean' | 'text' | 'json';
  /** How many rows had their value converted. */
  rows: number;
}

export interface RowCheck {
  /** The rows as they will run (converted values in place); complete only when `problems` is empty. */
  rows: ExperimentRow[];
  problems: RowProblem[];
  coercions: Coercion[];
}

export interface RowCheckOptions {
  /** The values came as text (CSV, a pasted list, a table imported from CSV): convert them lightly. */
  fromText: boolean;
  /** The column holding each row's expected value, if any. */
  expectedColumn?: string;
}

/** Per kind, at most this many row problems are listed; the rest are counted in one line. */
export const ROW_PROBLEMS_SHOWN = 50;

type SchemaProperty = { type?: unknown };

/** The inputs of a workflow: declared ones with their schema type and requiredness, then undeclared reads. */
export function experimentInputs(doc: WorkflowFile): ExperimentInput[] {
  const schema = doc.workflowConfig.config?.inputSchema as
    { properties?: Record<string, SchemaProperty>; required?: unknown } | undefined;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as unknown[]) : []);
  return workflowInputUses(doc as never).map(({ name }) => ({
    name,
    kind: kindOf(schema?.properties?.[name]?.type),
    required: required.has(name),
  }));
}

function kindOf(type: unknown): InputKind {
  if (type === 'string') return 'text';
  if (type === 'number' || type === 'integer' || type === 'boolean') return type;
  if (type === 'object' || type === 'array') return 'json';
  return 'any';
}

const normalName = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

/** Input name → column, wherever a column has the same name (case, spaces, `_` and `-` aside). */
export function autoMapping(inputs: readonly ExperimentInput[], columns: readonly string[]): Record<string, string> {
  const byName = new Map<string, string>();
  for (const column of columns) if (!byName.has(normalName(column))) byName.set(normalName(column), column);
  const mapping: Record<string, string> = {};
  for (const input of inputs) {
    const column = byName.get(normalName(input.name));
    if (column !== undefined) mapping[input.name] = column;
  }
  return mapping;
}

/** The columns of a set of rows, in the order they first appear. */
export function columnsOf(rows: readonly ExperimentRow[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Checks every row against the inputs and the mapping (input → column); converts what it may. */
export function checkExperimentRows(
  inputs: readonly ExperimentInput[],
  mapping: Readonly<Record<string, string>>,
  rows: readonly ExperimentRow[],
  options: RowCheckOptions,
): RowCheck {
  const problems = mappingProblems(inputs, mapping, rows, options);
  if (problems.length > 0 || rows.length > MAX_EXPERIMENT_ROWS) return { rows: [], problems, coercions: [] };
  const mapped = inputs.flatMap((input) => {
    const column = mapping[input.name];
    return column === undefined || column === '' ? [] : [{ input, column }];
  });
  const counts = new Map<string, Coercion>();
  const rowProblems = new ProblemList();
  const checked = rows.map((row, index) => {
    const out: ExperimentRow = { ...row };
    for (const { input, column } of mapped) {
      const verdict = checkValue(input, row[column], options.fromText);
      const where = { row: index + 1, column, input: input.name };
      if (verdict.kind === 'missing') {
        if (input.required)
          rowProblems.add({
            kind: 'missing-value',
            ...where,
            message: `${rowName(where)}: empty, but ${input.name} is required`,
          });
      } else if (verdict.kind === 'wrong') {
        rowProblems.add({ kind: 'wrong-type', ...where, message: `${rowName(where)}: ${verdict.message}` });
      } else if (verdict.kind === 'converted') {
        out[column] = verdict.value;
        const count = counts.get(column) ?? { column, to: verdict.to, rows: 0 };
        count.rows++;
        counts.set(column, count);
      }
    }
    return out;
  });
  return { rows: checked, problems: rowProblems.all(), coercions: [...counts.values()] };
}

function mappingProblems(
  inputs: readonly ExperimentInput[],
  mapping: Readonly<Record<string, string>>,
  rows: readonly ExperimentRow[],
  options: RowCheckOptions,
): RowProblem[] {
  const problems: RowProblem[] = [];
  if (rows.length === 0) problems.push({ kind: 'no-rows', message: 'there are no rows to run' });
  if (rows.length > MAX_EXPERIMENT_ROWS) {
    const count = rows.length;
    const max = MAX_EXPERIMENT_ROWS.toLocaleString('en');
    const message = `${count.toLocaleString('en')} rows; an experiment runs at most ${max}`;
    problems.push({ kind: 'too-many-rows', count, message });
  }
  const columns = new Set(columnsOf(rows.slice(0, 1_000)));
  const known = (column: string) => rows.length === 0 || columns.has(column) || rows.some((row) => column in row);
  for (const input of inputs) {
    const column = mapping[input.name];
    if (column === undefined || column === '') {
      if (input.required)
        problems.push({
          kind: 'unmapped-input',
          input: input.name,
          message: `the required input ${input.name} has no column`,
        });
    } else if (!known(column)) {
      problems.push({
        kind: 'unknown-column',
        column,
        message: `no row has the column “${column}” (mapped to ${input.name})`,
      });
    }
  }
  const expected = options.expectedColumn;
  if (expected && !known(expected))
    problems.push({
      kind: 'unknown-column',
      column: expected,
      message: `no row has the expected column “${expected}”`,
    });
  return problems;
}

const rowName = ({ row, column }: { row: number; column: string }) => `row ${row}, column “${column}”`;

/** Keeps the first `ROW_PROBLEMS_SHOWN` of each kind, and one line counting the rest. */
class ProblemList {
  private readonly kept: RowProblem[] = [];
  private readonly more = new Map<RowProblem['kind'], number>();
  private readonly shown = new Map<RowProblem['kind'], number>();

  add(problem: RowProblem): void {
    const shown = this.shown.get(problem.kind) ?? 0;
    if (shown < ROW_PROBLEMS_SHOWN) {
      this.kept.push(problem);
      this.shown.set(problem.kind, shown + 1);
    } else this.more.set(problem.kind, (this.more.get(problem.kind) ?? 0) + 1);
  }

  all(): RowProblem[] {
    const summaries = [...this.more].map(([kind, count]): RowProblem => {
      const what = kind === 'missing-value' ? 'empty required values' : 'values of the wrong type';
      return { kind: 'more-rows', count, message: `and ${count.toLocaleString('en')} more rows with ${what}` };
    });
    return [...this.kept, ...summaries];
  }
}

type Verdict =
  | { kind: 'ok' }
  | { kind: 'missing' }
  | { kind: 'converted'; value: unknown; to: Coercion['to'] }
  | { kind: 'wrong'; message: string };

const OK: Verdict = { kind: 'ok' };
const BOOLEAN_TEXT = /^(true|false)$/i;

/** Whether a value fits its input; text from a CSV may become the number, boolean or JSON the input wants. */
function checkValue(input: ExperimentInput, value: unknown, fromText: boolean): Verdict {
  if (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '' && input.kind !== 'text')
  )
    return { kind: 'missing' };
  if (value === '' && input.kind === 'text') return { kind: 'missing' };
  const wrong = (wants: string): Verdict => ({
    kind: 'wrong',
    message: `${describe(value)} is not ${wants} (${input.name} wants ${wants})`,
  });
  switch (input.kind) {
    case 'any':
      return OK;
    case 'text':
      if (typeof value === 'string') return OK;
      return fromText && typeof value === 'number'
        ? { kind: 'converted', value: String(value), to: 'text' }
        : wrong('text');
    case 'number':
    case 'integer': {
      const wants = input.kind === 'integer' ? 'a whole number' : 'a number';
      const number = typeof value === 'string' && fromText ? Number(value.trim()) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) return wrong(wants);
      if (input.kind === 'integer' && !Number.isInteger(number)) return wrong(wants);
      return number === value ? OK : { kind: 'converted', value: number, to: 'number' };
    }
    case 'boolean':
      if (typeof value === 'boolean') return OK;
      if (fromText && typeof value === 'string' && BOOLEAN_TEXT.test(value.trim()))
        return { kind: 'converted', value: value.trim().toLowerCase() === 'true', to: 'boolean' };
      return wrong('true or false');
    case 'json':
      if (typeof value === 'object') return OK;
      return fromText && typeof value === 'string'
        ? (parseJsonCell(value) ?? wrong('a list or an object'))
        : wrong('a list or an object');
  }
}

function parseJsonCell(text: string): Verdict | null {
  if (!/^\s*[[{]/.test(text)) return null;
  try {
    return { kind: 'converted', value: JSON.parse(text) as unknown, to: 'json' };
  } catch {
    return null;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `“${value.length > 40 ? `${value.slice(0, 40)}…` : value}”`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A pasted list: one value per non-blank line, each a row with the one column `column`. */
export function rowsFromList(text: string, column: string): ExperimentRow[] {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => ({ [column]: line }));
}
