import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, selectionOf, type Route } from '../../src/ui/routing/routes';

describe('the experiments’ addresses', () => {
  it('round-trip, any id surviving as one segment', () => {
    const routes: Route[] = [
      { screen: 'experiments' },
      { screen: 'newExperiment', workflowId: null },
      { screen: 'newExperiment', workflowId: 'w/1?x#y' },
      { screen: 'experiment', batchId: 'b 1/%' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
    expect(formatRoute({ screen: 'newExperiment', workflowId: 'w/1?x#y' })).toBe('/experiments/new/w%2F1%3Fx%23y');
    expect(formatRoute({ screen: 'experiment', batchId: 'b1' })).toBe('/experiments/b1');
  });

  it('select no workflow in the sidebar', () => {
    expect(selectionOf({ screen: 'experiment', batchId: 'b1' }).selectedId).toBeNull();
  });

  it('an address below an experiment names no screen', () => {
    expect(parseRoute('/experiments/b1/rows').screen).toBe('malformed');
  });
});
