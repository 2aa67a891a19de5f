import { parse as parsePattern } from 'regexparam';
import { matchRoute } from 'wouter';
import { SHARE_FRAGMENT_KEY } from '../../schema/share';
import { formatRunFilters, parseRunFilters, type RunFilters } from '../runlist/filters';
import { formatExperimentRoute, matchExperimentRoute } from './experimentRoutes';

/**
 * Every screen's address, as the path after `#` (hash routes: the build works from any static host
 * and path). Pure functions (they never read `window`). Ids and step keys are percent-encoded as whole segments,
 * so any character (`/`, `#`, `%`, `?`, spaces, emoji) survives a round trip.
 */

export type WorkflowTab = 'json' | 'graph' | 'runs';

/** A run's views; the step list is the default, the others are named in its address (`…/view=timeline`). */
export type RunView = 'steps' | 'graph' | 'timeline';
const RUN_VIEWS: ReadonlySet<string> = new Set<RunView>(['graph', 'timeline']);

export type Route =
  | { screen: 'library' }
  | { screen: 'workflow'; workflowId: string; tab: 'json' | 'graph' }
  | { screen: 'runs'; workflowId: string }
  | { screen: 'run'; workflowId: string; runId: string; view?: Exclude<RunView, 'steps'> }
  | { screen: 'step'; workflowId: string; runId: string; stepKey: string; view?: Exclude<RunView, 'steps'> }
  | { screen: 'tables' }
  | { screen: 'settings' }
  /** Every answer a run waits for (approvals, events, hosts, budgets), across all workflows. */
  | { screen: 'inbox' }
  /** Two runs of a workflow side by side, step by step. */
  | { screen: 'compare'; workflowId: string; runA: string; runB: string }
  /** Every run of every workflow, filtered (`#/runs`, `#/runs/status=failed/q=…`). */
  | { screen: 'allRuns'; filters: RunFilters }
  /** Every experiment (`#/experiments`), the setup of a new one (of a workflow), and one experiment. */
  | { screen: 'experiments' }
  | { screen: 'newExperiment'; workflowId: string | null }
  | { screen: 'experiment'; batchId: string }
  /** An address that names no screen: shown as such, with the way home. */
  | { screen: 'malformed'; address: string; problem: string };

/** Screens that open as a dialog over the screen the user came from. */
export type DialogRoute = Extract<Route, { screen: 'tables' | 'settings' }>;

export const LIBRARY: Route = { screen: 'library' };

const PATTERNS = {
  compare: '/w/:workflowId/compare/:runA/:runB',
  step: '/w/:workflowId/runs/:runId/steps/:stepKey',
  run: '/w/:workflowId/runs/:runId',
  runs: '/w/:workflowId/runs',
  tab: '/w/:workflowId/:tab',
  workflow: '/w/:workflowId',
} as const;

/** A lone surrogate cannot be percent-encoded (URIError): it becomes U+FFFD rather than a crash. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const segment = (value: string) => encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));

/** The path of a route, e.g. `/w/<id>/runs/<run>/steps/<key>`; `parseRoute` reads it back. */
export function formatRoute(route: Route): string {
  switch (route.screen) {
    case 'library':
      return '/';
    case 'workflow':
      return `/w/${segment(route.workflowId)}/${route.tab}`;
    case 'runs':
      return `/w/${segment(route.workflowId)}/runs`;
    case 'run':
      return `/w/${segment(route.workflowId)}/runs/${segment(route.runId)}${viewQuery(route.view)}`;
    case 'step': {
      const step = `/w/${segment(route.workflowId)}/runs/${segment(route.runId)}/steps/${segment(route.stepKey)}`;
      return `${step}${viewQuery(route.view)}`;
    }
    case 'tables':
    case 'settings':
      return `/${route.screen}`;
    case 'allRuns': {
      const filters = formatRunFilters(route.filters, segment);
      return filters ? `/runs/${filters}` : '/runs';
    }
    case 'inbox':
      return '/inbox';
    case 'compare':
      return `/w/${segment(route.workflowId)}/compare/${segment(route.runA)}/${segment(route.runB)}`;
    case 'experiments':
    case 'newExperiment':
    case 'experiment':
      return formatExperimentRoute(route, segment);
    case 'malformed':
      return route.address;
  }
}

const viewQuery = (view: RunView | undefined) => (view === undefined || view === 'steps' ? '' : `/view=${view}`);

function runViewOf(name: string): Exclude<RunView, 'steps'> | undefined {
  return RUN_VIEWS.has(name) ? (name as Exclude<RunView, 'steps'>) : undefined;
}

/** The `href` of a route, for links. */
export function routeHref(route: Route): string {
  return `#${formatRoute(route)}`;
}

class BrokenSegment extends Error {}

function decodeSegment(raw: string | undefined): string {
  try {
    const value = decodeURIComponent(raw ?? '');
    if (value === '') throw new BrokenSegment();
    return value;
  } catch {
    throw new BrokenSegment();
  }
}

/**
 * The route of a hash path (what follows `#`, with or without its leading `/`). Never throws: an
 * address that names no screen, or whose escapes are broken, is a `malformed` route saying which.
 */
export function parseRoute(hashPath: string): Route {
  const path = `/${hashPath.replace(/^#?\/?/, '')}`;
  // A share link (`#workflow=…`) is read by the import sources; the screen under its preview is home.
  if (path === '/' || path.startsWith(`/${SHARE_FRAGMENT_KEY}=`)) return LIBRARY;
  try {
    return matchScreen(path) ?? malformed(path, 'no screen has this address');
  } catch (error) {
    if (error instanceof BrokenSegment) return malformed(path, 'a part of this address is empty or badly escaped');
    throw error;
  }
}

