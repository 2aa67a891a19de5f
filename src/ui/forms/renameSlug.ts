import type { PathSegment } from '../../schema/problems';
import { SLUG_PATTERN } from '../../schema/steps';
import { collectScopes, isObject, type RawObject } from '../../schema/walk';
import type { WorkflowFile } from '../../schema/workflow';
import { getAt, setAt, type JsonPath } from './path';

/**
 * Renames the step at `stepPath`: its `stepSlug`, every `nextSteps` entry of its body that points at
 * it, and the references to it in templates (`{{steps.old.output}}`, `{{loop.previous.old…}}`) and
 * expressions (`steps.old.output`) anywhere in the same workflow.
 */
export function renameSlug(file: WorkflowFile, stepPath: JsonPath, wanted: string): WorkflowFile {
  const step = getAt(file, stepPath);
  const old = isObject(step) ? step.stepSlug : undefined;
  if (typeof old !== 'string' || old === wanted) return file;
  const base = stepPath[0] === 'bundledWorkflows' ? stepPath.slice(0, 2) : [];
  const definition = base.length === 0 ? file : getAt(file, base);
  if (!isObject(definition)) return file;
  let next = setAt(file, [...stepPath, 'stepSlug'], wanted);
  const scopes = collectScopes(definition.stepsConfig, [...base, 'stepsConfig']);
  const parent = stepPath.slice(0, -1);
  for (const scope of scopes) {
    for (const site of scope.sites) {
      if (samePath(scope.segments, parent)) next = retarget(next, site.segments, site.raw, old, wanted);
      next = rewriteConfig(next, site.segments, site.raw, old, wanted);
    }
  }
  return next;
}

/** What a rename must refuse: an empty, malformed or already used slug (names what is wrong). */
export function slugProblem(file: WorkflowFile, stepPath: JsonPath, wanted: string): string | undefined {
  if (!SLUG_PATTERN.test(wanted)) {
    return 'a slug starts with a letter or _ and uses only letters, digits, _ or - (at most 64)';
  }
  const base = stepPath[0] === 'bundledWorkflows' ? stepPath.slice(0, 2) : [];
  const definition = base.length === 0 ? file : getAt(file, base);
  const scopes = isObject(definition) ? collectScopes(definition.stepsConfig, [...base, 'stepsConfig']) : [];
  const taken = scopes.some((s) => s.sites.some((site) => site.slug === wanted && !samePath(site.segments, stepPath)));
  return taken ? `another step is already called "${wanted}"; slugs are unique across the workflow` : undefined;
}

function retarget(file: WorkflowFile, at: PathSegment[], raw: RawObject, old: string, wanted: string): WorkflowFile {
  let next = file;
  const nextSteps = isObject(raw.nextSteps) ? raw.nextSteps : {};
  for (const [key, target] of Object.entries(nextSteps)) {
    if (target === old) next = setAt(next, [...at, 'nextSteps', key], wanted);
  }
  return next;
}

/** Rewrites the strings of a step's config (not its bodies: their steps are sites of their own). */
function rewriteConfig(file: WorkflowFile, at: PathSegment[], raw: RawObject, old: string, wanted: string) {
  let next = file;
  const config = isObject(raw.config) ? raw.config : {};
  for (const [key, value] of Object.entries(config)) {
    if ((raw.stepType === 'loop' && key === 'steps') || (raw.stepType === 'parallel' && key === 'branches')) continue;
    const rewritten = rewriteValue(value, old, wanted);
    if (rewritten !== value) next = setAt(next, [...at, 'config', key], rewritten);
  }
  // In JSONata a slug that is not a name (`my-step`) must be quoted: `steps.\`my-step\``.
  for (const path of expressionPaths(raw)) {
    const source = getAt(raw, path);
    if (typeof source !== 'string') continue;
    const rewritten = rewriteText(source, old, wanted, true);
    if (rewritten !== source) next = setAt(next, [...at, ...path], rewritten);
  }
  return next;
}

/** Where a step's JSONata expressions are (relative to the step). */
function expressionPaths(raw: RawObject): PathSegment[][] {
  const config = isObject(raw.config) ? raw.config : {};
  if (raw.stepType === 'condition' && Array.isArray(config.rules)) {
    return config.rules.map((_, i) => ['config', 'rules', i, 'when']);
  }
  if (raw.stepType === 'loop') return [['config', 'while']];
  if (raw.stepType === 'action' && config.action === 'transform') return [['config', 'expression']];
  return [];
}

function rewriteValue(value: unknown, old: string, wanted: string): unknown {
  if (typeof value === 'string') return rewriteText(value, old, wanted);
  if (Array.isArray(value)) {
    const items = value.map((item) => rewriteValue(item, old, wanted));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, rewriteValue(v, old, wanted)] as const);
    return entries.some(([k, v]) => v !== value[k]) ? Object.fromEntries(entries) : value;
  }
  return value;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `steps.old` (or `loop.previous.old`) as a whole name: not `steps.older`, not `mysteps.old`. */
export function rewriteText(text: string, old: string, wanted: string, expression = false): string {
  if (!text.includes(old)) return text;
  const spelled = expression && !/^[A-Za-z_$][\w$]*$/.test(wanted) ? `\`${wanted}\`` : wanted;
  const name = new RegExp(`(^|[^\\w$.])((?:steps|loop\\.previous)\\.)${escape(old)}(?![\\w$-])`, 'g');
  const quoted = new RegExp(`(^|[^\\w$.])((?:steps|loop\\.previous)\\.)\`${escape(old)}\``, 'g');
  return text
    .replace(name, (_, before: string, root: string) => `${before}${root}${spelled}`)
    .replace(quoted, (_, before: string, root: string) => `${before}${root}\`${wanted}\``);
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
