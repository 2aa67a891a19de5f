import { describe, expect, it } from 'vitest';
import { runScenario, templateScenarios, type Outcome, type Scenario } from '../support/crash';
import { randomScenario } from '../support/randomWorkflows';
import { KNOBS } from './knobs';

/**
 * Soak: seeded crash/resume cycles over every template and many random workflows. Each cycle
 * crashes at one store operation (before it, or after a commit whose acknowledgement is lost),
 * resumes on a fresh engine, and must end as the uninterrupted run did: the same steps recorded
 * completed (each once, under its own key), the same POST idempotency keys, nothing run twice.
 */

const templates = templateScenarios();

/** Ways this outcome differs from the uninterrupted run's: each one a duplicate or a loss. */
function duplicates(reference: Outcome, outcome: Outcome): string[] {
  const found = [...outcome.violations];
  const extraSteps = outcome.completedKeys.filter((k) => !reference.completedKeys.includes(k));
  const lostSteps = reference.completedKeys.filter((k) => !outcome.completedKeys.includes(k));
  if (extraSteps.length)
    found.push(`steps recorded that the uninterrupted run does not have: ${extraSteps.join(', ')}`);
  if (lostSteps.length) found.push(`steps never recorded: ${lostSteps.join(', ')}`);
  const extraKeys = Object.keys(outcome.posts).filter((k) => !(k in reference.posts));
  if (extraKeys.length) found.push(`POSTs under new idempotency keys (applied twice): ${extraKeys.join(', ')}`);
  return found;
}

describe('crash/resume soak', () => {
  it(
    `${KNOBS.crashCycles.toLocaleString('en')}+ seeded crash/resume cycles over every template ` +
      `and ${KNOBS.crashWorkflows} random workflows`,
    async () => {
      let cycles = 0;
      let workflows = 0;
      const found: string[] = [];
      const startedAt = performance.now();
      // Seeds apart from the unit crash test's (7000…), so the sample adds coverage rather than repeating it.
      const scenarios = function* (): Generator<Scenario> {
        yield* templates;
        for (let i = 0; ; i++) yield randomScenario(KNOBS.seed * 10_000 + i);
      };
      for (const scenario of scenarios()) {
        const isTemplate = workflows < templates.length;
        if (!isTemplate && cycles >= KNOBS.crashCycles && workflows - templates.length >= KNOBS.crashWorkflows) break;
        workflows++;
        const reference = await runScenario(scenario);
        expect(reference.status, `${scenario.name} must finish without crashes`).toBe('completed');
        for (let op = 1; op <= reference.ops; op++) {
          for (const phase of ['before', 'after-commit'] as const) {
            const label = `${scenario.name}, crash at op ${op} ${phase} (ADVERSARIAL_SEED=${KNOBS.seed})`;
            const outcome = await runScenario(scenario, { op, phase });
            cycles++;
            expect(outcome.status, label).toBe(reference.status);
            expect(outcome.output, label).toEqual(reference.output);
            expect(outcome.tables, label).toEqual(reference.tables);
            found.push(...duplicates(reference, outcome).map((d) => `${label}: ${d}`));
          }
        }
      }
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      console.log(
        `crash/resume soak (seed ${KNOBS.seed}): ${cycles.toLocaleString('en')} cycles ` +
          `over ${workflows} workflows (${templates.length} templates) in ${seconds} s; ` +
          `duplicates found: ${found.length}`,
      );
      expect(found).toEqual([]);
      expect(cycles).toBeGreaterThanOrEqual(KNOBS.crashCycles);
    },
    60 * 60_000,
  );
});
