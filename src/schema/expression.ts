import jsonata from 'jsonata';
import { RE2JS, RE2JSException } from 're2js';
import {
  BUILTIN_NAMES,
  Deadline,
  guardedBuiltins,
  refuse,
  type Builtins,
  type NativeFunction,
} from './expressionGuards';
import { bindingNeeds, guardOperator, operatorBindings, type BindingNeeds } from './expressionOperators';
import { DETERMINISTIC, deterministicOverrides, type EvaluationOptions } from './expressionDeterminism';
import { EXPRESSION_BUDGET, LIMITS } from './limits';

/**
 * JSONata expressions for conditions, `while` loops and transforms, made safe for untrusted workflows:
 * a time/depth/size budget (built-ins guarded in expressionGuards.ts), regular expressions on RE2 (linear time), and
 * deterministic `$now`, `$millis`, `$random`, `$shuffle` and `$toMillis`, so a recomputed step gives identical output.
 */

export class ExpressionError extends Error {
  override name = 'ExpressionError';
  /** The message without its "at character N: " prefix. */
  readonly detail: string;
  /** jsonata's error code when it has one (e.g. "D1012" for the timeout). */
  readonly code?: string;
  constructor(
    detail: string,
    readonly position?: number,
    code?: string,
  ) {
    super(position === undefined ? detail : `at character ${position}: ${detail}`);
    this.detail = detail;
    if (code !== undefined) this.code = code;
  }
}

export type { EvaluationOptions } from './expressionDeterminism';

export interface ExpressionContext {
  input?: unknown;
  trigger?: unknown;
  steps?: Record<string, { output: unknown }>;
  variables?: Record<string, unknown>;
  loop?: unknown;
  run?: unknown;
}

const COMPILED_CACHE_SIZE = 500;
const RE2_SYNTAX = 'regular expressions here use RE2 syntax: backreferences and lookaround are not supported';

// ---------------------------------------------------------------------------------------------------
// Regular expressions on RE2

const re2ByNative = new WeakMap<RegExp, RE2JS>();

