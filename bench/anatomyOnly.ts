/**
 * The commit anatomy alone (`npx tsx bench/anatomyOnly.ts`), for a quick look at the layouts of a step's commit
 * while the full `npm run bench` is busy: a bench page built into `ANATOMY_BENCH_DIST` (default `bench/dist`), one
 * on-disk Chromium profile, `ANATOMY_RUNS` (default 3) runs of `commitAnatomy` (`ANATOMY_ROUNDS` rounds, default 8),
 * each kind printed as × the one-put transaction of its own run, and the median of the runs.
 */
import { fileURLToPath } from 'node:url';
import type { CommitAnatomy } from './protocol';
import { withQuickBenchPage } from './quickPage';
import { median } from './stats';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const DIST = process.env.ANATOMY_BENCH_DIST ?? `${BENCH}dist`;
const PROFILE = `${process.env.TMPDIR ?? '/tmp'}/anatomy-bench-profile`;
const RUNS = Number(process.env.ANATOMY_RUNS ?? 3);
const ROUNDS = Number(process.env.ANATOMY_ROUNDS ?? 8);

/** Every kind of one run as × its one-put transaction. */
function ratios(anatomy: CommitAnatomy): Record<string, number> {
  const { rawPut, layouts, ...kinds } = anatomy;
  return Object.fromEntries(Object.entries({ ...kinds, ...layouts }).map(([kind, rate]) => [kind, rate / rawPut]));
}

async function main(): Promise<void> {
  await withQuickBenchPage(DIST, PROFILE, async (page) => {
    const runs: Array<Record<string, number>> = [];
    for (let run = 0; run < RUNS; run++) {
      const anatomy = await page.evaluate((rounds) => window.bench.worker.commitAnatomy(250, rounds), ROUNDS);
      runs.push(ratios(anatomy));
      console.log(`run ${run + 1}: raw put ${anatomy.rawPut.toFixed(0)}/s`);
    }
    for (const kind of Object.keys(runs[0]!)) {
      const each = runs.map((r) => r[kind]!);
      console.log(`  ${kind.padEnd(34)} ${median(each).toFixed(2)} ×  (${each.map((r) => r.toFixed(2)).join(', ')})`);
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
