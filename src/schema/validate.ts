import type { z } from 'zod';
import { normalizeAllowedHost } from './hosts';
import { LIMITS } from './limits';
import { problem, type PathSegment, type Problem } from './problems';
import { STEP_TYPES } from './steps';
import { validateGraph } from './validateGraph';
import { buildRefContext, validateRefs } from './validateRefs';
import { collectScopes, isObject, objectField, stringField, type RawObject } from './walk';
import { SECRET_DECLARATION_FIELDS, workflowFileSchema, type WorkflowFile } from './workflow';

export interface ValidationResult {
  /** The input typed as a workflow file when its shape is right (it may still have semantic errors). */
  file: WorkflowFile | undefined;
  problems: Problem[];
}

export interface ValidateOptions {
  /** Names of saved workflows a subworkflow step may call; omit when unknown (no warning then). */
  knownWorkflows?: Iterable<string>;
}

/**
 * Every problem of a workflow file at once: shape (zod), graph, references, settings, and the same
 * for each bundled subworkflow. Never throws on any JSON value.
 */
export function validateWorkflowFile(value: unknown, options: ValidateOptions = {}): ValidationResult {
  if (!isObject(value)) {
    return { file: undefined, problems: [problem('error', 'not-a-workflow', [], 'a workflow file is a JSON object with "workflowConfig" and "stepsConfig"')] };
  }
  const shape = workflowFileSchema.safeParse(value);
  const problems = shape.success ? [] : shape.error.issues.map(issueToProblem(value));
  const bundles = Array.isArray(value.bundledWorkflows) ? value.bundledWorkflows.filter(isObject) : [];
  const bundledNames = bundles.map((b) => stringField(objectField(b, 'workflowConfig'), 'name')).filter((n): n is string => !!n);
  const known = options.knownWorkflows ? new Set([...options.knownWorkflows, ...bundledNames]) : undefined;
  problems.push(...validateDefinition(value, [], known));
  if (bundles.length > LIMITS.bundledWorkflows) {
    problems.push(problem('error', 'too-many-bundles', ['bundledWorkflows'], `at most ${LIMITS.bundledWorkflows} bundled workflows`));
  }
  bundles.slice(0, LIMITS.bundledWorkflows).forEach((bundle, i) => {
    problems.push(...validateDefinition(bundle, ['bundledWorkflows', i], known));
  });
  return { file: shape.success ? (value as WorkflowFile) : undefined, problems: dedupe(problems) };
}

function validateDefinition(raw: RawObject, base: PathSegment[], known: Set<string> | undefined): Problem[] {
  const workflowConfig = objectField(raw, 'workflowConfig');
  const settings = objectField(workflowConfig, 'config');
  const scopes = collectScopes(raw.stepsConfig, [...base, 'stepsConfig']);
  const total = scopes.reduce((n, s) => n + s.sites.length, 0);
  if (total > LIMITS.steps) {
    return [problem('error', 'too-many-steps', [...base, 'stepsConfig'], `${total} steps; the limit is ${LIMITS.steps}`)];
  }
  const ctx = buildRefContext(settings, stringField(workflowConfig, 'name'), scopes, known);
  return [...validateGraph(scopes), ...validateRefs(scopes, ctx), ...validateSettings(settings, [...base, 'workflowConfig', 'config'])];
}

function validateSettings(settings: RawObject | undefined, base: PathSegment[]): Problem[] {
  if (!settings) return [];
  const problems: Problem[] = [];
  const secrets = objectField(settings, 'secrets') ?? {};
  for (const [name, declaration] of Object.entries(secrets)) {
    const stray = isObject(declaration) ? Object.keys(declaration).filter((k) => !SECRET_DECLARATION_FIELDS.has(k)) : [];
    if (stray.length > 0) {
      problems.push(problem('error', 'secret-value-in-file', [...base, 'secrets', name, stray[0]!],
        `secret "${name}" carries "${stray[0]}"; secret values never go in a workflow file: remove it and enter the value in Settings → Secrets`));
    }
    if (isObject(declaration) && declaration.kind === 'inlineEncrypted') {
      problems.push(problem('warning', 'secret-needs-value', [...base, 'secrets', name],
        `secret "${name}" was encrypted by another system; enter its value again in Settings → Secrets before running`));
    }
  }
  const hosts = Array.isArray(settings.allowedHosts) ? settings.allowedHosts : [];
  hosts.forEach((host, i) => {
    if (typeof host === 'string' && normalizeAllowedHost(host) === undefined) {
      problems.push(problem('error', 'bad-host', [...base, 'allowedHosts', i],
        `"${host}" is not a host name (write "api.example.com", "localhost:11434" or "*.example.com", without scheme or path; IPv6 in brackets)`));
    }
  });
  return problems;
}

/** Turns a zod issue into a problem with the step slug it sits in and a message a person can act on. */
function issueToProblem(root: RawObject) {
  return (issue: z.core.$ZodIssue): Problem => {
    const segments = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    return problem('error', 'shape', segments, readableMessage(issue, root, segments), slugAt(root, segments));
  };
}

function readableMessage(issue: z.core.$ZodIssue, root: RawObject, segments: PathSegment[]): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const given = valueAt(root, segments);
    const options = issue.discriminator === 'stepType' ? STEP_TYPES : (issue as { options?: unknown[] }).options ?? [];
    const what = issue.discriminator === 'stepType' ? 'step type' : issue.discriminator;
    return given === undefined
      ? `"${issue.discriminator}" is missing; expected one of: ${options.join(', ')}`
      : `unknown ${what} ${JSON.stringify(given)}; expected one of: ${options.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && valueAt(root, segments) === undefined) {
    return `"${String(segments[segments.length - 1] ?? 'value')}" is required (${issue.expected})`;
  }
  return issue.message;
}

function valueAt(root: unknown, segments: PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The slug of the innermost step that contains the path. */
function slugAt(root: RawObject, segments: PathSegment[]): string | undefined {
  let slug: string | undefined;
  for (let i = 1; i <= segments.length; i++) {
    const value = valueAt(root, segments.slice(0, i));
    if (isObject(value) && typeof value.stepSlug === 'string' && typeof segments[i - 1] === 'number') slug = value.stepSlug;
  }
  return slug;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.severity}|${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