/** Compiles a JSONata regex literal for RE2; throws a readable ExpressionError for unsupported syntax. */
function compileRe2(native: RegExp, position?: number): RE2JS {
  const cached = re2ByNative.get(native);
  if (cached) return cached;
  let flags = 0;
  if (native.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (native.flags.includes('m')) flags |= RE2JS.MULTILINE;
  if (native.flags.includes('s')) flags |= RE2JS.DOTALL;
  try {
    const compiled = RE2JS.compile(RE2JS.translateRegExp(native.source), flags);
    re2ByNative.set(native, compiled);
    return compiled;
  } catch (error) {
    const detail =
      error instanceof RE2JSException ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new ExpressionError(`${RE2_SYNTAX} (/${native.source}/: ${detail})`, position);
  }
}

/**
 * The RegExp surface jsonata uses (`lastIndex`, `exec`), run on RE2 so no pattern can backtrack.
 * Like a global RegExp: `exec` searches from `lastIndex` and leaves it where the match ended.
 */
class Re2RegExp {
  lastIndex = 0;
  private readonly pattern: RE2JS;

  constructor(native: RegExp) {
    this.pattern = compileRe2(native);
  }

  exec(text: string): RegExpExecArray | null {
    const matcher = this.pattern.matcher(text);
    if (this.lastIndex > text.length || !matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= matcher.groupCount(); group += 1) groups.push(matcher.group(group) ?? undefined);
    this.lastIndex = matcher.end();
    return Object.assign(groups, { index: matcher.start(), input: text }) as unknown as RegExpExecArray;
  }
}

const JSONATA_OPTIONS: jsonata.JsonataOptions = {
  timeout: EXPRESSION_BUDGET.timeoutMs,
  stack: EXPRESSION_BUDGET.stackDepth,
  sequence: EXPRESSION_BUDGET.sequenceLength,
  RegexEngine: Re2RegExp as unknown as RegExpConstructor,
};

// ---------------------------------------------------------------------------------------------------
// Compilation, cached by source

type Compiled =
  | { ok: true; expression: jsonata.Expression; stepRefs: string[]; inputRefs: string[]; needs: BindingNeeds }
  | { ok: false; error: ExpressionError };

/**
 * Map order is recency order, so the first key is the one to evict. Sharing is safe: a compiled
 * expression keeps no per-evaluation state (the clock, seed and context are passed with each call).
 */
const compiledCache = new Map<string, Compiled>();

function compile(source: string): Compiled {
  if (source.length > LIMITS.expressionChars) {
    const error = new ExpressionError(`expression is longer than ${LIMITS.expressionChars} characters`);
    return { ok: false, error };
  }
  const cached = compiledCache.get(source);
  if (cached) {
    compiledCache.delete(source);
    compiledCache.set(source, cached);
    return cached;
  }
  const compiled = compileUncached(source);
  compiledCache.set(source, compiled);
  if (compiledCache.size > COMPILED_CACHE_SIZE) {
    const oldest = compiledCache.keys().next().value;
    if (oldest !== undefined) compiledCache.delete(oldest);
  }
  return compiled;
}

function compileUncached(source: string): Compiled {
  try {
    const expression = jsonata(source, JSONATA_OPTIONS);
    const { stepRefs, inputRefs, needs } = inspectAst(expression.ast());
    return { ok: true, expression, stepRefs, inputRefs, needs };
  } catch (error) {
    return { ok: false, error: toExpressionError(error) };
  }
}

/** The AST fields read here; jsonata's typings miss some node types ("path", "regex"). */
interface AstNode {
  type?: unknown;
  value?: unknown;
  position?: number;
  steps?: unknown;
}

/**
 * Walks the AST (iteratively: it may be deep) to collect `steps.<slug>` references, to compile every
 * regex literal for RE2 up front, so unsupported syntax is a syntax error rather than a runtime one,
 * and to route the size-amplifying operators through their guards.
 */
function inspectAst(root: jsonata.ExprNode): { stepRefs: string[]; inputRefs: string[]; needs: BindingNeeds } {
  const stepRefs = new Set<string>();
  const inputRefs = new Set<string>();
  const variables = new Set<string>();
  let hasTransform = false;
  const seen = new Set<object>();
  const pending: unknown[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (node instanceof RegExp) continue;
    const ast = node as AstNode;
    if (ast.type === 'regex' && ast.value instanceof RegExp) compileRe2(ast.value, ast.position);
    if (ast.type === 'path' && Array.isArray(ast.steps)) {
      collectRootRef(ast.steps as AstNode[], 'steps', stepRefs);
      collectRootRef(ast.steps as AstNode[], 'input', inputRefs);
    }
    guardOperator(ast);
    if (ast.type === 'variable' && typeof ast.value === 'string') variables.add(ast.value);
    if (ast.type === 'transform') hasTransform = true;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') pending.push(child);
  }
  return {
    stepRefs: [...stepRefs].sort(),
    inputRefs: [...inputRefs].sort(),
    needs: bindingNeeds(variables, hasTransform),
  };
}

/** `<root>.name…`, `$.<root>.name…` or `$$.<root>.name…` at the start of a path (root `steps` or `input`). */
function collectRootRef(steps: AstNode[], root: 'steps' | 'input', into: Set<string>): void {
  const first = steps[0];
  const rootVariable = first?.type === 'variable' && (first.value === '' || first.value === '$');
  const at = rootVariable ? 1 : 0;
  const rootName = steps[at];
  const name = steps[at + 1];
  if (rootName?.type === 'name' && rootName.value === root && name?.type === 'name') {
    into.add(String(name.value));
  }
}

// ---------------------------------------------------------------------------------------------------
// Deterministic built-ins

let builtins: Promise<Builtins> | undefined;

/** jsonata's own definitions, captured once: overrides keep their signatures and delegate to them. */
function loadBuiltins(): Promise<Builtins> {
  const capture = `{${BUILTIN_NAMES.map((name) => `"${name}": $${name}`).join(', ')}}`;
  builtins ??= jsonata(capture).evaluate(null) as Promise<Builtins>;
  return builtins;
}

/**
 * Per-evaluation bindings: the compiled expression is shared, so the clock, seed and deadline travel
 * with the call. Every built-in is guarded; the deterministic ones are overridden first.
 */
function evaluationBindings(
  options: EvaluationOptions,
  base: Builtins,
  needs: BindingNeeds,
): Record<string, NativeFunction> {
  const deterministic = needs.builtins.some((name) => DETERMINISTIC.has(name))
    ? deterministicOverrides(options, base)
    : {};
  const guarded = guardedBuiltins(base, deterministic, new Deadline(), needs.builtins);
  return {
    ...guarded,
    ...(needs.operators && guarded.string ? operatorBindings(guarded.string) : {}),
    // No signature: every call is refused, whatever its arguments.
    eval: {
      _jsonata_function: true,
      implementation() {
        refuse('$eval is not allowed');
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Errors and results

interface JsonataErrorShape {
  code?: unknown;
  position?: unknown;
  message?: unknown;
}

/** Any thrown value → ExpressionError with a readable message; stack traces never become messages. */
function toExpressionError(error: unknown): ExpressionError {
  if (error instanceof ExpressionError) {
    // jsonata may have attached a position after construction.
    return new ExpressionError(error.detail, error.position, error.code);
  }
  if (isStackOverflow(error)) return new ExpressionError('expression is nested too deeply');
  if (error instanceof RangeError) return new ExpressionError(error.message);
  const shape = (error !== null && typeof error === 'object' ? error : {}) as JsonataErrorShape;
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const position = typeof shape.position === 'number' ? shape.position : undefined;
  const message =
    typeof shape.message === 'string' && shape.message !== ''
      ? shape.message
      : `evaluation failed${code ? ` (${code})` : ''}`;
  return new ExpressionError(message, position, code);
}

function isStackOverflow(error: unknown): error is Error {
  return error instanceof Error && /call stack|too much recursion/i.test(error.message);
}

/** What a result may hold; a value built from shared references counts each reference. */
interface ResultBudget {
  nodes: number;
  chars: number;
}

/** JSONata sequences, `undefined` members and functions → plain JSON values that structuredClone keeps. */
function toPlainValue(value: unknown, budget: ResultBudget): unknown {
  budget.nodes -= 1;
  if (typeof value === 'string') budget.chars -= value.length;
  if (budget.nodes < 0 || budget.chars < 0) {
    const { valueNodes, resultChars } = EXPRESSION_BUDGET;
    throw new ExpressionError(
      `the result is over ${valueNodes.toLocaleString('en-US')} values ` +
        `or ${resultChars.toLocaleString('en-US')} characters`,
    );
  }
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => toPlainValue(item, budget) ?? null);
  if ('_jsonata_lambda' in value || '_jsonata_function' in value) return undefined;
  const entries = Object.entries(value).flatMap(([key, item]) => {
    const plain = toPlainValue(item, budget);
    return plain === undefined ? [] : [[key, plain] as const];
  });
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(entries);
}

// ---------------------------------------------------------------------------------------------------
// Public API

/** Syntax check without evaluating; stepRefs = slugs referenced as `steps.<slug>` (best effort). */
export function checkExpression(
  source: string,
): { ok: true; stepRefs: string[]; inputRefs: string[] } | { ok: false; message: string; position?: number } {
  const compiled = compile(source);
  if (compiled.ok) return { ok: true, stepRefs: [...compiled.stepRefs], inputRefs: [...compiled.inputRefs] };
  const { message, position } = compiled.error;
  return position === undefined ? { ok: false, message } : { ok: false, message, position };
}

async function evaluateRaw(source: string, context: ExpressionContext, options: EvaluationOptions): Promise<unknown> {
  const compiled = compile(source);
  // A fresh error per throw: the cached one is shared.
  if (!compiled.ok) throw toExpressionError(compiled.error);
  const bindings = evaluationBindings(options, await loadBuiltins(), compiled.needs);
  try {
    return await compiled.expression.evaluate(context, bindings);
  } catch (error) {
    throw toExpressionError(error);
  }
}

export async function evaluateExpression(
  source: string,
  context: ExpressionContext,
  options: EvaluationOptions,
): Promise<unknown> {
  const result = await evaluateRaw(source, context, options);
  try {
    return toPlainValue(result, { nodes: EXPRESSION_BUDGET.valueNodes, chars: EXPRESSION_BUDGET.resultChars });
  } catch (error) {
    // Only depth and the result budget can fail here: results come from JSON-shaped data and jsonata values.
    throw isStackOverflow(error)
      ? new ExpressionError('the result is nested too deeply to store')
      : toExpressionError(error);
  }
}

/** For condition `when` and `while`: evaluates and coerces with JSONata's $boolean rules. */
export async function evaluateCondition(
  source: string,
  context: ExpressionContext,
  options: EvaluationOptions,
): Promise<boolean> {
  const result = await evaluateRaw(source, context, options);
  const { boolean } = await loadBuiltins();
  return boolean.implementation.call({ environment: { timestamp: new Date(options.nowMs) } }, result) === true;
}
