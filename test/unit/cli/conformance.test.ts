import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedEngineDeps } from '../../../src/cli/embedded';
import {
  browserWiring,
  compareResults,
  conformanceCases,
  httpConformanceCase,
  runConformanceCase,
  startEchoServer,
  type ConformanceWiring,
} from '../../support/conformance';

/** `tabflow run`'s wiring as the command builds it, with no provider in the environment: the demo model. */
const cliWiring: ConformanceWiring = ({ store, clock }) => embeddedEngineDeps({ store, clock, env: {} });

describe('conformance: tabflow run and the tab run every template and held-in flow alike', () => {
  it.each(conformanceCases().map((c) => [c.id, c] as const))(
    '%s',
    async (_id, c) => {
      const inTab = await runConformanceCase(c, browserWiring);
      const headless = await runConformanceCase(c, cliWiring);
      expect(inTab.status, JSON.stringify(inTab.output)).toBe('completed');
      expect(inTab.stepKeys.length).toBeGreaterThan(1);
      expect(compareResults(inTab, headless)).toEqual([]);
    },
    60_000,
  );

  describe('an http step against a local server', () => {
    let echo: Awaited<ReturnType<typeof startEchoServer>>;
    beforeAll(async () => void (echo = await startEchoServer()));
    afterAll(() => echo?.close());

    it('flow:http: the same output and step keys, one request each with the step’s idempotency key', async () => {
      const c = httpConformanceCase(echo.origin);
      const allowed: ConformanceWiring = ({ store, clock }) =>
        embeddedEngineDeps({ store, clock, env: {}, allowedHosts: new Set(c.hosts) });
      const inTab = await runConformanceCase(c, browserWiring);
      const headless = await runConformanceCase(c, allowed);
      expect(inTab.status, JSON.stringify(inTab.output)).toBe('completed');
      expect(inTab.output).toEqual({
        status: 200,
        echo: { method: 'POST', path: '/orders', received: { order: 'o-7', qty: 2 } },
      });
      expect(compareResults(inTab, headless)).toEqual([]);
      expect(echo.requests).toHaveLength(2);
      for (const key of echo.requests) expect(key).toMatch(/:order@$/);
    });
  });

  it('the comparison sees a different output and a different step sequence', () => {
    const base = { status: 'completed' as const, output: { a: 1 }, stepKeys: ['start@', 'a@'] };
    expect(compareResults(base, { ...base, output: { a: 2 } })).toHaveLength(1);
    expect(compareResults(base, { ...base, stepKeys: ['start@', 'b@'] })).toEqual(['step key 1: a@ ≠ b@']);
    expect(compareResults(base, { ...base, stepKeys: ['start@'] })).toEqual(['step key 1: a@ ≠ (none)']);
    expect(compareResults(base, structuredClone(base))).toEqual([]);
  });
});
