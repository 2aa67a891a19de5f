import { EXPRESSION_BUDGET } from './limits';

/**
 * Size and time guards for JSONata built-ins. jsonata checks its timeout only between evaluation steps,
 * so one built-in call could run (or allocate) as long as it liked: each guarded built-in checks the
 * evaluation's deadline, refuses work whose output would pass EXPRESSION_BUDGET before doing it, and
 * the operators `&`, `=`, `!=` and `in` are rewritten to go through the same checks.
 */

export interface Focus {
  environment: { timestamp: Date | null } & Record<string, unknown>;
}
export type NativeImplementation = (this: Focus, ...args: unknown[]) => unknown;
/** jsonata's representation of a built-in: an implementation and its parsed signature. */
export interface NativeFunction {
  _jsonata_function: true;
  implementation: NativeImplementation;
  signature?: unknown;
}

/** Every jsonata built-in but `$eval` (refused outright). */
export const BUILTIN_NAMES = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'toMillis',
  'fromMillis',
  'clone',
  'now',
  'millis',
] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];
export type Builtins = Record<BuiltinName, NativeFunction>;

/** Thrown the way jsonata's own `$error` throws, so it gets the call's position attached. */
export function refuse(message: string, code = 'D3137'): never {
  throw { code, message };
}

const { stringChars, sequenceLength, valueNodes, sortItems, distinctItems, timeoutMs } = EXPRESSION_BUDGET;
export const count = (value: number) => value.toLocaleString('en-US');
const overChars = (name: string, chars: number, limit: number = stringChars): never =>
  refuse(`$${name}(): a result of ${count(chars)} characters is over the limit of ${count(limit)} characters`);
const longest = (values: unknown[]) =>
  values.reduce<number>((most, v) => (typeof v === 'string' ? Math.max(most, v.length) : most), 0);
/** A string may grow past the limit only by passing an input through: never longer than its longest input. */
export const allowedChars = (inputs: unknown[]) => Math.max(stringChars, longest(inputs));

/** One evaluation's clock, shared by every guarded call in it (jsonata's own clock is not reachable). */
export class Deadline {
  private readonly at = performance.now() + timeoutMs;
  check(name: string): void {
    // jsonata words the message for its timeout code; `name` is where it is attached.
    if (performance.now() > this.at) throw { code: 'D1012', value: timeoutMs, token: name };
  }
}

// ---------------------------------------------------------------------------------------------------
// Measuring values: shared references count every time they appear, as JSON would write them

/**
 * Whether `value`, written as JSON (indented when `indent`), has more than `limits.nodes` values or
 * `limits.chars` characters. Iterative and stops at the limit, so a value built from shared
 * references (2^50 leaves in 50 steps) costs no more than the limit to measure.
 */
export function exceeds(value: unknown, limits: { nodes: number; chars: number }, indent = false): boolean {
  let nodes = 0;
  let chars = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    const [item, depth] = entry;
    nodes += 1;
    chars += indent ? depth * 2 + 2 : 1;
    if (typeof item === 'string') chars += item.length;
    else if (typeof item === 'number' || typeof item === 'boolean') chars += String(item).length;
    else if (Array.isArray(item)) for (const member of item) pending.push([member, depth + 1]);
    else if (item !== null && typeof item === 'object') {
      for (const [key, member] of Object.entries(item)) {
        chars += key.length + 3;
        pending.push([member, depth + 1]);
      }
    }
    if (nodes > limits.nodes || chars > limits.chars) return true;
  }
  return false;
}

/** Array items (through nested arrays) plus the own keys of the objects among them, up to `limit`. */
function shallowEntries(value: unknown, limit: number): number {
  let entries = 0;
  const pending: unknown[] = [value];
  for (let item = pending.pop(); item !== undefined && entries <= limit; item = pending.pop()) {
    if (Array.isArray(item)) {
      entries += item.length;
      for (const member of item) pending.push(member);
    } else if (item !== null && typeof item === 'object') entries += Object.keys(item).length;
  }
  return entries;
}

