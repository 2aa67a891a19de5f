import { LIMITS } from './limits';
import { problem, segmentsOf, type PathLink, type PathSegment, type Problem } from './problems';
import { formatBytes } from './share';
import { locateJsonError } from './jsonSyntax';
import { parseRelaxedJson } from './relaxedJson';

/** Turning untrusted text into a JSON value: size, syntax, depth and dangerous keys, each a readable error. */

/** `syntax` says how the text was read: strict JSON, or relaxed JSON (JSON5) converted to a JSON value. */
export type ParsedJson = { ok: true; value: unknown; syntax: JsonSyntax } | { ok: false; problems: Problem[] };
export type JsonSyntax = 'json' | 'relaxed';

export interface ParseOptions {
  /** Also accept relaxed JSON (JSON5, a JavaScript object literal) when the text is not strict JSON. */
  relaxed?: boolean;
}

/** Keys that would reach an object's prototype if the value were ever merged by assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** Every limit (size, depth, `__proto__`) applies whichever syntax the text turns out to be in. */
export function parseJsonText(text: string, options: ParseOptions = {}): ParsedJson {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LIMITS.importBytes) {
    return fail([], `the file is ${formatBytes(bytes)}; the limit is ${formatBytes(LIMITS.importBytes)}`, 'too-large');
  }
  if (text.trim() === '') return fail([], 'there is nothing to import: the text is empty', 'empty');
  let value: unknown;
  let syntax: JsonSyntax = 'json';
  try {
    value = JSON.parse(text);
  } catch (error) {
    const relaxed = options.relaxed ? parseRelaxedJson(text) : undefined;
    if (!relaxed?.ok) return fail([], syntaxErrorMessage(text, error, relaxed), 'bad-json');
    value = relaxed.value;
    syntax = 'relaxed';
  }
  const shapeProblem = checkJsonShape(value);
  return shapeProblem ? { ok: false, problems: [shapeProblem] } : { ok: true, value, syntax };
}

/**
 * The strict reason, unless relaxed reading got further into the text: then the text is most likely
 * meant as relaxed JSON and its own mistake is the one to fix.
 */
function syntaxErrorMessage(text: string, error: unknown, relaxed: ReturnType<typeof parseRelaxedJson> | undefined) {
  const strict = locateJsonError(text);
  if (relaxed && !relaxed.ok && relaxed.line !== undefined && relaxed.column !== undefined) {
    const relaxedIsFurther =
      !strict || relaxed.line > strict.line || (relaxed.line === strict.line && relaxed.column > strict.column);
    if (relaxedIsFurther) {
      const where = `line ${relaxed.line}, column ${relaxed.column}`;
      return `this is not valid JSON, nor relaxed JSON: ${relaxed.message} at ${where}`;
    }
  }
  return `this is not valid JSON: ${describeSyntaxError(strict, error)}`;
}

interface ShapeNode extends PathLink {
  value: unknown;
  depth: number;
}

/**
 * Depth and forbidden keys, iteratively: a hostile file must not overflow the stack here. Each value
 * links to its parent instead of carrying a copy of its path (a copy per leaf made a 3.6 MB value
 * nested 60 deep cost seconds); the path is built only for the problem.
 */
export function checkJsonShape(value: unknown): Problem | undefined {
  const stack: ShapeNode[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const current = node.value;
    if (current === null || typeof current !== 'object') continue;
    if (node.depth >= LIMITS.jsonDepth) {
      return problem(
        'error',
        'too-deep',
        segmentsOf(node),
        `values are nested more than ${LIMITS.jsonDepth} levels deep`,
      );
    }
    const depth = node.depth + 1;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const child: unknown = current[i];
        if (isNonFinite(child)) return nonFiniteProblem(node, i, child);
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: node, key: i });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key))
        return problem('error', 'forbidden-key', [...segmentsOf(node), key], `the key "${key}" is not allowed`);
      const child = (current as Record<string, unknown>)[key];
      if (isNonFinite(child)) return nonFiniteProblem(node, key, child);
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: node, key });
    }
  }
  return undefined;
}

function describeSyntaxError(located: ReturnType<typeof locateJsonError>, error: unknown): string {
  if (located) return `${located.message} at line ${located.line}, column ${located.column}`;
  return error instanceof Error ? error.message.slice(0, 160) : 'unreadable text';
}

/** Relaxed JSON can spell Infinity and NaN, which JSON (and so a saved workflow) cannot hold. */
function isNonFinite(value: unknown): value is number {
  return typeof value === 'number' && !Number.isFinite(value);
}

function nonFiniteProblem(node: ShapeNode, key: PathSegment, value: number): Problem {
  return problem('error', 'not-finite', [...segmentsOf(node), key], `${value} is not a number JSON can hold`);
}

function fail(segments: PathSegment[], message: string, code: string): ParsedJson {
  return { ok: false, problems: [problem('error', code, segments, message)] };
}
