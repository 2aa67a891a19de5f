import { describe, expect, test } from 'vitest';
import type { RunRecord } from '../../../src/engine/records';
import { formatRoute, parseRoute, type Route } from '../../../src/ui/routing/routes';
import { dayStart, filterRuns, localDay, parseRunFilters, type RunFilters } from '../../../src/ui/runlist/filters';
import { outlineJournal, WINDOW_PAGE_ROWS, windowPages } from '../../../src/ui/runlist/journalOutline';
import { staleRuns } from '../../../src/ui/runlist/useRunIndex';

/** The pure parts of the runs list: the journal's outline from its keys, the window's pages, the filters. */

const run = (id: string, fields: Partial<RunRecord> = {}): RunRecord => ({
  id,
  workflowHash: 'h',
  workflowName: 'Digest',
  workflowId: 'w1',
  mode: 'durable',
  input: { customerId: 'cus_002' },
  status: 'completed',
  generation: 0,
  createdAt: dayStart('2026-12-01') + 10 * 3_600_000,
  updatedAt: 0,
  activeMs: 0,
  depth: 0,
  nextSeq: 0,
  ...fields,
});

describe('journal outline', () => {
  test('a step is a row; its rounds and tool calls are its effects, wherever they were recorded', () => {
    const keys = [
      'r1:classify@',
      'r1:classify@/r1',
      'r1:each@',
      'r1:risk@each[0]',
      'r1:classify@/r1/tool0',
      'r1:risk@each[0]/r1',
      'r1:risk@each[1]',
      'r1:fan@each[1]/fan.a/x',
    ];
    const outline = outlineJournal(keys);
    expect(outline.rows.map((row) => row.key)).toEqual([
      'r1:classify@',
      'r1:each@',
      'r1:risk@each[0]',
      'r1:risk@each[1]',
      'r1:fan@each[1]/fan.a/x',
    ]);
    expect(outline.rows.map((row) => row.position)).toEqual([0, 2, 3, 6, 7]);
    expect(outline.effects.get('r1:classify@')?.map((e) => e.key)).toEqual([
      'r1:classify@/r1',
      'r1:classify@/r1/tool0',
    ]);
    expect(outline.effects.get('r1:risk@each[0]')?.map((e) => e.position)).toEqual([5]);
    expect(outline.effects.get('r1:risk@each[1]')).toBeUndefined();
  });

  test('pages cover the rows in view with a page either side, clamped to the list', () => {
    expect(windowPages(0, 20, 10_000)).toEqual({ from: 0, to: 2 * WINDOW_PAGE_ROWS });
    expect(windowPages(5_010, 5_030, 10_000)).toEqual({ from: 4_950, to: 5_100 });
    // Scrolling within a page asks for the same window.
    expect(windowPages(5_001, 5_020, 10_000)).toEqual(windowPages(5_010, 5_049, 10_000));
    expect(windowPages(9_990, 9_999, 10_000)).toEqual({ from: 9_900, to: 10_000 });
    expect(windowPages(0, 0, 0)).toEqual({ from: 0, to: 0 });
  });
});

describe('run filters', () => {
  test('filters round-trip through the address, odd search text included', () => {
    const cases: RunFilters[] = [
      {},
      { status: 'failed' },
      { workflowId: 'w/1?#%', from: '2026-11-30', to: '2026-12-01', query: 'timed out / 50% & more?' },
      { query: '__proto__=x/y' },
    ];
    for (const filters of cases) {
      const route: Route = { screen: 'allRuns', filters };
      expect(parseRoute(formatRoute(route))).toEqual(route);
      // As the browser keeps it after navigating there.
      expect(parseRoute(new URL(`http://x/#${formatRoute(route)}`).hash)).toEqual(route);
    }
    expect(formatRoute({ screen: 'allRuns', filters: {} })).toBe('/runs');
    expect(formatRoute({ screen: 'allRuns', filters: { status: 'failed', query: 'a b' } })).toBe(
      '/runs/status=failed/q=a%20b',
    );
  });

  test('a bad filter in the address names what is wrong', () => {
    const problem = (path: string) => {
      const route = parseRoute(path);
      return route.screen === 'malformed' ? route.problem : route.screen;
    };
    expect(problem('/runs/status=lost')).toMatch(/no run status is called “lost”/);
    expect(problem('/runs/colour=red')).toMatch(/no filter “colour”/);
    expect(problem('/runs/from=2026-02-30')).toMatch(/“from” is not a day/);
    expect(problem('/runs/q=%E0%A4')).toMatch(/“q” filter is badly escaped/);
    expect(problem('/runs/q=')).toMatch(/“q” filter has no value/);
    expect(parseRunFilters(['status=paused'])).toEqual({ ok: true, filters: { status: 'paused' } });
  });

  test('status, workflow, days and search each narrow the list', () => {
    const runs = [
      run('a1'),
      run('b2', { status: 'failed', error: { message: 'Request timed out', category: 'timeout', retryable: true } }),
      run('c3', { workflowId: 'w2', input: { topic: 'Quarterly report' } }),
      run('d4', { createdAt: dayStart('2026-11-28') + 1_000 }),
    ];
    const ids = (filters: RunFilters) => filterRuns(runs, filters).map((r) => r.id);
    expect(ids({})).toEqual(['a1', 'b2', 'c3', 'd4']);
    expect(ids({ status: 'failed' })).toEqual(['b2']);
    expect(ids({ workflowId: 'w2' })).toEqual(['c3']);
    expect(ids({ from: '2026-12-01' })).toEqual(['a1', 'b2', 'c3']);
    expect(ids({ to: '2026-11-30' })).toEqual(['d4']);
    expect(ids({ from: '2026-11-28', to: '2026-11-28' })).toEqual(['d4']);
    expect(ids({ query: 'TIMED OUT' })).toEqual(['b2']);
    expect(ids({ query: 'quarterly' })).toEqual(['c3']);
    expect(ids({ query: 'd4' })).toEqual(['d4']);
    expect(ids({ query: 'cus_002', status: 'completed', workflowId: 'w1' })).toEqual(['a1', 'd4']);
    expect(localDay(dayStart('2026-03-29'))).toBe('2026-03-29');
  });
});

describe('which run records to read again', () => {
  const status = (entries: Record<string, RunRecord['status']>) => new Map(Object.entries(entries));
  const known = status({ a: 'completed', b: 'completed', c: 'running', d: 'running' });
  const order = ['a', 'b', 'c', 'd'];

  test('only the runs written since, which moved to the end of the write order', () => {
    expect(staleRuns({ byUpdate: order, status: known }, order, (id) => known.get(id))).toEqual([]);
    // d wrote again (still last), then c: both at the end, in that order.
    const now = { byUpdate: ['a', 'b', 'd', 'c'], status: known };
    expect(staleRuns(now, order, (id) => known.get(id))).toEqual(['d', 'c']);
    // A new run e, and b deleted.
    expect(staleRuns({ byUpdate: ['a', 'c', 'd', 'e'], status: known }, order, (id) => known.get(id))).toEqual(['e']);
  });

  test('a status that moved without a new place in the order (a write in the same millisecond)', () => {
    const now = { byUpdate: order, status: status({ a: 'completed', b: 'completed', c: 'completed', d: 'running' }) };
    expect(staleRuns(now, order, (id) => known.get(id))).toEqual(['c']);
  });
});