function assertWalkable(name: string, value: unknown): void {
  if (shallowEntries(value, valueNodes) > valueNodes) {
    refuse(`$${name}(): more than ${count(valueNodes)} entries to go through`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Regular expressions: count matches as they are found

interface MatchResult {
  match: string;
  start: number;
  next?: () => unknown;
}
type Matcher = (text: string, fromIndex?: number) => unknown;

/**
 * Wraps a regex matcher so each match (and every `next()` after it) is counted and timed. jsonata hands
 * built-ins an async wrapper of the regex, so a result may be a promise of the match.
 */
function countedMatcher(matcher: Matcher, onMatch: (match: MatchResult) => void): Matcher {
  const wrap = (result: unknown): unknown => {
    if (result instanceof Promise) return result.then(wrap);
    if (result === null || typeof result !== 'object' || typeof (result as MatchResult).match !== 'string')
      return result;
    const found = result as MatchResult;
    onMatch(found);
    const next = found.next;
    return typeof next === 'function' ? { ...found, next: () => wrap(next()) } : found;
  };
  return (text, fromIndex) => wrap(matcher(text, fromIndex));
}

function matchCounter(name: string, deadline: Deadline): () => void {
  let matches = 0;
  return () => {
    matches += 1;
    if (matches > sequenceLength) refuse(`$${name}(): more than ${count(sequenceLength)} matches`);
    if (matches % 1024 === 0) deadline.check(name);
  };
}

/** Occurrences of a non-empty `token` in `text`, counted up to `limit + 1`. */
function occurrences(text: string, token: string, limit: number): number {
  let found = 0;
  for (let at = text.indexOf(token); at !== -1 && found <= limit; at = text.indexOf(token, at + token.length))
    found += 1;
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Checks run before each built-in's own work; they may return the arguments to call it with

type Precheck = (args: unknown[], deadline: Deadline) => unknown[] | void;

function checkReplace([text, pattern, replacement, limit]: unknown[], deadline: Deadline): unknown[] | void {
  if (typeof text !== 'string') return;
  const allowed = Math.max(stringChars, text.length);
  const maxCount = typeof limit === 'number' ? limit : Infinity;
  if (typeof pattern === 'string' && pattern !== '' && typeof replacement === 'string') {
    const found = Math.min(occurrences(text, pattern, Math.min(maxCount, text.length)), maxCount);
    const chars = text.length + found * (replacement.length - pattern.length);
    if (chars > allowed) overChars('replace', chars, allowed);
    return;
  }
  if (typeof pattern !== 'function') return;
  // A "$n" in the replacement can copy the whole match: bound each substitution by that.
  const copies = typeof replacement === 'string' ? replacement.split('$').length - 1 : 0;
  const substitution = typeof replacement === 'string' ? replacement.length : 0;
  const counted = matchCounter('replace', deadline);
  let chars = text.length;
  const onMatch = (found: MatchResult) => {
    counted();
    chars += substitution + (copies - 1) * found.match.length;
    if (chars > allowed) overChars('replace', chars, allowed);
  };
  return [text, countedMatcher(pattern as Matcher, onMatch), replacement, limit];
}

function checkSplit([text, separator, limit]: unknown[], deadline: Deadline): unknown[] | void {
  if (typeof text !== 'string') return;
  const maxParts = typeof limit === 'number' ? limit : Infinity;
  if (typeof separator === 'function') {
    return [text, countedMatcher(separator as Matcher, matchCounter('split', deadline)), limit];
  }
  if (typeof separator !== 'string') return;
  const parts = separator === '' ? text.length : occurrences(text, separator, sequenceLength) + 1;
  if (Math.min(parts, maxParts) > sequenceLength) refuse(`$split(): more than ${count(sequenceLength)} parts`);
}

function checkJoin([strings, separator]: unknown[]): void {
  if (!Array.isArray(strings)) return;
  const gap = typeof separator === 'string' ? separator.length : 0;
  let chars = 0;
  for (const item of strings) chars += (typeof item === 'string' ? item.length : 0) + gap;
  const allowed = allowedChars(strings);
  if (chars - gap > allowed) overChars('join', chars - gap, allowed);
}

function checkString(name: string, value: unknown, indent: unknown): void {
  if (typeof value === 'string') return;
  if (exceeds(value, { nodes: valueNodes, chars: stringChars }, indent === true)) {
    refuse(`$${name}(): the result would be over the limit of ${count(stringChars)} characters`);
  }
}

/** Widths in a date/time picture ("[Y,4-6]"): each can pad the output to that many characters. */
function checkPictureWidths(name: string, picture: unknown): void {
  if (typeof picture !== 'string') return;
  let total = 0;
  for (const [, width] of picture.matchAll(/[,-]\s*(\d+)/g)) total += Number(width);
  if (total > stringChars)
    refuse(`$${name}(): a picture width of ${total} is over the limit of ${count(stringChars)} characters`);
}

function checkFormatNumber([, picture, options]: unknown[]): void {
  if (typeof picture !== 'string') return;
  const symbols = options !== null && typeof options === 'object' ? Object.values(options) : [];
  // Each picture character or digit (a double has at most ~330) may become one of the option strings.
  const chars = (picture.length + 400) * Math.max(1, longest(symbols));
  if (chars > stringChars) overChars('formatNumber', chars);
}

const ROMAN_MAX = 1_000_000;

const PRECHECKS: Partial<Record<BuiltinName, Precheck>> = {
  pad([text, width]) {
    if (typeof width !== 'number') return;
    const allowed = allowedChars([text]);
    if (Math.abs(width) > allowed)
      refuse(`$pad(): a width of ${width} is over the limit of ${count(allowed)} characters`);
  },
  replace: checkReplace,
  split: checkSplit,
  match([text, regex, limit], deadline) {
    if (typeof regex !== 'function') return;
    return [text, countedMatcher(regex as Matcher, matchCounter('match', deadline)), limit];
  },
  join: checkJoin,
  string: ([value, indent]) => checkString('string', value, indent),
  formatNumber: checkFormatNumber,
  formatInteger([value, picture]) {
    // Roman numerals write one "M" per thousand, recursively.
    if (typeof value === 'number' && (picture === 'I' || picture === 'i') && Math.abs(value) > ROMAN_MAX) {
      refuse(`$formatInteger(): roman numerals go up to ${count(ROMAN_MAX)}`);
    }
  },
  fromMillis: ([, picture]) => checkPictureWidths('fromMillis', picture),
  now: ([picture]) => checkPictureWidths('now', picture),
  // Only a sort with a comparator function reaches jsonata's own (quadratic) merge sort.
  sort([values, comparator]) {
    if (comparator !== undefined && Array.isArray(values) && values.length > sortItems) {
      refuse(
        `$sort(): ${count(values.length)} items with a comparator function are over the limit of ${count(sortItems)}`,
      );
    }
  },
  distinct([values]) {
    if (!Array.isArray(values)) return;
    if (values.length > distinctItems)
      refuse(`$distinct(): ${count(values.length)} items are over the limit of ${count(distinctItems)}`);
    assertWalkable('distinct', values);
  },
  keys: ([value]) => assertWalkable('keys', value),
  lookup: ([value]) => assertWalkable('lookup', value),
  spread: ([value]) => assertWalkable('spread', value),
  merge: ([value]) => assertWalkable('merge', value),
  clone: ([value]) => checkString('clone', value, false),
};

/**
 * `$sort` of numbers or of strings without a comparator, natively: jsonata's merge sort copies the
 * array at every step (30,000 items took seconds). Same order: ascending, stable, by `<` on the values.
 */
function nativeSort([values, comparator]: unknown[]): { value: unknown } | undefined {
  if (comparator !== undefined || !Array.isArray(values) || values.length <= 1) return undefined;
  const kind = typeof values[0];
  if ((kind !== 'number' && kind !== 'string') || !values.every((v) => typeof v === kind)) return undefined;
  return { value: [...(values as (number | string)[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

const NATIVE: Partial<Record<BuiltinName, (args: unknown[]) => { value: unknown } | undefined>> = { sort: nativeSort };

/** `base` with the deadline, its precheck, and the string-growth rule applied to its result. */
function guarded(name: BuiltinName, base: NativeFunction, deadline: Deadline): NativeFunction {
  const precheck = PRECHECKS[name];
  const native = NATIVE[name];
  const checkResult = (result: unknown, args: unknown[]) => {
    if (typeof result === 'string' && result.length > allowedChars(args))
      overChars(name, result.length, allowedChars(args));
    return result;
  };
  return {
    ...base,
    implementation(...args) {
      deadline.check(name);
      const fast = native?.(args);
      if (fast) return fast.value;
      const result = base.implementation.apply(this, precheck?.(args, deadline) ?? args);
      return result instanceof Promise
        ? result.then((settled) => checkResult(settled, args))
        : checkResult(result, args);
    },
  };
}

/** Every built-in in `overrides`, else jsonata's own, guarded. */
export function guardedBuiltins(
  base: Builtins,
  overrides: Partial<Record<BuiltinName, NativeFunction>>,
  deadline: Deadline,
  names: readonly BuiltinName[],
): Partial<Builtins> {
  const entries = names.map((name) => [name, guarded(name, overrides[name] ?? base[name], deadline)] as const);
  return Object.fromEntries(entries) as Partial<Builtins>;
}
