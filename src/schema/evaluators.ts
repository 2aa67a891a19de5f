import { errorMessage } from './errorMessage';
import type { EvaluationResult, Evaluator, ExperimentRow } from './experiment';
import { evaluateExpression, type ExpressionContext } from './expression';
import { stableStringify } from './hash';
import { compilePattern, patternCost, patternFinds } from './jsonSchemaKeywords';
import { describeSchemaError, validateJsonSchema } from './jsonSchemaValidator';
import {
  asText,
  describePath,
  describeValue,
  preview,
  readExpected,
  readOutputPath,
  type ExpectedRead,
} from './evaluatorValues';

export { checkEvaluators, type EvaluatorProblem } from './evaluatorChecks';
export { judgeWorkflow, readJudgeVerdict, type JudgeRun, type JudgeVerdict } from './judge';

/**
 * Evaluators: the checks of an experiment applied to one cell's output. Pure and never throwing: a bad
 * pattern, expression or schema is a failing result with its reason, never an exception. LLM judges are
 * durable runs of their own (`judgeWorkflow`), so `evaluateCell` leaves them to the scheduler.
 */

export interface CellContext {
  input: ExperimentRow;
  output: unknown;
  /** The default `expected` of checks that name none (jsonata and judges); each check's own one wins. */
  expected?: unknown;
  /** What `$now()` returns in jsonata checks (default: the time of the call). */
  nowMs?: number;
}

type Verdict = Pick<EvaluationResult, 'pass' | 'reason'>;
type Check<K extends Evaluator['kind']> = (evaluator: Extract<Evaluator, { kind: K }>, ctx: CellContext) => Verdict;

/** Work units (text length × RE2 program size / 64) one regex check may cost: RE2 is linear, so this bounds time. */
const REGEX_MAX_COST = 20_000_000;

const pass = (reason: string): Verdict => ({ pass: true, reason });
const fail = (reason: string): Verdict => ({ pass: false, reason });

/** Every non-judge evaluator's verdict on one cell, in the evaluators' order. */
export async function evaluateCell(evaluators: Evaluator[], ctx: CellContext): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  for (const evaluator of evaluators) {
    if (evaluator.kind === 'llm-judge') continue;
    const verdict = await evaluateOne(evaluator, ctx);
    results.push({ evaluatorId: evaluator.id, ...verdict });
  }
  return results;
}

async function evaluateOne(evaluator: Exclude<Evaluator, { kind: 'llm-judge' }>, ctx: CellContext): Promise<Verdict> {
  try {
    switch (evaluator.kind) {
      case 'json-schema':
        return checkJsonSchema(evaluator, ctx);
      case 'equals':
        return checkEquals(evaluator, ctx);
      case 'contains':
        return checkContains(evaluator, ctx);
      case 'regex':
        return checkRegex(evaluator, ctx);
      case 'jsonata':
        return await checkJsonata(evaluator, ctx);
    }
  } catch (error) {
    // Only a value nested deeper than the stack gets here (JSON text of a comparison).
    return fail(`the check could not run: ${errorMessage(error)}`);
  }
}

/** The value a check reads, or the failing verdict saying why there is none. */
function valueAt(output: unknown, path: string): { value: unknown } | Verdict {
  const read = readOutputPath(output, path);
  return read.found ? { value: read.value } : fail(read.reason);
}

const checkJsonSchema: Check<'json-schema'> = (evaluator, ctx) => {
  const read = valueAt(ctx.output, evaluator.path);
  if (!('value' in read)) return read;
  const where = describePath(evaluator.path);
  const verdict = validateJsonSchema(evaluator.schema, read.value);
  if (verdict.valid) return pass(`${where} matches the schema`);
  if (verdict.cause === 'schema') return fail(`the schema cannot be used: ${verdict.errors[0].message}`);
  // Text answers often hold JSON: text that parses is checked as the value it spells.
  const parsed = typeof read.value === 'string' ? parseJson(read.value) : undefined;
  if (parsed !== undefined) {
    const again = validateJsonSchema(evaluator.schema, parsed.value);
    if (again.valid) return pass(`${where} is JSON text that matches the schema`);
    if (again.cause === 'instance' && again.errors[0]) return fail(describeSchemaError(again.errors[0], where));
  }
  const first = verdict.errors[0];
  return fail(first ? describeSchemaError(first, where) : `${where} does not match the schema`);
};

function parseJson(text: string): { value: unknown } | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return { value: JSON.parse(trimmed) as unknown };
  } catch {
    return undefined;
  }
}

/** The check's expected value, or a failing verdict naming the missing column. */
function expectedOf(read: ExpectedRead): { value: unknown } | Verdict {
  return read.found ? { value: read.value } : fail(read.reason);
}

