import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, runViewOfRoute, workflowRoute } from '../../src/ui/routing/routes';

/** A run's view (Graph, Timeline) is part of its address. */

describe('run view addresses', () => {
  it.each([
    ['/w/w1/runs/r1/view=timeline', { screen: 'run', workflowId: 'w1', runId: 'r1', view: 'timeline' }],
    ['/w/w1/runs/r1/view=graph', { screen: 'run', workflowId: 'w1', runId: 'r1', view: 'graph' }],
    [
      '/w/w1/runs/r%3F1/steps/r%3D1%3Aa%40/view=graph',
      { screen: 'step', workflowId: 'w1', runId: 'r?1', stepKey: 'r=1:a@', view: 'graph' },
    ],
    ['/w/w1/runs/r1', { screen: 'run', workflowId: 'w1', runId: 'r1' }],
  ])('%s round-trips', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    expect(formatRoute(parseRoute(path))).toBe(path);
  });

  it('the step list is the default view and has no query', () => {
    expect(formatRoute(workflowRoute('w1', { tab: 'runs', runId: 'r1', runView: 'steps' }))).toBe('/w/w1/runs/r1');
    expect(formatRoute(workflowRoute('w1', { tab: 'runs', runId: 'r1', stepKey: 'k', runView: 'timeline' }))).toBe(
      '/w/w1/runs/r1/steps/k/view=timeline',
    );
    expect(runViewOfRoute(parseRoute('/w/w1/runs/r1'))).toBe('steps');
    expect(runViewOfRoute(parseRoute('/w/w1/runs/r1/view=timeline'))).toBe('timeline');
  });

  it.each([
    ['/w/w1/runs/r1/view=gantt', 'a run has no “gantt” view'],
    ['/w/w1/runs/r1/view=', 'a run has no “” view'],
    ['/w/w1/json/view=graph', 'no screen has this address'],
    ['/inbox/view=graph', 'no screen has this address'],
  ])('%s leads nowhere: %s', (path, problem) => {
    expect(parseRoute(path)).toEqual({ screen: 'malformed', address: path, problem });
  });
});
