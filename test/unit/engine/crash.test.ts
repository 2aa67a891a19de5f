import { describe, expect, it } from 'vitest';
import { runScenario, templateScenarios as allTemplateScenarios, type Scenario } from '../../support/crash';
import { randomScenario } from '../../support/randomWorkflows';

const SEED = Number(process.env.CRASH_SEED ?? 7);
const RANDOM_WORKFLOWS = 40;
const templateScenarios = allTemplateScenarios();

/**
 * Crash at every store operation — before it, and after a commit whose acknowledgement was lost —
 * then resume on a fresh engine: the result must equal an uninterrupted run, and no side-effecting
 * step recorded completed may run again.
 */
async function crashEverywhere(scenario: Scenario): Promise<number> {
  const reference = await runScenario(scenario);
  expect(reference.violations).toEqual([]);
  expect(reference.status, `${scenario.name} (seed ${SEED}) must finish without crashes`).toBe('completed');
  let cycles = 0;
  for (let op = 1; op <= reference.ops; op++) {
    for (const phase of ['before', 'after-commit'] as const) {
      const label = `${scenario.name}, crash at op ${op} ${phase} (CRASH_SEED=${SEED})`;
      const outcome = await runScenario(scenario, { op, phase });
      expect(outcome.violations, label).toEqual([]);
      expect(outcome.status, label).toBe(reference.status);
      expect(outcome.output, label).toEqual(reference.output);
      expect(outcome.tables, label).toEqual(reference.tables);
      cycles++;
    }
  }
  return cycles;
}

describe('deterministic crash injection', () => {
  let total = 0;

  it.each(templateScenarios.map((s) => [s.name, s] as const))(
    '%s survives a crash at every store operation',
    async (_name, scenario) => {
      total += await crashEverywhere(scenario);
    },
  );

  it.each(Array.from({ length: RANDOM_WORKFLOWS }, (_, i) => [SEED * 1000 + i] as const))(
    'random workflow with seed %i survives a crash at every store operation',
    async (seed) => {
      total += await crashEverywhere(randomScenario(seed));
    },
  );

  it('ran at least 1,000 crash/resume cycles', () => {
    expect(total).toBeGreaterThanOrEqual(1000);
  });
});
