import { LIMITS } from './limits';
import { problem, segmentsOf, type PathLink, type PathSegment, type Problem } from './problems';
import { formatBytes } from './share';
import { locateJsonError } from './jsonSyntax';

/** Turning untrusted text into a JSON value: size, syntax, depth and dangerous keys, each a readable error. */

export type ParsedJson = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

/** Keys that would reach an object's prototype if the value were ever merged by assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

export function parseJsonText(text: string): ParsedJson {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LIMITS.importBytes) {
    return fail([], `the file is ${formatBytes(bytes)}; the limit is ${formatBytes(LIMITS.importBytes)}`, 'too-large');
  }
  if (text.trim() === '') return fail([], 'there is nothing to import: the text is empty', 'empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail([], `this is not valid JSON: ${describeSyntaxError(text, error)}`, 'bad-json');
  }
  const shapeProblem = checkJsonShape(value);
  return shapeProblem ? { ok: false, problems: [shapeProblem] } : { ok: true, value };
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
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: node, key: i });
      }
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key))
        return problem('error', 'forbidden-key', [...segmentsOf(node), key], `the key "${key}" is not allowed`);
      const child = (current as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth, parent: node, key });
    }
  }
  return undefined;
}

function describeSyntaxError(text: string, error: unknown): string {
  const located = locateJsonError(text);
  if (located) return `${located.message} at line ${located.line}, column ${located.column}`;
  return error instanceof Error ? error.message.slice(0, 160) : 'unreadable text';
}

function fail(segments: PathSegment[], message: string, code: string): ParsedJson {
  return { ok: false, problems: [problem('error', code, segments, message)] };
}
