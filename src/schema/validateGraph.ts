import { formatJsonPath, problem, type ProblemSink } from './problems';
import { nextStepsOf, objectField, isObject, type Scope, type StepSite } from './walk';

/** Branch keys every step may use; conditions add their rule targets, approvals their outcomes. */
export const COMMON_BRANCH_KEYS = ['default', 'success', 'failure', 'timeout'] as const;
export const APPROVAL_BRANCH_KEYS = ['approved', 'rejected'] as const;

/**
 * Graph rules per scope: slugs, targets, branch keys, one entry, no cycles, reachability. Linear in
 * steps + edges: a file with 20,000 steps or 300,000 bodies must not cost a square of that.
 */
export function validateGraph(scopes: Scope[], sink: ProblemSink): void {
  const firstSites = checkUniqueSlugs(scopes, sink);
  for (const scope of scopes) {
    checkTargets(scope, firstSites, sink);
    checkBranchKeys(scope, sink);
    const entry = findEntry(scope, sink);
    checkCycles(scope, sink);
    if (entry) checkReachable(scope, entry, sink);
  }
}

/** Reports reused slugs; returns the first step of each slug (where a target is looked up). */
function checkUniqueSlugs(scopes: Scope[], sink: ProblemSink): Map<string, StepSite> {
  const seen = new Map<string, StepSite>();
  for (const scope of scopes) {
    for (const site of scope.sites) {
      if (site.slug === undefined) continue;
      const first = seen.get(site.slug);
      if (!first) {
        seen.set(site.slug, site);
        continue;
      }
      sink.add(
        problem(
          'error',
          'duplicate-slug',
          [...site.segments, 'stepSlug'],
          `step slug "${site.slug}" is used twice (first at ${formatJsonPath(first.segments)}); ` +
            'slugs must be unique across the whole workflow',
          site.slug,
        ),
      );
    }
  }
  return seen;
}

function checkTargets(scope: Scope, firstSites: Map<string, StepSite>, sink: ProblemSink): void {
  const here = new Set(scope.sites.map((s) => s.slug));
  for (const site of scope.sites) {
    for (const [key, target] of nextStepsOf(site)) {
      if (here.has(target)) continue;
      const elsewhere = firstSites.get(target)?.scope;
      const message = elsewhere
        ? `nextSteps.${key} points to "${target}", which is in ${describeBody(elsewhere)}; ` +
          'a step can only continue to steps of its own body'
        : `nextSteps.${key} points to "${target}", but no step has that slug`;
      sink.add(problem('error', 'unknown-target', [...site.segments, 'nextSteps', key], message, site.slug));
    }
  }
}

/** Keys a step's nextSteps may use, by step type. */
export function allowedBranchKeys(site: StepSite): Set<string> {
  const keys = new Set<string>(COMMON_BRANCH_KEYS);
  if (site.stepType === 'approval') APPROVAL_BRANCH_KEYS.forEach((k) => keys.add(k));
  if (site.stepType === 'condition') {
    const config = objectField(site.raw, 'config');
    const rules = config && Array.isArray(config.rules) ? config.rules : [];
    for (const rule of rules) if (isObject(rule) && typeof rule.next === 'string') keys.add(rule.next);
    if (config && typeof config.default === 'string') keys.add(config.default);
  }
  return keys;
}

function checkBranchKeys(scope: Scope, sink: ProblemSink): void {
  for (const site of scope.sites) {
    const allowed = allowedBranchKeys(site);
    const present = new Set(nextStepsOf(site).map(([key]) => key));
    let listed: string | undefined;
    for (const key of present) {
      if (allowed.has(key)) continue;
      listed ??= [...allowed].slice(0, 20).join(', ');
      sink.add(
        problem(
          'error',
          'unknown-branch-key',
          [...site.segments, 'nextSteps', key],
          `unknown branch key "${key}"; a ${site.stepType ?? 'step'} step can use: ${listed}`,
          site.slug,
        ),
      );
    }
    if (site.stepType === 'condition') checkConditionKeys(site, present, sink);
  }
}

/** Each rule's `next` and the `default` must name a key of the condition's own nextSteps. */
function checkConditionKeys(site: StepSite, present: Set<string>, sink: ProblemSink): void {
  const config = objectField(site.raw, 'config');
  if (!config) return;
  const rules = Array.isArray(config.rules) ? config.rules : [];
  rules.forEach((rule, i) => {
    if (isObject(rule) && typeof rule.next === 'string' && !present.has(rule.next)) {
      sink.add(
        problem(
          'error',
          'unknown-branch-key',
          [...site.segments, 'config', 'rules', i, 'next'],
          `rule goes to "${rule.next}", which is not a key of this step's nextSteps`,
          site.slug,
        ),
      );
    }
  });
  if (typeof config.default === 'string' && !present.has(config.default)) {
    sink.add(
      problem(
        'error',
        'unknown-branch-key',
        [...site.segments, 'config', 'default'],
        `default goes to "${config.default}", which is not a key of this step's nextSteps`,
        site.slug,
      ),
    );
  }
}

