import { describe, expect, test } from 'vitest';
import { formatRoute, parseRoute, selectionOf, type Route } from '../../src/ui/routing/routes';
import { pick } from '../support/jsonMutations';
import { seededRandom } from '../support/workflows';

/** Characters that break naive addresses: separators, escapes, query and fragment marks, unicode. */
const ODD = ['/', '#', '%', '%2F', '%25', '?', '&', '=', ' ', '+', '~', ':', '@', '.', '..', '\\', '"', "'", '<', '>'];
const UNICODE = ['é', 'ß', '日本', '🙂', '\u200b', '\u0301', 'Ω', '\ud83d\ude80'];
const FIXED_KEYS = [
  '__proto__',
  'constructor',
  'run:write@each[2]',
  'a/b/c',
  '#workflow=abc',
  '%E0%A4%A',
  '%',
  '  spaced  ',
  '?x=1#y',
  '..',
  '.',
  'steps/evil',
  'x'.repeat(2_000),
];

function oddKey(random: () => number): string {
  const length = 1 + Math.floor(random() * 12);
  let key = '';
  for (let i = 0; i < length; i++) {
    const kind = random();
    key +=
      kind < 0.4
        ? pick(random, ODD)
        : kind < 0.6
          ? pick(random, UNICODE)
          : String.fromCharCode(33 + Math.floor(random() * 94));
  }
  return key;
}

/** The address as the browser keeps it: what `location.hash` gives back after navigating there. */
function throughTheAddressBar(path: string): string {
  const url = new URL('https://example.test/app/');
  url.hash = path;
  return url.hash;
}

function roundTrip(route: Route): Route {
  return parseRoute(throughTheAddressBar(formatRoute(route)));
}

describe('route addresses', () => {
  test('every screen reads back as itself, through a real URL', () => {
    const routes: Route[] = [
      { screen: 'library' },
      { screen: 'workflow', workflowId: 'w1', tab: 'json' },
      { screen: 'workflow', workflowId: 'w1', tab: 'graph' },
      { screen: 'runs', workflowId: 'w1' },
      { screen: 'run', workflowId: 'w1', runId: 'r1' },
      { screen: 'step', workflowId: 'w1', runId: 'r1', stepKey: 'r1:classify@' },
      { screen: 'tables' },
      { screen: 'settings' },
      { screen: 'inbox' },
      { screen: 'compare', workflowId: 'w1', runA: 'r1', runB: 'r/2 #?' },
    ];
    for (const route of routes) expect(roundTrip(route)).toEqual(route);
    expect(formatRoute({ screen: 'compare', workflowId: 'w1', runA: 'r1', runB: 'r2' })).toBe('/w/w1/compare/r1/r2');
  });

  test('step keys, run and workflow ids with any characters survive (round-trip property, 2,000 cases)', () => {
    const random = seededRandom(20_261_201);
    const keys = [...FIXED_KEYS, ...Array.from({ length: 2_000 }, () => oddKey(random))];
    for (const stepKey of keys) {
      const route: Route = { screen: 'step', workflowId: oddKey(random), runId: oddKey(random), stepKey };
      const path = formatRoute(route);
      // One segment per id: nothing in a key can add a segment, a query or a second fragment.
      expect(path.split('/')).toHaveLength(7);
      expect(path).not.toMatch(/[#?\s]/);
      expect(roundTrip(route)).toEqual(route);
      expect(parseRoute(path)).toEqual(route);
    }
  });

  test('a lone surrogate (not encodable) gives an address to U+FFFD instead of throwing', () => {
    const route = parseRoute(formatRoute({ screen: 'step', workflowId: 'w', runId: 'r', stepKey: 'a\ud800b' }));
    expect(route).toEqual({ screen: 'step', workflowId: 'w', runId: 'r', stepKey: 'a\ufffdb' });
  });

  test('a key that looks like a prototype name stays a plain value', () => {
    const route = parseRoute(
      formatRoute({ screen: 'step', workflowId: '__proto__', runId: 'constructor', stepKey: '__proto__' }),
    );
    expect(route).toEqual({ screen: 'step', workflowId: '__proto__', runId: 'constructor', stepKey: '__proto__' });
    expect(selectionOf(route)).toEqual({
      selectedId: '__proto__',
      workflowTab: 'runs',
      selectedRunId: 'constructor',
      selectedStepKey: '__proto__',
    });
  });

  test('home, share links and short forms', () => {
    expect(parseRoute('')).toEqual({ screen: 'library' });
    expect(parseRoute('#')).toEqual({ screen: 'library' });
    expect(parseRoute('#/')).toEqual({ screen: 'library' });
    // A share link is the import sources' business; the screen under its preview is home.
    expect(parseRoute('#workflow=eJyrVkrLz1eyUkpKLFKqBQAdegQ0')).toEqual({ screen: 'library' });
    expect(parseRoute('#/w/abc')).toEqual({ screen: 'workflow', workflowId: 'abc', tab: 'json' });
    expect(parseRoute('#/w/abc/')).toEqual({ screen: 'workflow', workflowId: 'abc', tab: 'json' });
    expect(parseRoute('/w/abc/GRAPH')).toEqual({ screen: 'workflow', workflowId: 'abc', tab: 'graph' });
    // Typed or pasted by hand: the browser escapes spaces and unicode, lower-case escapes are read too.
    expect(parseRoute(throughTheAddressBar('/w/a/runs/r/steps/a b é'))).toMatchObject({ stepKey: 'a b é' });
    expect(parseRoute('/w/a/runs/r/steps/%c3%a9')).toMatchObject({ stepKey: 'é' });
  });

  test('an address that names no screen is malformed, saying why, and never throws', () => {
    const cases: Array<[string, RegExp]> = [
      ['#/nowhere', /no screen has this address/],
      ['#/w', /no screen has this address/],
      ['#/w/abc/nope', /no “nope” tab/],
      ['#/w/abc/runs/r1/steps', /no screen has this address/],
      ['#/w/abc/runs/r1/steps/a/b', /no screen has this address/],
      ['#/w/%E0%A4%A/json', /badly escaped/],
      ['#/w/abc/runs/%/steps/x', /badly escaped/],
      ['#/w/abc/runs/r1/steps/%ZZ', /badly escaped/],
    ];
    for (const [address, problem] of cases) {
      const route = parseRoute(address);
      expect(route.screen, address).toBe('malformed');
      expect(route.screen === 'malformed' && route.problem, address).toMatch(problem);
    }
  });
});
