import type { Route } from './routes';

/**
 * The experiments' addresses: `/experiments` (the list), `/experiments/new` and `/experiments/new/<workflowId>`
 * (the setup, of that workflow), `/experiments/<batchId>` (one experiment). The workflow is a path segment,
 * not `?workflow=`: wouter's hash navigation moves a `?…` out of the hash into the page's query.
 */

type ExperimentRoute = Extract<Route, { screen: 'experiments' | 'newExperiment' | 'experiment' }>;
type Match = (pattern: string, path: string) => Record<string, string | undefined> | null;

/** Batch ids are generated (`b…`), never the word `new`, so the setup's address names no experiment. */
const NEW = 'new';

export function formatExperimentRoute(route: ExperimentRoute, segment: (value: string) => string): string {
  switch (route.screen) {
    case 'experiments':
      return '/experiments';
    case 'newExperiment':
      return route.workflowId === null ? `/experiments/${NEW}` : `/experiments/${NEW}/${segment(route.workflowId)}`;
    case 'experiment':
      return `/experiments/${segment(route.batchId)}`;
  }
}

export function matchExperimentRoute(path: string, match: Match, decode: (raw: string | undefined) => string) {
  if (match('/experiments', path)) return { screen: 'experiments' } satisfies Route;
  if (match(`/experiments/${NEW}`, path)) return { screen: 'newExperiment', workflowId: null } satisfies Route;
  const setup = match(`/experiments/${NEW}/:workflowId`, path);
  if (setup) return { screen: 'newExperiment', workflowId: decode(setup.workflowId) } satisfies Route;
  const one = match('/experiments/:batchId', path);
  return one ? ({ screen: 'experiment', batchId: decode(one.batchId) } satisfies Route) : null;
}
