import { describe, expect, it } from 'vitest';
import { BUDGET, percentile, runHostileFiles, type Failure } from './harness';
import { hostileKind } from './hostileFiles';
import { KNOBS } from './knobs';
import type { FileResult } from './verdictProtocol';

/**
 * Shared workflow files are untrusted: every generated hostile file gets a verdict within a budget,
 * never an exception, with the thread that checks it responsive (a canary timer keeps its schedule),
 * and what an importable file holds (expressions, JSON Schemas) runs within the executor's budget.
 */

const MAX_FAILURES = 25;
const only = process.env.ADVERSARIAL_ONLY === undefined ? undefined : Number(process.env.ADVERSARIAL_ONLY);

function describeFailure(failure: Failure): string {
  const kind = failure.kind ?? hostileKind(failure.index).name;
  const replay = `ADVERSARIAL_SEED=${KNOBS.seed} ADVERSARIAL_ONLY=${failure.index}`;
  return `file #${failure.index} (${kind}; replay: ${replay}): ${failure.what}`;
}

function runStatuses(results: FileResult[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.runStatus, (counts.get(r.runStatus) ?? 0) + 1);
  return counts;
}

/** The longest block of one kind, and the file it came from. */
function blockLine(results: FileResult[], field: 'checksBlockMs' | 'runBlockMs'): string {
  const worst = [...results].sort((a, b) => b[field] - a[field])[0];
  return worst ? `${ms(worst[field])} (file #${worst.index}, ${worst.kind})` : ms(0);
}

const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`;

describe('hostile workflow files', () => {
  it(
    `${only === undefined ? KNOBS.files.toLocaleString('en') : 'one'} generated files each get a verdict within budget`,
    async () => {
      const report = await runHostileFiles({
        count: KNOBS.files,
        baseSeed: KNOBS.seed,
        workers: 1,
        maxFailures: MAX_FAILURES,
        only,
      });
      const verdicts = report.results.map((r) => r.verdictMs);
      const imported = report.results.filter((r) => r.ok);
      const byKind = new Map<string, number>();
      for (const r of report.results) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
      const slowest = [...report.results].sort((a, b) => b.verdictMs - a.verdictMs)[0];
      const count = (n: number) => n.toLocaleString('en');
      const expressions = imported.reduce((n, r) => n + r.expressions, 0);
      const schemas = imported.reduce((n, r) => n + r.schemas, 0);
      const skipped = report.skipped ? `, ${report.skipped} not tried (stopped at ${MAX_FAILURES} failures)` : '';
      const checksMs = imported.map((r) => r.checksMs);
      const runMs = imported.map((r) => r.runMs);
      const statuses = [...runStatuses(imported)].map(([status, n]) => `${status} ${n}`).join(', ');
      console.log(
        [
          `adversarial files (seed ${KNOBS.seed}, schema validator: ${report.validator})`,
          `  files tried: ${count(report.results.length)} (${count(imported.length)} importable, ` +
            `${count(expressions)} expressions and ${count(schemas)} JSON Schemas checked)${skipped}`,
          `  verdict time: p50 ${ms(percentile(verdicts, 50))}, p99 ${ms(percentile(verdicts, 99))}, ` +
            `max ${ms(Math.max(0, ...verdicts))}${slowest ? ` (${slowest.kind})` : ''} ` +
            `— budget ${ms(BUDGET.verdictMs)}`,
          `  compile time (importable files): max ${ms(Math.max(0, ...imported.map((r) => r.compileMs)))}; ` +
            `expression/schema checks: p99 ${ms(percentile(checksMs, 99))}, max ${ms(Math.max(0, ...checksMs))}`,
          `  engine runs of importable files: ${statuses}; ` +
            `p99 ${ms(percentile(runMs, 99))}, max ${ms(Math.max(0, ...runMs))}`,
          `  longest synchronous block: ${ms(Math.max(0, ...report.results.map((r) => r.blockMs)))} overall; ` +
            `${blockLine(report.results, 'checksBlockMs')} in expression/schema checks ` +
            `(budget ${ms(BUDGET.checksBlockMs)}); ` +
            `${blockLine(report.results, 'runBlockMs')} in engine runs (budget ${ms(BUDGET.runBlockMs)})`,
          `  kinds: ${[...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
          `  failures: ${report.failures.length}`,
          ...report.failures.map((f) => `    ${describeFailure(f)}`),
        ].join('\n'),
      );
      expect(report.failures.map(describeFailure)).toEqual([]);
      expect(report.results.length).toBe(only === undefined ? KNOBS.files : 1);
    },
    60 * 60_000,
  );
});