function matchPattern(pattern: string, path: string): Record<string, string | undefined> | null {
  const [matched, params] = matchRoute(parsePattern, pattern, path);
  return matched ? (params as Record<string, string | undefined>) : null;
}

function matchScreen(address: string): Route | null {
  // A run's view is its address's last segment (`…/runs/<run>/view=timeline`); no id is, since ids escape `=`.
  const at = address.lastIndexOf('/view=');
  if (at >= 0) {
    const screen = matchScreen(address.slice(0, at));
    const view = runViewOf(address.slice(at + '/view='.length));
    if (screen?.screen !== 'run' && screen?.screen !== 'step') return null;
    return view ? { ...screen, view } : malformed(address, `a run has no “${address.slice(at + 6, at + 46)}” view`);
  }
  const path = address;
  if (matchPattern('/tables', path)) return { screen: 'tables' };
  if (matchPattern('/settings', path)) return { screen: 'settings' };
  if (matchPattern('/inbox', path)) return { screen: 'inbox' };
  const experiment = matchExperimentRoute(path, matchPattern, decodeSegment);
  if (experiment) return experiment;
  const compare = matchPattern(PATTERNS.compare, path);
  if (compare) {
    const [workflowId, runA, runB] = [compare.workflowId, compare.runA, compare.runB].map(decodeSegment) as [
      string,
      string,
      string,
    ];
    return { screen: 'compare', workflowId, runA, runB };
  }
  if (path === '/runs' || path.startsWith('/runs/')) {
    const parsed = parseRunFilters(path.split('/').slice(2));
    return parsed.ok ? { screen: 'allRuns', filters: parsed.filters } : malformed(path, parsed.problem);
  }
  const step = matchPattern(PATTERNS.step, path);
  if (step) {
    const [workflowId, runId, stepKey] = [step.workflowId, step.runId, step.stepKey].map(decodeSegment) as [
      string,
      string,
      string,
    ];
    return { screen: 'step', workflowId, runId, stepKey };
  }
  const run = matchPattern(PATTERNS.run, path);
  if (run) return { screen: 'run', workflowId: decodeSegment(run.workflowId), runId: decodeSegment(run.runId) };
  const runs = matchPattern(PATTERNS.runs, path);
  if (runs) return { screen: 'runs', workflowId: decodeSegment(runs.workflowId) };
  const tab = matchPattern(PATTERNS.tab, path);
  if (tab) {
    const name = tab.tab?.toLowerCase();
    if (name !== 'json' && name !== 'graph') return malformed(path, `a workflow has no “${tab.tab}” tab`);
    return { screen: 'workflow', workflowId: decodeSegment(tab.workflowId), tab: name };
  }
  const workflow = matchPattern(PATTERNS.workflow, path);
  return workflow ? { screen: 'workflow', workflowId: decodeSegment(workflow.workflowId), tab: 'json' } : null;
}

function malformed(address: string, problem: string): Route {
  return { screen: 'malformed', address, problem };
}

export function isDialogRoute(route: Route): route is DialogRoute {
  return route.screen === 'tables' || route.screen === 'settings';
}

/** The view of the run a route shows (the step list unless its address names another). */
export function runViewOfRoute(route: Route): RunView {
  return (route.screen === 'run' || route.screen === 'step') && route.view ? route.view : 'steps';
}

/** What the main area shows for a route: the workflow and its view, or no workflow. */
export interface RouteSelection {
  selectedId: string | null;
  workflowTab: WorkflowTab;
  selectedRunId: string | null;
  selectedStepKey: string | null;
}

export function selectionOf(route: Route): RouteSelection {
  const none = { selectedRunId: null, selectedStepKey: null };
  switch (route.screen) {
    case 'workflow':
      return { selectedId: route.workflowId, workflowTab: route.tab, ...none };
    case 'runs':
      return { selectedId: route.workflowId, workflowTab: 'runs', ...none };
    case 'run':
      return { selectedId: route.workflowId, workflowTab: 'runs', selectedRunId: route.runId, selectedStepKey: null };
    case 'step':
      return {
        selectedId: route.workflowId,
        workflowTab: 'runs',
        selectedRunId: route.runId,
        selectedStepKey: route.stepKey,
      };
    case 'library':
    case 'tables':
    case 'settings':
    case 'allRuns':
    case 'inbox':
    case 'compare':
    case 'experiments':
    case 'newExperiment':
    case 'experiment':
    case 'malformed':
      return { selectedId: null, workflowTab: 'json', ...none };
  }
}

/** The route that shows a workflow's view: a tab, or the runs tab open on a run (and a step in it). */
export function workflowRoute(
  workflowId: string,
  view:
    | { tab: 'json' | 'graph' }
    | { tab: 'runs'; runId?: string | null; stepKey?: string | null; runView?: RunView | undefined },
): Route {
  if (view.tab !== 'runs') return { screen: 'workflow', workflowId, tab: view.tab };
  if (!view.runId) return { screen: 'runs', workflowId };
  const shown = view.runView === undefined || view.runView === 'steps' ? {} : { view: view.runView };
  if (view.stepKey === undefined || view.stepKey === null)
    return { screen: 'run', workflowId, runId: view.runId, ...shown };
  return { screen: 'step', workflowId, runId: view.runId, stepKey: view.stepKey, ...shown };
}
