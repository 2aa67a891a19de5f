import { checkArrayKeyword, checkObjectKeyword } from './jsonSchemaApplicators';
import { FORMATS } from './jsonSchemaFormats';
import {
  isSchemaObject,
  keywordValueProblem,
  own,
  parseLocalRef,
  patternCost,
  patternFinds,
  resolvePointer,
  UNSUPPORTED_KEYWORDS,
} from './jsonSchemaKeywords';
import {
  charge,
  child,
  fail,
  instancePath,
  jsonEqual,
  newRun,
  ROOT,
  preview,
  SchemaUnusable,
  TOO_COSTLY,
  unusable,
  usablePattern,
  type Run,
  type SchemaError,
  type Sink,
  type Where,
} from './jsonSchemaRun';

/**
 * An interpreting JSON Schema (2020-12) validator for the schemas workflows carry (input schemas,
 * output schemas). Untrusted schemas meet untrusted values here, so every pattern runs on RE2 and
 * every check runs inside a work budget: a schema too costly to check is an error, never a hang.
 */

export type { SchemaError } from './jsonSchemaRun';
export { TOO_COSTLY } from './jsonSchemaRun';

/**
 * `instance`: the value breaks the schema (another value may pass). `schema`: the schema itself cannot
 * be used (too costly, unsupported keyword, a pattern RE2 cannot compile): no value can pass.
 */
export type SchemaVerdict =
  | { valid: true }
  | { valid: false; cause: 'instance'; errors: SchemaError[] }
  | { valid: false; cause: 'schema'; errors: [SchemaError] };

/** Nested checks (schema and value depth together) before the value counts as too deep to check. */
const MAX_CHECK_DEPTH = 400;
const MAX_PATH_CHARS = 200;

/** Validates `instance` against `schema`; never throws, whatever either holds. */
export function validateJsonSchema(schema: unknown, instance: unknown): SchemaVerdict {
  const run = newRun(schema, check);
  const errors: SchemaError[] = [];
  try {
    if (check(run, schema, instance, ROOT, errors)) return { valid: true };
    return { valid: false, cause: 'instance', errors };
  } catch (error) {
    if (error instanceof SchemaUnusable) return { valid: false, cause: 'schema', errors: [error.detail] };
    // Only a value nested deeper than the stack (JSON.stringify in a comparison) gets here.
    const message =
      error instanceof RangeError
        ? `${TOO_COSTLY}: the value nests too deep`
        : `the schema could not be checked: ${String(error)}`;
    return { valid: false, cause: 'schema', errors: [{ instancePath: '', schemaPath: '#', message }] };
  }
}

