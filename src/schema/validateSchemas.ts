import {
  compilePattern,
  isSchemaObject,
  keywordValueProblem,
  parseLocalRef,
  RE2_SYNTAX_HINT,
  resolvePointer,
  SINGLE_SUBSCHEMA,
  SUBSCHEMA_LISTS,
  SUBSCHEMA_MAPS,
  UNSUPPORTED_KEYWORDS,
} from './jsonSchemaKeywords';
import { problem, type PathSegment, type Problem } from './problems';
import { objectField, type RawObject, type Scope } from './walk';

/**
 * Import-time checks of the JSON Schemas a workflow carries (`inputSchema`, each LLM step's
 * `outputSchema`): every pattern compiles on RE2, every `$ref` is local and points somewhere, and no
 * keyword is one the validator refuses at run time. Iterative, and never throws on any JSON value.
 */

/** Pattern characters compiled per file (all its definitions); past it patterns are refused rather than compiled. */
const MAX_PATTERN_CHARS_PER_FILE = 200_000;

interface Reporter {
  add(found: Problem): void;
}

interface Walk {
  reporter: Reporter;
  slug: string | undefined;
  patterns: PatternBudget;
}

/**
 * What each pattern of one file compiled to (kept for the whole file: it repeats patterns freely), and their total
 * length.
 */
interface PatternBudget {
  compiled: Map<string, { ok: true } | { ok: false; reason: string }>;
  chars: number;
}

/** One reporter collects one file's problems, so its definitions (bundles too) share one budget. */
const budgets = new WeakMap<Reporter, PatternBudget>();

/** Checks every JSON Schema of one workflow definition; `settingsPath` is where `workflowConfig.config` sits. */
export function validateSchemas(
  settings: RawObject | undefined,
  scopes: readonly Scope[],
  settingsPath: PathSegment[],
  reporter: Reporter,
): void {
  let patterns = budgets.get(reporter);
  if (!patterns) budgets.set(reporter, (patterns = { compiled: new Map(), chars: 0 }));
  const shared = { patterns };
  if (settings && Object.hasOwn(settings, 'inputSchema')) {
    checkSchema(settings.inputSchema, [...settingsPath, 'inputSchema'], { reporter, slug: undefined, ...shared });
  }
  for (const scope of scopes) {
    for (const site of scope.sites) {
      if (site.stepType !== 'llm') continue;
      const llmNode = objectField(objectField(site.raw, 'config'), 'llmNode');
      if (!llmNode || !Object.hasOwn(llmNode, 'outputSchema')) continue;
      checkSchema(llmNode.outputSchema, [...site.segments, 'config', 'llmNode', 'outputSchema'], {
        reporter,
        slug: site.slug,
        ...shared,
      });
    }
  }
}

/** Walks one schema's subschemas (never its data: `enum`, `const`, `default`, `examples`). */
function checkSchema(root: unknown, base: PathSegment[], walk: Walk): void {
  const pending: Array<{ node: unknown; segments: PathSegment[] }> = [{ node: root, segments: base }];
  while (pending.length > 0) {
    const { node, segments } = pending.pop()!;
    if (typeof node === 'boolean') continue;
    if (!isSchemaObject(node)) {
      report(walk, segments, 'schema-shape', 'a JSON Schema here must be an object, true or false');
      continue;
    }
    for (const key of Object.keys(node)) checkKeyword(root, node, key, segments, walk);
    pending.push(...subschemas(node, segments).reverse());
  }
}

function checkKeyword(root: unknown, node: RawObject, key: string, segments: PathSegment[], walk: Walk): void {
  const at = [...segments, key];
  const value = node[key];
  if (UNSUPPORTED_KEYWORDS.has(key)) {
    report(
      walk,
      at,
      'schema-unsupported',
      `"${key}" is not supported in JSON Schemas here, so every value checked against this schema would be refused; ` +
        'remove it (for objects, "additionalProperties" often says the same)',
    );
    return;
  }
  if (key === '$id' && node !== root) {
    report(
      walk,
      at,
      'schema-unsupported',
      'a nested "$id" is not supported (references always resolve against the whole schema); remove it',
    );
    return;
  }
  const shape = keywordValueProblem(key, value);
  if (shape) {
    report(walk, at, 'schema-keyword', shape);
    return;
  }
  if (key === 'pattern') checkPattern(value as string, at, walk);
  if (key === 'patternProperties' && isSchemaObject(value)) {
    for (const source of Object.keys(value)) checkPattern(source, [...at, source], walk);
  }
  if (key === '$ref') checkRef(root, value as string, at, walk);
}

function checkPattern(source: string, at: PathSegment[], walk: Walk): void {
  const budget = walk.patterns;
  let verdict = budget.compiled.get(source);
  if (verdict === undefined) {
    if (budget.chars + source.length > MAX_PATTERN_CHARS_PER_FILE) {
      report(
        walk,
        at,
        'schema-too-costly',
        `the schemas' patterns add up to more than ${MAX_PATTERN_CHARS_PER_FILE} characters; shorten or remove some`,
      );
      return;
    }
    budget.chars += source.length;
    const compiled = compilePattern(source);
    verdict = compiled.ok ? { ok: true } : { ok: false, reason: compiled.reason };
    budget.compiled.set(source, verdict);
  }
  if (verdict.ok) return;
  const shown = source.length > 80 ? `${JSON.stringify(source.slice(0, 77))}…` : JSON.stringify(source);
  report(walk, at, 'schema-pattern', `the pattern ${shown} cannot be used: ${verdict.reason}; ${RE2_SYNTAX_HINT}`);
}

function checkRef(root: unknown, ref: string, at: PathSegment[], walk: Walk): void {
  const parsed = parseLocalRef(ref);
  if (!parsed.ok) report(walk, at, 'schema-ref', parsed.reason);
  else if (resolvePointer(root, parsed.segments) === undefined) {
    report(walk, at, 'schema-ref', `"$ref": ${JSON.stringify(ref)} points to nothing in this schema`);
  }
}

/** The node's subschemas with their paths, in document order. */
function subschemas(node: RawObject, segments: PathSegment[]): Array<{ node: unknown; segments: PathSegment[] }> {
  const found: Array<{ node: unknown; segments: PathSegment[] }> = [];
  for (const key of Object.keys(node)) {
    const value = node[key];
    const tuple = key === 'items' && Array.isArray(value);
    if ((SINGLE_SUBSCHEMA as readonly string[]).includes(key) && !tuple)
      found.push({ node: value, segments: [...segments, key] });
    if ((SUBSCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      value.forEach((item, i) => found.push({ node: item, segments: [...segments, key, i] }));
    }
    if ((SUBSCHEMA_MAPS as readonly string[]).includes(key) && isSchemaObject(value)) {
      for (const name of Object.keys(value)) {
        // `dependencies` members may be lists of property names rather than schemas.
        if (key === 'dependencies' && Array.isArray(value[name])) continue;
        found.push({ node: value[name], segments: [...segments, key, name] });
      }
    }
  }
  return found;
}

function report(walk: Walk, segments: PathSegment[], code: string, message: string): void {
  walk.reporter.add(problem('error', code, segments, message, walk.slug));
}
