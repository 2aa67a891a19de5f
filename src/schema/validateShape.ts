import type { z } from 'zod';
import { LIMITS } from './limits';
import { problem, segmentsOf, type PathLink, type PathSegment, type ProblemSink } from './problems';
import { STEP_TYPES, stepSchema } from './steps';
import { isObject, type RawObject, type Scope } from './walk';
import { workflowFileSchema } from './workflow';

/**
 * The shape half of validation (zod), made safe for hostile sizes: container sizes are checked
 * first, then zod runs on one step at a time, so no single parse can build an unbounded issue list
 * (zod gathers issues with `push(...child)`, which overflows the stack past ~100,000).
 */

/** One workflow in a file: the file itself, or one of its bundled workflows. */
export interface Definition {
  raw: RawObject;
  base: PathSegment[];
  scopes: Scope[];
}

/** What a value is to the format, as far as sizes go: where the lists of steps are. */
type Role = 'definition' | 'bundles' | 'steps' | 'step' | 'loop-config' | 'parallel-config' | 'branches' | 'other';

interface WalkNode extends PathLink {
  value: unknown;
  role: Role;
}

function childRole(node: WalkNode, key: PathSegment): Role {
  switch (node.role) {
    case 'definition':
      return key === 'stepsConfig'
        ? 'steps'
        : key === 'bundledWorkflows' && node.parent === undefined
          ? 'bundles'
          : 'other';
    case 'bundles':
      return 'definition';
    case 'steps':
      return 'step';
    case 'step': {
      const type = (node.value as RawObject).stepType;
      if (key !== 'config') return 'other';
      return type === 'loop' ? 'loop-config' : type === 'parallel' ? 'parallel-config' : 'other';
    }
    case 'loop-config':
      return key === 'steps' ? 'steps' : 'other';
    case 'parallel-config':
      return key === 'branches' ? 'branches' : 'other';
    case 'branches':
      return 'steps';
    case 'other':
      return 'other';
  }
}

/**
 * Every array and object holds at most `LIMITS.entries` entries (a list of steps: `LIMITS.steps`).
 * Returns false, having reported each one, when something is bigger. Runs before anything else
 * walks the file, so it finds the lists of steps on its own.
 */
export function checkSizes(file: RawObject, sink: ProblemSink): boolean {
  let fits = true;
  // Parent links, not a copied path per value: the path is built only for a problem.
  const pending: WalkNode[] = [{ value: file, role: 'definition', parent: undefined, key: undefined }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const current = node.value as object;
    const keys = Array.isArray(current) ? undefined : Object.keys(current);
    const size = keys ? keys.length : (current as unknown[]).length;
    const limit = node.role === 'steps' ? LIMITS.steps : LIMITS.entries;
    if (size > limit) {
      fits = false;
      sink.add(
        node.role === 'steps'
          ? problem('error', 'too-many-steps', segmentsOf(node), `${size} steps; the limit is ${LIMITS.steps}`)
          : problem(
              'error',
              'too-many-entries',
              segmentsOf(node),
              `${keys ? 'an object' : 'a list'} with ${size.toLocaleString('en-US')} entries; ` +
                `the limit is ${limit.toLocaleString('en-US')}`,
            ),
      );
      continue;
    }
    // Only containers are queued: a list of a million numbers must not cost a million nodes.
    if (keys) {
      for (const key of keys) {
        const value = (current as RawObject)[key];
        if (value !== null && typeof value === 'object')
          pending.push({ value, role: childRole(node, key), parent: node, key });
      }
    } else {
      const list = current as unknown[];
      for (let i = 0; i < list.length; i++) {
        const value = list[i];
        if (value !== null && typeof value === 'object')
          pending.push({ value, role: childRole(node, i), parent: node, key: i });
      }
    }
  }
  return fits;
}

/**
 * Zod over the file with every step stubbed out, then over each step with its bodies stubbed out.
 * Returns true when every part has the right shape.
 */
export function checkShape(file: RawObject, definitions: readonly Definition[], sink: ProblemSink): boolean {
  let ok = addIssues(workflowFileSchema, envelopeOf(file), [], undefined, sink);
  for (const { scopes } of definitions) {
    for (const scope of scopes) {
      for (const site of scope.sites)
        ok = addIssues(stepSchema, withBodiesStubbed(site.raw), site.segments, site.slug, sink) && ok;
    }
  }
  return ok;
}

/** Stands in for a step that is checked on its own; it has the right shape, so it adds no issue. */
const CHECKED_ELSEWHERE = Object.freeze({
  stepSlug: 'checked_elsewhere',
  name: '',
  stepType: 'trigger',
  config: { type: 'manual' },
});

/** A step list with each step replaced by the stand-in; anything not a step object stays for zod to report. */
function stubSteps(list: unknown): unknown {
  return Array.isArray(list) ? list.map((item) => (isObject(item) ? CHECKED_ELSEWHERE : item)) : list;
}

function envelopeOf(file: RawObject): RawObject {
  const envelope: RawObject = { ...file, stepsConfig: stubSteps(file.stepsConfig) };
  if (Array.isArray(file.bundledWorkflows)) {
    envelope.bundledWorkflows = file.bundledWorkflows.map((bundle) =>
      isObject(bundle) ? { ...bundle, stepsConfig: stubSteps(bundle.stepsConfig) } : bundle,
    );
  }
  if (!Object.hasOwn(file, 'stepsConfig')) delete envelope.stepsConfig;
  return envelope;
}

function withBodiesStubbed(step: RawObject): RawObject {
  const config = step.config;
  if (!isObject(config)) return step;
  if (step.stepType === 'loop' && Object.hasOwn(config, 'steps'))
    return { ...step, config: { ...config, steps: stubSteps(config.steps) } };
  if (step.stepType === 'parallel' && isObject(config.branches)) {
    const branches: RawObject = {};
    for (const [name, list] of Object.entries(config.branches)) branches[name] = stubSteps(list);
    return { ...step, config: { ...config, branches } };
  }
  return step;
}

function addIssues(
  schema: z.ZodType,
  value: RawObject,
  base: PathSegment[],
  slug: string | undefined,
  sink: ProblemSink,
): boolean {
  const parsed = schema.safeParse(value);
  if (parsed.success) return true;
  for (const issue of parsed.error.issues) {
    const segments = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    sink.add(problem('error', 'shape', [...base, ...segments], readableMessage(issue, value, segments), slug));
  }
  return false;
}

function readableMessage(issue: z.core.$ZodIssue, root: RawObject, segments: PathSegment[]): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const given = valueAt(root, segments);
    const options =
      issue.discriminator === 'stepType' ? STEP_TYPES : ((issue as { options?: unknown[] }).options ?? []);
    const what = issue.discriminator === 'stepType' ? 'step type' : issue.discriminator;
    return given === undefined
      ? `"${issue.discriminator}" is missing; expected one of: ${options.join(', ')}`
      : `unknown ${what} ${JSON.stringify(given)?.slice(0, 80)}; expected one of: ${options.join(', ')}`;
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