interface Compared {
  actual: unknown;
  expected: unknown;
  where: string;
}

/** The value at the check's path and its expected value, or the failing verdict saying which is missing. */
function comparedValues(
  evaluator: Extract<Evaluator, { kind: 'equals' | 'contains' }>,
  ctx: CellContext,
): Compared | Verdict {
  const read = valueAt(ctx.output, evaluator.path);
  if (!('value' in read)) return read;
  const expected = expectedOf(readExpected(evaluator.expected, ctx.input));
  if (!('value' in expected)) return expected;
  return { actual: read.value, expected: expected.value, where: describePath(evaluator.path) };
}

const checkEquals: Check<'equals'> = (evaluator, ctx) => {
  const values = comparedValues(evaluator, ctx);
  if ('pass' in values) return values;
  const { actual, expected, where } = values;
  if (deepEqual(actual, expected)) return pass(`${where} equals ${preview(expected)}`);
  // A column holds text ("42"); a number or yes/no output equal to that text counts as equal.
  const fromColumn = evaluator.expected.from === 'column' && typeof expected === 'string';
  const actualText = typeof actual === 'string' ? undefined : asText(actual);
  if (fromColumn && actualText !== undefined && actualText === (expected as string).trim()) {
    return pass(`${where} equals ${preview(expected)}`);
  }
  return fail(`${where}: expected ${preview(expected)}, got ${preview(actual)}`);
};

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return stableStringify(a) === stableStringify(b);
}

const checkContains: Check<'contains'> = (evaluator, ctx) => {
  const values = comparedValues(evaluator, ctx);
  if ('pass' in values) return values;
  const { actual, expected, where } = values;
  const fold = (text: string) => (evaluator.caseSensitive ? text : text.toLowerCase());
  const wanted = preview(expected);
  if (Array.isArray(actual)) {
    const needle = typeof expected === 'string' ? fold(expected) : undefined;
    const found = actual.some((item) =>
      needle !== undefined && typeof item === 'string' ? fold(item) === needle : deepEqual(item, expected),
    );
    return found ? pass(`${where} includes ${wanted}`) : fail(`${where} (${preview(actual)}) has no item ${wanted}`);
  }
  const text = asText(actual);
  if (text === undefined) return fail(`${where} is ${describeValue(actual)}, not text or a list`);
  const needle = asText(expected);
  if (needle === undefined) return fail(`the expected value ${wanted} is not text, so text cannot contain it`);
  return fold(text).includes(fold(needle))
    ? pass(`${where} contains ${wanted}`)
    : fail(`${where} (${preview(text)}) does not contain ${wanted}`);
};

const checkRegex: Check<'regex'> = (evaluator, ctx) => {
  const read = valueAt(ctx.output, evaluator.path);
  if (!('value' in read)) return read;
  const where = describePath(evaluator.path);
  const pattern = compilePattern(evaluator.caseInsensitive ? `(?i)${evaluator.pattern}` : evaluator.pattern);
  if (!pattern.ok) return fail(`the pattern /${evaluator.pattern}/ cannot be used: ${pattern.reason}`);
  const text = asText(read.value);
  if (text === undefined) return fail(`${where} is ${describeValue(read.value)}, not text to match`);
  if (patternCost(pattern, text) > REGEX_MAX_COST) {
    return fail(
      `matching /${evaluator.pattern}/ against ${text.length.toLocaleString('en-US')} characters is too costly`,
    );
  }
  return patternFinds(pattern, text)
    ? pass(`${where} matches /${evaluator.pattern}/`)
    : fail(`${where} (${preview(text)}) does not match /${evaluator.pattern}/`);
};

async function checkJsonata(evaluator: Extract<Evaluator, { kind: 'jsonata' }>, ctx: CellContext): Promise<Verdict> {
  let expected: unknown = ctx.expected;
  if (evaluator.expected) {
    const read = expectedOf(readExpected(evaluator.expected, ctx.input));
    if (!('value' in read)) return read;
    expected = read.value;
  }
  const scope: ExpressionContext & { output: unknown; expected: unknown } = {
    input: ctx.input,
    output: ctx.output,
    expected,
  };
  let result: unknown;
  try {
    result = await evaluateExpression(evaluator.expression, scope, {
      nowMs: ctx.nowMs ?? Date.now(),
      seed: evaluator.id,
    });
  } catch (error) {
    return fail(`the expression failed: ${errorMessage(error)}`);
  }
  if (result === true) return pass('the expression is true');
  return fail(`the expression gave ${result === undefined ? 'nothing' : preview(result)}, not true`);
}
