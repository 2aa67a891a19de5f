import { RE2JS, RE2JSException } from 're2js';

/**
 * What the JSON Schema checks share with the import-time checks: which keywords exist, where
 * subschemas sit, how `pattern`s compile (RE2, cached) and how a local `$ref` reads.
 */

export const RE2_SYNTAX_HINT =
  'patterns here use RE2 syntax (no backreferences or lookaround), so matching always takes linear time';

/** Longest `pattern` (or `patternProperties` key) accepted; longer ones are refused, not compiled. */
export const MAX_PATTERN_CHARS = 5_000;

/** Standard keywords this validator does not implement: a schema using one is refused, never half-checked. */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  'unevaluatedProperties',
  'unevaluatedItems',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
  '$recursiveAnchor',
]);

/** Keywords whose value is one subschema. */
export const SINGLE_SUBSCHEMA = [
  'additionalProperties',
  'propertyNames',
  'items',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
] as const;
/** Keywords whose value is an array of subschemas (`items` too, in its draft-7 tuple form). */
export const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'] as const;
/** Keywords whose value is an object of subschemas (`dependencies` members may also be name lists). */
export const SUBSCHEMA_MAPS = [
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
  'dependencies',
] as const;

export function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's own keyword value (never one inherited from Object.prototype). */
export function own(node: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Patterns on RE2

export type CompiledPattern = { ok: true; regex: RE2JS; size: number } | { ok: false; reason: string };

const PATTERN_CACHE_SIZE = 512;
/** Map order is recency order: the first key is the one to evict. */
const patternCache = new Map<string, CompiledPattern>();

/** A JSON Schema pattern (ECMA-262 syntax, `u` flag) compiled for RE2, cached by source. */
export function compilePattern(source: string): CompiledPattern {
  const cached = patternCache.get(source);
  if (cached) {
    patternCache.delete(source);
    patternCache.set(source, cached);
    return cached;
  }
  const compiled = compileUncached(source);
  patternCache.set(source, compiled);
  if (patternCache.size > PATTERN_CACHE_SIZE) patternCache.delete(patternCache.keys().next().value!);
  return compiled;
}

function compileUncached(source: string): CompiledPattern {
  if (source.length > MAX_PATTERN_CHARS)
    return { ok: false, reason: `it is longer than ${MAX_PATTERN_CHARS} characters` };
  try {
    const regex = RE2JS.compile(RE2JS.translateRegExp(source));
    return { ok: true, regex, size: programSize(regex, source) };
  } catch (error) {
    const detail =
      error instanceof RE2JSException ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return { ok: false, reason: detail };
  }
}

/**
 * RE2 matches in time proportional to text length × program size, so a match's cost can be
 * known before it starts. The program size is read from the compiled regex where re2js exposes it,
 * else estimated generously from the source.
 */
function programSize(regex: RE2JS, source: string): number {
  const internals = regex as unknown as { re2Input?: { prog?: { inst?: unknown[] } } };
  const size = internals.re2Input?.prog?.inst?.length;
  if (typeof size === 'number' && size > 0) return size;
  const repeats = [...source.matchAll(/\{(\d{1,4})/g)].reduce((product, m) => product * Math.max(1, Number(m[1])), 1);
  return source.length * 4 * Math.min(repeats, 1_000_000);
}

/** Whether the pattern occurs anywhere in the text (JSON Schema patterns are not anchored). */
export function patternFinds(pattern: CompiledPattern & { ok: true }, text: string): boolean {
  return pattern.regex.matcher(text).find();
}

/** The cost of one match in work units (see `patternFinds`). */
export function patternCost(pattern: CompiledPattern & { ok: true }, text: string): number {
  return Math.ceil(((text.length + 1) * pattern.size) / 64);
}

/**
 * For code outside validation (the demo model) that only wants a yes or no: undefined when the
 * pattern cannot be compiled for RE2 or the match would cost more than `maxCost` work units.
 */
export function testPattern(source: string, text: string, maxCost = 100_000): boolean | undefined {
  const pattern = compilePattern(source);
  if (!pattern.ok || patternCost(pattern, text) > maxCost) return undefined;
  return patternFinds(pattern, text);
}

// ---------------------------------------------------------------------------------------------------
// Local references

export type ParsedRef = { ok: true; segments: string[] } | { ok: false; reason: string };

/** `#`, `#/$defs/a~1b`, `#/properties/x%20y` → pointer segments; anything else is not a local reference. */
export function parseLocalRef(ref: string): ParsedRef {
  if (ref === '#') return { ok: true, segments: [] };
  if (!ref.startsWith('#/')) {
    return ref.startsWith('#')
      ? {
          ok: false,
          reason:
            `"$ref": ${JSON.stringify(ref)} names an anchor; ` +
            'only JSON-pointer references ("#/$defs/name") are supported',
        }
      : {
          ok: false,
          reason:
            `"$ref": ${JSON.stringify(ref)} points outside this schema; ` +
            'only local references ("#/$defs/name") are supported',
        };
  }
  const segments: string[] = [];
  for (const raw of ref.slice(2).split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return { ok: false, reason: `"$ref": ${JSON.stringify(ref)} has a broken %-escape` };
    }
    segments.push(decoded.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return { ok: true, segments };
}

/** The value at the pointer inside `root`, or undefined when nothing is there. */
export function resolvePointer(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(segment)) current = current[Number(segment)];
    else if (isSchemaObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

/** `/a~1b/0` from segments, for schema paths in messages. */
export function pointerSegment(key: string | number): string {
  return `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

// ---------------------------------------------------------------------------------------------------
// Keyword values

const NON_NEGATIVE_INTEGER = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minContains',
  'maxContains',
];
const NUMBERS = ['minimum', 'maximum'];

/** Why a keyword's value is unusable ("minLength must be a whole number ≥ 0"), or undefined when it is fine. */
export function keywordValueProblem(key: string, value: unknown): string | undefined {
  if (NON_NEGATIVE_INTEGER.includes(key)) {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0
      ? undefined
      : `"${key}" must be a whole number ≥ 0`;
  }
  if (NUMBERS.includes(key))
    return typeof value === 'number' && Number.isFinite(value) ? undefined : `"${key}" must be a number`;
  if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
    return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
      ? undefined
      : `"${key}" must be a number`;
  }
  if (key === 'multipleOf')
    return typeof value === 'number' && value > 0 && Number.isFinite(value)
      ? undefined
      : '"multipleOf" must be a number > 0';
  if (key === 'pattern' || key === 'format' || key === '$ref')
    return typeof value === 'string' ? undefined : `"${key}" must be a string`;
  if (key === 'required') return isStringList(value) ? undefined : '"required" must be a list of property names';
  if (key === 'enum') return Array.isArray(value) ? undefined : '"enum" must be a list of values';
  if (key === 'type')
    return isTypeValue(value) ? undefined : `"type" must be one of ${JSON_TYPES.join(', ')} (or a list of them)`;
  if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
    return Array.isArray(value) && value.length > 0 ? undefined : `"${key}" must be a non-empty list of schemas`;
  }
  if (key === 'prefixItems') return Array.isArray(value) ? undefined : '"prefixItems" must be a list of schemas';
  if ((SUBSCHEMA_MAPS as readonly string[]).includes(key))
    return isSchemaObject(value) ? undefined : `"${key}" must be an object`;
  if (key === 'dependentRequired') {
    return isSchemaObject(value) && Object.values(value).every(isStringList)
      ? undefined
      : '"dependentRequired" must map property names to lists of names';
  }
  return undefined;
}

export const JSON_TYPES = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string'] as const;

function isTypeValue(value: unknown): boolean {
  const isType = (t: unknown) => typeof t === 'string' && (JSON_TYPES as readonly string[]).includes(t);
  return isType(value) || (Array.isArray(value) && value.every(isType));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
