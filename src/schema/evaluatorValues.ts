import type { ExpectedValue, ExperimentRow } from './experiment';

/**
 * The values an evaluator reads: a dotted path into a cell's output, the expected value (typed, or a
 * column of the row) and a compact preview of either for a failure's reason.
 */

export type PathRead = { found: true; value: unknown } | { found: false; reason: string };
export type ExpectedRead = { found: true; value: unknown } | { found: false; reason: string };

const PREVIEW_CHARS = 80;
/** Keys that reach an object's prototype machinery; a path through them finds nothing. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `lines.0.price`, `lines[0].price` → `['lines', '0', 'price']`; `''` → `[]` (the whole output). */
export function pathSegments(path: string): string[] {
  const trimmed = path.trim();
  if (trimmed === '') return [];
  return trimmed
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((segment) => segment !== '');
}

/** The value at `path` in the output; a missing step names the path and where the walk stopped. */
export function readOutputPath(output: unknown, path: string): PathRead {
  const segments = pathSegments(path);
  let current = output;
  for (const [index, segment] of segments.entries()) {
    const walked = segments.slice(0, index).join('.');
    const at = walked === '' ? 'the output' : `"${walked}"`;
    if (current === null || typeof current !== 'object') {
      return { found: false, reason: `the output has no value at "${path}": ${at} is ${describeValue(current)}` };
    }
    if (FORBIDDEN_KEYS.has(segment) || !Object.hasOwn(current, segment)) {
      const what = Array.isArray(current) ? `a list of ${current.length}` : `an object without "${segment}"`;
      return { found: false, reason: `the output has no value at "${path}": ${at} is ${what}` };
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined) return { found: false, reason: `the output has no value at "${path}"` };
  return { found: true, value: current };
}

/** The expected value of a check: typed in it, or read from the row's column (missing column: not found). */
export function readExpected(expected: ExpectedValue, row: ExperimentRow): ExpectedRead {
  if (expected.from === 'value') return { found: true, value: expected.value };
  if (!Object.hasOwn(row, expected.column) || row[expected.column] === undefined) {
    return { found: false, reason: `the row has no column "${expected.column}" to read the expected value from` };
  }
  return { found: true, value: row[expected.column] };
}

/** Where a check looked, for reasons: "output" or "output.lines.0". */
export function describePath(path: string): string {
  return pathSegments(path).length === 0 ? 'output' : `output.${path.trim()}`;
}

/** A short JSON preview of a value (strings quoted), cut at `PREVIEW_CHARS`. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    // Only values nested deeper than the stack get here.
    text = 'a value too deeply nested to show';
  }
  return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}…`;
}

/** "a list of 3", "text \"abc\"", "the number 4": what a value is, for reasons. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${preview(value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}

/** Numbers and booleans read as text (what a CSV column holds); anything else is not text. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
