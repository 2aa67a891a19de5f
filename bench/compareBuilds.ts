/**
 * Several builds of the bench page side by side (`COMPARE_DISTS=a,b npx tsx bench/compareBuilds.ts`): each build in
 * its own page of one headless Chromium, the durable effect chain of `COMPARE_STEPS` (default 1,000) steps run in
 * turns, `COMPARE_RUNS` (default 10) times each, every run between two one-put samples of its page; each build's
 * `durable_steps_per_s ÷ raw` printed with its median. Taking turns in one browser, the builds share the machine's
 * load, so an engine or store change can be told from noise on a busy machine.
 */
import type { Page } from 'playwright-core';
import { withQuickBenchPages } from './quickPage';
import { median } from './stats';

const DISTS = (process.env.COMPARE_DISTS ?? '').split(',').filter(Boolean);
const PROFILE = `${process.env.TMPDIR ?? '/tmp'}/compare-bench-profile`;
const RUNS = Number(process.env.COMPARE_RUNS ?? 10);
const STEPS = Number(process.env.COMPARE_STEPS ?? 1000);

/** One durable run of `STEPS` effects, as × the one-put transaction sampled before and after it. */
async function durableOfRaw(page: Page): Promise<number> {
  const before = await page.evaluate(() => window.bench.worker.rawIdb(700));
  const run = await page.evaluate((steps) => window.bench.worker.effects(steps, 'durable'), STEPS);
  const after = await page.evaluate(() => window.bench.worker.rawIdb(700));
  if (run.status !== 'completed' || run.commits < STEPS)
    throw new Error(`a run ended ${run.status} after ${run.commits} commits`);
  return run.stepsPerSecond / ((before.perSecond + after.perSecond) / 2);
}

async function main(): Promise<void> {
  if (DISTS.length === 0) throw new Error('COMPARE_DISTS names no build (comma-separated bench page builds)');
  await withQuickBenchPages(DISTS, PROFILE, async (pages) => {
    // A warm-up run each, so no first figure pays for its worker's first compile.
    for (const page of pages) await page.evaluate(() => window.bench.worker.effects(300, 'durable'));
    const ratios = pages.map((): number[] => []);
    for (let run = 0; run < RUNS; run++)
      for (const [n, page] of pages.entries()) ratios[n]!.push(await durableOfRaw(page));
    for (const [n, dist] of DISTS.entries()) {
      const each = ratios[n]!.map((r) => r.toFixed(2)).join(' ');
      console.log(`${dist}: durable_${STEPS} ÷ raw, median ${median(ratios[n]!).toFixed(3)} (${each})`);
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
