import type { PathSegment } from './problems';

/**
 * A defensive walk over a workflow's steps that never trusts the input's shape: validation runs it
 * on raw JSON, before (and even when) the zod schemas reject something.
 */

export type RawObject = Record<string, unknown>;

export interface StepSite {
  raw: RawObject;
  segments: PathSegment[];
  slug: string | undefined;
  stepType: string | undefined;
  scope: Scope;
  /** Containers around this step, outermost first. */
  containers: StepSite[];
}

export interface Scope {
  /** "" for the top level, else "<containerSlug>/<bodyName>". */
  id: string;
  segments: PathSegment[];
  container: StepSite | undefined;
  bodyName: string | undefined;
  sites: StepSite[];
}

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(raw: RawObject | undefined, key: string): string | undefined {
  const value = raw && Object.hasOwn(raw, key) ? raw[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

export function objectField(raw: RawObject | undefined, key: string): RawObject | undefined {
  const value = raw && Object.hasOwn(raw, key) ? raw[key] : undefined;
  return isObject(value) ? value : undefined;
}

/** All scopes (top level first, then container bodies in document order) with their steps. */
export function collectScopes(stepsConfig: unknown, base: PathSegment[]): Scope[] {
  const scopes: Scope[] = [];
  const top: Scope = { id: '', segments: base, container: undefined, bodyName: undefined, sites: [] };
  const pending: Array<{ scope: Scope; list: unknown; containers: StepSite[] }> = [
    { scope: top, list: stepsConfig, containers: [] },
  ];
  // Iterative on purpose: nesting depth is bounded by validation, not by the call stack. A read
  // index, not shift(): shifting 300,000 pending bodies one by one would be quadratic.
  for (let next = 0; next < pending.length; next++) {
    const { scope, list, containers } = pending[next]!;
    scopes.push(scope);
    if (!Array.isArray(list)) continue;
    list.forEach((raw, index) => {
      if (!isObject(raw)) return;
      const site: StepSite = {
        raw,
        segments: [...scope.segments, index],
        slug: stringField(raw, 'stepSlug'),
        stepType: stringField(raw, 'stepType'),
        scope,
        containers,
      };
      scope.sites.push(site);
      for (const body of bodiesOf(site)) {
        pending.push({
          scope: {
            id: `${site.slug ?? `#${index}`}/${body.name}`,
            segments: body.segments,
            container: site,
            bodyName: body.name,
            sites: [],
          },
          list: body.list,
          containers: [...containers, site],
        });
      }
    });
  }
  return scopes;
}

/** The step arrays directly inside a loop or parallel step, read defensively. */
export function bodiesOf(site: StepSite): Array<{ name: string; list: unknown; segments: PathSegment[] }> {
  const config = objectField(site.raw, 'config');
  if (!config) return [];
  if (site.stepType === 'loop' && Object.hasOwn(config, 'steps')) {
    return [{ name: 'body', list: config.steps, segments: [...site.segments, 'config', 'steps'] }];
  }
  const branches = site.stepType === 'parallel' ? objectField(config, 'branches') : undefined;
  if (!branches) return [];
  return Object.keys(branches).map((name) => ({
    name,
    list: branches[name],
    segments: [...site.segments, 'config', 'branches', name],
  }));
}

/** A step's `nextSteps` entries whose values are strings. */
export function nextStepsOf(site: StepSite): Array<[key: string, target: string]> {
  const next = objectField(site.raw, 'nextSteps');
  if (!next) return [];
  return Object.entries(next).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

export function innermostLoop(site: StepSite): StepSite | undefined {
  for (let i = site.containers.length - 1; i >= 0; i--) {
    if (site.containers[i]!.stepType === 'loop') return site.containers[i];
  }
  return undefined;
}