function incomingCounts(scope: Scope): Map<string, number> {
  const counts = new Map<string, number>();
  for (const site of scope.sites) if (site.slug !== undefined) counts.set(site.slug, counts.get(site.slug) ?? 0);
  for (const site of scope.sites) {
    for (const [, target] of nextStepsOf(site)) {
      if (counts.has(target)) counts.set(target, counts.get(target)! + 1);
    }
  }
  return counts;
}

/** Top level: the one trigger no step points to. A body: the one step no step of the body points to. */
function findEntry(scope: Scope, sink: ProblemSink): StepSite | undefined {
  const counts = incomingCounts(scope);
  const roots = scope.sites.filter((s) => s.slug !== undefined && counts.get(s.slug) === 0);
  if (scope.container === undefined) return findTopEntry(scope, roots, sink);
  if (roots.length === 1) return roots[0];
  const body = scope.container.stepType === 'loop' ? 'loop' : `branch "${scope.bodyName}"`;
  const where = `the ${body} of "${scope.container.slug}"`;
  sink.add(
    problem(
      'error',
      roots.length === 0 ? 'no-entry' : 'several-entries',
      scope.segments,
      roots.length === 0
        ? `${where} has no first step: every step is pointed to by another (a cycle)`
        : `${where} has several first steps (${listSlugs(roots)}); ` +
            'link them with nextSteps so exactly one step is not pointed to',
      scope.container.slug,
    ),
  );
  return undefined;
}

function findTopEntry(scope: Scope, roots: StepSite[], sink: ProblemSink): StepSite | undefined {
  const triggers = roots.filter((s) => s.stepType === 'trigger');
  if (triggers.length === 1) return triggers[0];
  if (triggers.length === 0) {
    sink.add(
      problem(
        'error',
        'no-entry',
        scope.segments,
        'the workflow has no entry: it needs one trigger step that no other step points to',
      ),
    );
  } else {
    sink.add(
      problem(
        'error',
        'several-entries',
        scope.segments,
        `the workflow has several entry triggers (${listSlugs(triggers)}); ` +
          'keep one, or point to the others (a trigger that is pointed to ends the run)',
      ),
    );
  }
  return undefined;
}

/** Where a scope's steps are, in words: the body of its container, or the top level. */
function describeBody(scope: Scope): string {
  return scope.container ? `the body of "${scope.container.slug}"` : 'the top level';
}

/** `"a", "b", "c"`, or the first ten and how many more: a message never holds 20,000 slugs. */
function listSlugs(sites: StepSite[]): string {
  const shown = sites
    .slice(0, 10)
    .map((s) => `"${s.slug}"`)
    .join(', ');
  return sites.length > 10 ? `${shown} and ${sites.length - 10} more` : shown;
}

/** Kahn's algorithm: whatever cannot be ordered sits on a cycle. Linear in steps + edges. */
function checkCycles(scope: Scope, sink: ProblemSink): void {
  const counts = incomingCounts(scope);
  const bySlug = new Map(scope.sites.filter((s) => s.slug !== undefined).map((s) => [s.slug!, s]));
  const queue = [...counts].filter(([, n]) => n === 0).map(([slug]) => slug);
  while (queue.length > 0) {
    const slug = queue.pop()!;
    for (const [, target] of nextStepsOf(bySlug.get(slug)!)) {
      if (!counts.has(target)) continue;
      const left = counts.get(target)! - 1;
      counts.set(target, left);
      if (left === 0) queue.push(target);
    }
  }
  const onCycle = [...counts].filter(([, n]) => n > 0).map(([slug]) => slug);
  if (onCycle.length === 0) return;
  const first = bySlug.get(onCycle[0]!)!;
  sink.add(
    problem(
      'error',
      'cycle',
      [...first.segments, 'nextSteps'],
      `nextSteps form a cycle through ${describeCycle(onCycle[0]!, bySlug, new Set(onCycle))}; ` +
        'repeat steps with a loop container instead',
      first.slug,
    ),
  );
}

function describeCycle(start: string, bySlug: Map<string, StepSite>, onCycle: Set<string>): string {
  const path = [start];
  const seen = new Set(path);
  let current = start;
  for (;;) {
    const next = nextStepsOf(bySlug.get(current)!)
      .map(([, t]) => t)
      .find((t) => onCycle.has(t));
    if (next === undefined) break;
    path.push(next);
    if (seen.has(next) || path.length > 12) break;
    seen.add(next);
    current = next;
  }
  return path.map((s) => `"${s}"`).join(' → ');
}

function checkReachable(scope: Scope, entry: StepSite, sink: ProblemSink): void {
  const bySlug = new Map(scope.sites.filter((s) => s.slug !== undefined).map((s) => [s.slug!, s]));
  const reached = new Set<string>([entry.slug!]);
  const stack = [entry];
  while (stack.length > 0) {
    for (const [, target] of nextStepsOf(stack.pop()!)) {
      const site = bySlug.get(target);
      if (site && !reached.has(target)) {
        reached.add(target);
        stack.push(site);
      }
    }
  }
  for (const s of scope.sites) {
    if (s.slug === undefined || reached.has(s.slug)) continue;
    sink.add(
      problem('warning', 'unreachable', s.segments, `step "${s.slug}" is never reached from "${entry.slug}"`, s.slug),
    );
  }
}