/** `/items/2/price` → `input.items[2].price`: where a value is, as a person reads it. */
export function readableInstancePath(pointer: string, root: string): string {
  if (pointer === '') return root;
  const path = pointer
    .slice(1)
    .split('/')
    .reduce((out, raw) => {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (/^(0|[1-9]\d*)$/.test(key)) return `${out}[${key}]`;
      return /^[A-Za-z_$][\w$]*$/.test(key) ? `${out}.${key}` : `${out}[${JSON.stringify(key)}]`;
    }, root);
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS)}…` : path;
}

/** "input.email: does not match the pattern …" */
export function describeSchemaError(error: SchemaError, root: string): string {
  return `${readableInstancePath(error.instancePath, root)}: ${error.message}`;
}

/** One schema node against one value. */
function check(run: Run, schema: unknown, instance: unknown, at: Where, sink: Sink): boolean {
  charge(run, 1, at, 'checking this value');
  if (at.depth > MAX_CHECK_DEPTH) unusable(at, `${TOO_COSTLY}: checking goes more than ${MAX_CHECK_DEPTH} levels deep`);
  if (schema === true) return true;
  if (schema === false) return fail(sink, at, '', 'is not allowed here');
  if (!isSchemaObject(schema)) unusable(at, 'the schema is broken: a schema must be an object, true or false');
  if (!vetted.has(schema)) vet(schema, at);
  let valid = true;
  for (const key of Object.keys(schema)) {
    if (!valid && !sink) return false;
    valid = checkKeyword(run, schema, key, instance, at, sink) && valid;
  }
  return valid;
}

/** Schema nodes whose keywords are known to be supported and well-formed (schemas are not edited once loaded). */
const vetted = new WeakSet<object>();

function vet(schema: Record<string, unknown>, at: Where): void {
  for (const key of Object.keys(schema)) {
    if (UNSUPPORTED_KEYWORDS.has(key))
      unusable(at, `the schema uses "${key}", which is not supported here, so no value can be checked against it`);
    const problem = keywordValueProblem(key, schema[key]);
    if (problem) unusable(child(at, undefined, key), `the schema is broken: ${problem}`);
  }
  vetted.add(schema);
}

function checkKeyword(
  run: Run,
  schema: Record<string, unknown>,
  key: string,
  instance: unknown,
  at: Where,
  sink: Sink,
): boolean {
  const value = schema[key];
  switch (key) {
    case '$ref':
      return checkRef(run, value as string, instance, at, sink);
    case '$id':
      if (schema !== run.root)
        unusable(at, 'a nested "$id" is not supported here (references resolve against the whole schema)');
      return true;
    case 'type':
      return checkType(value as string | string[], instance, at, sink);
    case 'enum':
      return checkEnum(run, value as unknown[], instance, at, sink);
    case 'const':
      return jsonEqual(run, value, instance, at) || fail(sink, at, 'const', `must be exactly ${preview(value)}`);
    case 'format':
      return checkFormat(run, value as string, instance, at, sink);
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return checkCombinator(run, key, value as unknown[], instance, at, sink);
    case 'not':
      return (
        !check(run, value, instance, child(at, undefined, 'not'), undefined) ||
        fail(sink, at, 'not', 'must not match the "not" schema')
      );
    case 'if':
      return checkConditional(run, schema, instance, at, sink);
    default:
      if (typeof instance === 'number') return checkNumber(key, value, schema, instance, at, sink);
      if (typeof instance === 'string') return checkString(run, key, value, instance, at, sink);
      if (Array.isArray(instance)) return checkArrayKeyword(run, key, value, schema, instance, at, sink);
      if (isSchemaObject(instance)) return checkObjectKeyword(run, key, value, schema, instance, at, sink);
      return true;
  }
}

function checkRef(run: Run, ref: string, instance: unknown, at: Where, sink: Sink): boolean {
  let target = run.refs.get(ref);
  if (target === undefined) {
    const parsed = parseLocalRef(ref);
    if (!parsed.ok) unusable(at, parsed.reason);
    target = resolvePointer(run.root, parsed.segments);
    if (target === undefined) unusable(at, `"$ref": ${JSON.stringify(ref)} points to nothing in this schema`);
    run.refs.set(ref, target);
  }
  // The same target again without going into the value on the way: a loop that would never end.
  for (let link = at.refs; link; link = link.next) {
    if (link.ref === ref)
      unusable(
        at,
        `${TOO_COSTLY}: "$ref": ${JSON.stringify(ref)} leads back to itself without going into the value, ` +
          'so checking would never end',
      );
  }
  const where: Where = {
    up: at,
    instanceKey: undefined,
    schemaStep: ref,
    depth: at.depth + 1,
    refs: { ref, next: at.refs },
  };
  return check(run, target, instance, where, sink);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const ARTICLE: Record<string, string> = {
  null: 'null',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
};

function checkType(type: string | string[], instance: unknown, at: Where, sink: Sink): boolean {
  const types = Array.isArray(type) ? type : [type];
  const actual = jsonType(instance);
  if (
    types.some((t) => t === actual || (t === 'integer' && typeof instance === 'number' && Number.isInteger(instance)))
  )
    return true;
  const wanted = types.map((t) => ARTICLE[t] ?? t).join(' or ');
  return fail(sink, at, 'type', `must be ${wanted} (got ${ARTICLE[actual] ?? actual})`);
}

function checkEnum(run: Run, values: unknown[], instance: unknown, at: Where, sink: Sink): boolean {
  if (values.some((v) => jsonEqual(run, v, instance, at))) return true;
  const shown = values.slice(0, 10).map(preview).join(', ');
  return fail(
    sink,
    at,
    'enum',
    `must be one of ${shown}${values.length > 10 ? `, … (${values.length} values)` : ''} (got ${preview(instance)})`,
  );
}

function checkCombinator(
  run: Run,
  key: 'allOf' | 'anyOf' | 'oneOf',
  list: unknown[],
  instance: unknown,
  at: Where,
  sink: Sink,
): boolean {
  if (key === 'allOf') {
    let valid = true;
    for (const [i, sub] of list.entries()) {
      valid = check(run, sub, instance, child(at, undefined, key, i), sink) && valid;
      if (!valid && !sink) return false;
    }
    return valid;
  }
  const passing: number[] = [];
  let firstErrors: SchemaError[] = [];
  for (const [i, sub] of list.entries()) {
    const errors: Sink = sink && i === 0 ? [] : undefined;
    if (check(run, sub, instance, child(at, undefined, key, i), errors)) passing.push(i);
    else if (errors) firstErrors = errors;
    if (key === 'anyOf' && passing.length > 0) return true;
    if (passing.length > 1) break;
  }
  if (passing.length === 1) return true;
  if (passing.length > 1)
    return fail(
      sink,
      at,
      key,
      `matches more than one of the "oneOf" options (${passing.map((i) => i + 1).join(' and ')}); ` +
        'it must match exactly one',
    );
  const first = firstErrors[0];
  const where = first
    ? readableInstancePath(first.instancePath.slice(instancePath(at).length), '').replace(/^\./, '')
    : '';
  const hint = first ? `; the first one says: ${where ? `${where}: ` : ''}${first.message}` : '';
  return fail(sink, at, key, `matches none of the ${list.length} allowed options ("${key}")${hint}`);
}

function checkConditional(
  run: Run,
  schema: Record<string, unknown>,
  instance: unknown,
  at: Where,
  sink: Sink,
): boolean {
  const branch = check(run, schema.if, instance, child(at, undefined, 'if'), undefined) ? 'then' : 'else';
  return !Object.hasOwn(schema, branch) || check(run, schema[branch], instance, child(at, undefined, branch), sink);
}

function checkNumber(
  key: string,
  limit: unknown,
  schema: Record<string, unknown>,
  n: number,
  at: Where,
  sink: Sink,
): boolean {
  if (typeof limit !== 'number') return true;
  switch (key) {
    case 'minimum':
      // Draft-4 style: `exclusiveMinimum: true` makes `minimum` itself exclusive.
      if (own(schema, 'exclusiveMinimum') === true)
        return n > limit || fail(sink, at, key, `must be greater than ${limit} (got ${n})`);
      return n >= limit || fail(sink, at, key, `must be at least ${limit} (got ${n})`);
    case 'maximum':
      if (own(schema, 'exclusiveMaximum') === true)
        return n < limit || fail(sink, at, key, `must be less than ${limit} (got ${n})`);
      return n <= limit || fail(sink, at, key, `must be at most ${limit} (got ${n})`);
    case 'exclusiveMinimum':
      return n > limit || fail(sink, at, key, `must be greater than ${limit} (got ${n})`);
    case 'exclusiveMaximum':
      return n < limit || fail(sink, at, key, `must be less than ${limit} (got ${n})`);
    case 'multipleOf':
      return isMultiple(n, limit) || fail(sink, at, key, `must be a multiple of ${limit} (got ${n})`);
    default:
      return true;
  }
}

function isMultiple(n: number, step: number): boolean {
  const quotient = n / step;
  if (!Number.isFinite(quotient)) return false;
  // Decimal steps (0.1) meet binary floating point: a quotient within rounding error of a whole number passes.
  return Math.abs(quotient - Math.round(quotient)) <= 1e-9 * Math.max(1, Math.abs(quotient));
}

function checkString(run: Run, key: string, limit: unknown, s: string, at: Where, sink: Sink): boolean {
  switch (key) {
    case 'minLength': {
      const min = limit as number;
      // A string of n UTF-16 units holds between n/2 and n characters: count only when that decides.
      if (s.length >= min * 2) return true;
      const length = codePoints(run, s, at);
      return length >= min || fail(sink, at, key, `must be at least ${min} characters long (is ${length})`);
    }
    case 'maxLength': {
      const max = limit as number;
      if (s.length <= max) return true;
      const length = codePoints(run, s, at);
      return length <= max || fail(sink, at, key, `must be at most ${max} characters long (is ${length})`);
    }
    case 'pattern': {
      const pattern = usablePattern(run, limit as string, child(at, undefined, 'pattern'));
      charge(
        run,
        patternCost(pattern, s),
        at,
        `matching the pattern ${preview(limit)} against a ${s.length}-character string`,
      );
      return patternFinds(pattern, s) || fail(sink, at, key, `does not match the pattern ${preview(limit)}`);
    }
    default:
      return true;
  }
}

function codePoints(run: Run, s: string, at: Where): number {
  charge(run, Math.ceil(s.length / 64), at, 'counting characters');
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

function checkFormat(run: Run, format: string, instance: unknown, at: Where, sink: Sink): boolean {
  const known = Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
  if (!known || typeof instance !== 'string') return true;
  // A `regex` value is compiled (RE2), which costs more per character than a scan.
  charge(run, Math.ceil(instance.length / 16) * (format === 'regex' ? 64 : 1), at, `checking the format "${format}"`);
  return known.test(instance) || fail(sink, at, 'format', `is not ${known.what}`);
}
