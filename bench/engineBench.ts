import type { BrowserContext, Page } from 'playwright-core';
import type { ResumeFigure, RunFigure, TxFigure } from './protocol';
import type { EngineMeasures } from './results';
import { watchWorkerHeap } from './workerHeap';
import { measureResumeKinds } from './resumeKinds';
import type { PeerMeasures } from './peers/report';

/** The engine figures, in the bench page's worker: the product's engine and store, no-op runners. */

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function completed(run: RunFigure): RunFigure {
  if (run.status !== 'completed') throw new Error(`a bench run ended ${run.status}`);
  return run;
}

/** Repeats a short figure and keeps the run with the median rate: one GC pause does not decide it. */
async function medianRun(times: number, once: () => Promise<RunFigure>): Promise<RunFigure> {
  const runs: RunFigure[] = [];
  for (let i = 0; i < times; i++) runs.push(completed(await once()));
  runs.sort((a, b) => a.stepsPerSecond - b.stepsPerSecond);
  return runs[Math.floor(runs.length / 2)]!;
}

async function openedBenchPage(page: Page): Promise<void> {
  await page.locator('body[data-ready="true"]').waitFor();
}

/** `count` effects and a cut-off one, then a reload: a fresh worker resumes; the page is reloaded after. */
async function resumeAfter(
  page: Page,
  count: number,
): Promise<{ prepared: RunFigure; resume: ResumeFigure & { workerClockSkewMs: number } }> {
  const prepared = await page.evaluate((n) => window.bench.worker.prepareResume(n), count);
  const resume = await page.evaluate(() => window.bench.resume());
  if (resume.status !== 'completed') throw new Error(`the resumed run of ${count} steps ended ${resume.status}`);
  // The page's first worker is gone: a reload starts the next figure on a fresh one.
  await page.reload();
  await openedBenchPage(page);
  return { prepared, resume };
}

export async function measureEngine(context: BrowserContext, page: Page): Promise<EngineMeasures> {
  const call = <T>(fn: () => Promise<T>): Promise<T> => page.evaluate(fn);
  const heap = await watchWorkerHeap(context, page);
  const rawSamples: TxFigure[] = [];
  const sampleRaw = async () => rawSamples.push(await call(() => window.bench.worker.rawIdb(1500)));
  log('raw IndexedDB, Dexie, one engine write');
  await sampleRaw();
  const dexie = await call(() => window.bench.worker.dexieTx(1500));
  const storeCommit = await call(() => window.bench.worker.storeCommit(1500));
  const commitAnatomy = await call(() => window.bench.worker.commitAnatomy(250, 8));
  log('warm-up');
  await call(async () => {
    await window.bench.worker.effects(300, 'durable');
    await window.bench.worker.transforms(300);
    await window.bench.worker.effects(300, 'direct');
    await window.bench.worker.fanOut(20);
  });
  log('durable 100 and 1,000 steps, pure, direct, parallel');
  const durable100 = await medianRun(5, () => call(() => window.bench.worker.effects(100, 'durable')));
  // The last run's engine is kept by the worker: what it holds after the run is in this figure.
  const heapAfter100 = await heap.usedAfterGc();
  const durable1000 = await medianRun(3, () => call(() => window.bench.worker.effects(1000, 'durable')));
  const pure1000 = await medianRun(3, () => call(() => window.bench.worker.transforms(1000)));
  const direct1000 = await medianRun(3, () => call(() => window.bench.worker.effects(1000, 'direct')));
  const parallel100 = await medianRun(5, () => call(() => window.bench.worker.fanOut(100)));
  const { batch1000, batchStart10000 } = await measureBatches(call);
  await sampleRaw();
  log('durable 10,000 steps');
  const durable10000 = completed(await call(() => window.bench.worker.effects(10_000, 'durable')));
  const heapAfter10000 = await heap.usedAfterGc();
  // After the heap figures: the peers' libraries load into this worker only now.
  const peers = await measurePeers(call);
  await sampleRaw();
  log('resume: 100, then 10,000 completed steps, each time the worker restarts');
  const short = await resumeAfter(page, 100);
  const long = await resumeAfter(page, 10_000);
  const resumeKinds = await measureResumeKinds(page, log);
  // The physical limit drifts on a busy disk: sampled at the start, middle and end, the median is used.
  const raw = [...rawSamples].sort((a, b) => a.perSecond - b.perSecond)[1]!;
  return {
    raw,
    rawSamples,
    dexie,
    storeCommit,
    commitAnatomy,
    durable100,
    durable1000,
    durable10000,
    pure1000,
    direct1000,
    parallel100,
    batch1000,
    batchStart10000,
    prepared: long.prepared,
    resume: long.resume,
    resume100: short.resume,
    resumeKinds,
    heapAfter100,
    heapAfter10000,
    peers,
  };
}

/** Experiments: a 1,000-row batch of a 3-step workflow to its end (after a warm-up), and a 10,000-row start. */
async function measureBatches(call: <T>(fn: () => Promise<T>) => Promise<T>) {
  log('experiments: a batch of 1,000 rows × 3 steps, the start of one of 10,000 rows');
  await call(() => window.bench.worker.batch(100));
  const batch1000 = await call(() => window.bench.worker.batch(1000));
  if (batch1000.status !== 'completed' || batch1000.completed !== 1000)
    throw new Error(`the bench batch ended ${batch1000.status} with ${batch1000.completed} cells completed`);
  const batchStart10000 = await call(() => window.bench.worker.batchStart(10_000));
  return { batch1000, batchStart10000 };
}

/** The browser peers on the same workload, after a warm-up each: XState the median of 3, LangGraph one run. */
async function measurePeers(call: <T>(fn: () => Promise<T>) => Promise<T>): Promise<PeerMeasures> {
  log('peers: XState + snapshot per step, LangGraph.js + IndexedDB saver (1,000 steps)');
  await call(() => window.bench.worker.xstate(300));
  await call(() => window.bench.worker.langgraph(100));
  const xstateRuns = [];
  for (let i = 0; i < 3; i++) xstateRuns.push(await call(() => window.bench.worker.xstate(1000)));
  xstateRuns.sort((a, b) => a.stepsPerSecond - b.stepsPerSecond);
  const langgraph1000 = await call(() => window.bench.worker.langgraph(1000));
  return { xstate1000: xstateRuns[1]!, langgraph1000 };
}
