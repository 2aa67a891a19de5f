import { describe, expect, it } from 'vitest';
import { embeddedEngineDeps } from '../../../src/cli/embedded';
import {
  browserWiring,
  compareResults,
  conformanceCases,
  runConformanceCase,
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

  it('the comparison sees a different output and a different step sequence', () => {
    const base = { status: 'completed' as const, output: { a: 1 }, stepKeys: ['start@', 'a@'] };
    expect(compareResults(base, { ...base, output: { a: 2 } })).toHaveLength(1);
    expect(compareResults(base, { ...base, stepKeys: ['start@', 'b@'] })).toEqual(['step key 1: a@ ≠ b@']);
    expect(compareResults(base, { ...base, stepKeys: ['start@'] })).toEqual(['step key 1: a@ ≠ (none)']);
    expect(compareResults(base, structuredClone(base))).toEqual([]);
  });
});
