import type { PathSegment } from './problems';
import { collectScopes, isObject, nextStepsOf, type RawObject, type Scope, type StepSite } from './walk';

/**
 * What a step can read of its run, from the graph alone: the steps that can have completed before it
 * starts. In its own body those are the steps that reach it through `nextSteps`; then, for each
 * container around it, the steps that reach that container in its body, and so on outwards (the
 * engine looks a slug up in the step's own iteration or branch first, then in the enclosing ones).
 * Steps inside other bodies, steps after it and the containers around it are never visible.
 */
export interface StepReach {
  /** Slugs of the steps that can have run before this one, nearest body first, in document order per body. */
  predecessors: string[];
  /** Slugs of the loops around the step, outermost first (`loop.item` / `loop.index` exist when non-empty). */
  loops: string[];
  /** Slugs of the steps in the same body, other than this one (candidate `nextSteps` targets). */
  siblings: string[];
  /** Slugs of the steps directly in the innermost loop's body (what `loop.previous.<slug>` can name). */
  loopBody: string[];
}

/** The reach of the step at `stepPath` (e.g. `['stepsConfig', 2, 'config', 'steps', 0]`); undefined without one. */
export function stepReach(file: unknown, stepPath: readonly PathSegment[]): StepReach | undefined {
  if (!isObject(file)) return undefined;
  const definition = definitionAt(file, stepPath);
  if (!definition) return undefined;
  const scopes = collectScopes(definition.raw.stepsConfig, [...definition.base, 'stepsConfig']);
  const site = findSite(scopes, stepPath);
  if (!site) return undefined;
  const predecessors: string[] = [];
  const chain = [site, ...[...site.containers].reverse()];
  for (const current of chain) predecessors.push(...ancestorsInScope(current));
  return {
    predecessors: [...new Set(predecessors)],
    loops: site.containers.filter((c) => c.stepType === 'loop').flatMap((c) => (c.slug === undefined ? [] : [c.slug])),
    siblings: site.scope.sites.filter((s) => s !== site && s.slug !== undefined).map((s) => s.slug!),
    loopBody: loopBodySlugs(scopes, site),
  };
}

function loopBodySlugs(scopes: Scope[], site: StepSite): string[] {
  const loop = [...site.containers].reverse().find((c) => c.stepType === 'loop');
  const body = loop && scopes.find((s) => s.container === loop);
  return body ? body.sites.flatMap((s) => (s.slug === undefined ? [] : [s.slug])) : [];
}

/** The workflow a path is in: the file itself, or one of its bundled workflows. */
function definitionAt(
  file: RawObject,
  path: readonly PathSegment[],
): { raw: RawObject; base: PathSegment[] } | undefined {
  if (path[0] === 'stepsConfig') return { raw: file, base: [] };
  if (path[0] !== 'bundledWorkflows' || typeof path[1] !== 'number' || !Array.isArray(file.bundledWorkflows)) {
    return undefined;
  }
  const bundle: unknown = file.bundledWorkflows[path[1]];
  return isObject(bundle) ? { raw: bundle, base: ['bundledWorkflows', path[1]] } : undefined;
}

function findSite(scopes: Scope[], path: readonly PathSegment[]): StepSite | undefined {
  for (const scope of scopes) {
    for (const site of scope.sites) {
      if (site.segments.length === path.length && site.segments.every((s, i) => s === path[i])) return site;
    }
  }
  return undefined;
}

/** The steps of `site`'s body from which `site` can be reached through nextSteps, in document order. */
function ancestorsInScope(site: StepSite): string[] {
  if (site.slug === undefined) return [];
  const incoming = new Map<string, string[]>();
  for (const from of site.scope.sites) {
    if (from.slug === undefined) continue;
    for (const [, target] of nextStepsOf(from)) {
      const list = incoming.get(target) ?? [];
      list.push(from.slug);
      incoming.set(target, list);
    }
  }
  const reached = new Set<string>();
  const stack = [site.slug];
  while (stack.length > 0) {
    for (const from of incoming.get(stack.pop()!) ?? []) {
      if (reached.has(from)) continue;
      reached.add(from);
      stack.push(from);
    }
  }
  // A step on a cycle reaches itself; it still has not run before itself.
  reached.delete(site.slug);
  return site.scope.sites.flatMap((s) => (s.slug !== undefined && reached.has(s.slug) ? [s.slug] : []));
}
