/**
 * The resume figures alone (`npx tsx bench/resumeOnly.ts`), for a quick look while the full `npm run bench` is
 * busy: a bench page built into `RESUME_BENCH_DIST` (default `bench/dist`), one on-disk Chromium profile, and each
 * resume (chain, loop, model steps) after a short and a long history, printed as figures and goals.
 */
import { fileURLToPath } from 'node:url';
import { withQuickBenchPage } from './quickPage';
import { measureResumeKinds, resumeKindFigures, resumeKindGoals, type ResumeKindMeasures } from './resumeKinds';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const DIST = process.env.RESUME_BENCH_DIST ?? `${BENCH}dist`;
const PROFILE = `${process.env.TMPDIR ?? '/tmp'}/resume-bench-profile`;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main(): Promise<void> {
  await withQuickBenchPage(DIST, PROFILE, async (page) => {
    // A short warm-up run, so the first figure does not pay for the worker's first compile.
    await page.evaluate(() => window.bench.worker.effects(100, 'durable'));
    const measures = await measureResumeKinds(page, log);
    const figures = resumeKindFigures(measures);
    if (process.env.RESUME_BENCH_CALLS)
      for (const [kind, resumed] of Object.entries(measures) as Array<[string, ResumeKindMeasures['loop100']]>) {
        const calls = resumed.storeCalls.map((c) => `${c.name} ${c.start.toFixed(0)}–${c.end.toFixed(0)}`);
        console.log(`  ${kind}: module ${resumed.moduleEvaluatedMs.toFixed(0)} ms; ${calls.join(', ')}`);
      }
    for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(28)} ${value}`);
    for (const goal of resumeKindGoals(figures))
      console.log(`  ${goal.pass ? 'PASS' : 'FAIL'}  ${goal.name.padEnd(50)} ${goal.detail}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
