import { Worker } from 'node:worker_threads';
import type { FileResult, FileTask, WorkerMessage } from './verdictProtocol';

/**
 * Feeds generated files to verdict workers, one file at a time per worker. A worker that does not
 * answer within the hard deadline is frozen: it is terminated, the file recorded as a failure, and a
 * fresh worker takes the next file.
 */

/** Generous budgets for a noisy 2-core box. */
export const BUDGET = {
  verdictMs: 3_000,
  checksMs: 3_000,
  /** Longest event-loop block allowed during the expression/schema checks (the executor's work). */
  checksBlockMs: 1_000,
  /** Longest block while the engine runs an importable file: starting a run validates and compiles it whole. */
  runBlockMs: 2_000,
  /** No answer after this long: the worker is frozen. */
  hardDeadlineMs: 15_000,
} as const;

export interface Failure {
  index: number;
  seed?: number;
  kind?: string;
  what: string;
}

export interface HarnessReport {
  results: FileResult[];
  failures: Failure[];
  validator: string;
  /** Files not tried because the run stopped at the failure cap. */
  skipped: number;
}

const WORKER_URL = new URL('./verdictWorker.ts', import.meta.url).href;
/** Worker threads run outside vite: tsx loads the TypeScript sources there. */
const WORKER_URL_LITERAL = JSON.stringify(WORKER_URL);
const BOOTSTRAP = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${WORKER_URL_LITERAL}, ${WORKER_URL_LITERAL}))`;

function spawn(): Promise<{ worker: Worker; validator: string }> {
  const worker = new Worker(BOOTSTRAP, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== 'ready') return;
      worker.off('message', onMessage);
      resolve({ worker, validator: message.validator });
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

type Outcome = { result: FileResult } | { died: string };

function runOne(worker: Worker, task: FileTask): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () =>
        finish({ died: `no verdict within ${BUDGET.hardDeadlineMs / 1000} s (the worker was frozen and terminated)` }),
      BUDGET.hardDeadlineMs,
    );
    const onMessage = (message: WorkerMessage) =>
      message.type === 'result' && message.result.index === task.index && finish({ result: message.result });
    const onError = (error: Error) => finish({ died: `the worker crashed: ${error.message.slice(0, 200)}` });
    const onExit = (code: number) => finish({ died: `the worker exited (code ${code})` });
    function finish(outcome: Outcome) {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(task);
  });
}

function budgetFailures(result: FileResult): string[] {
  const out = [...result.failures];
  if (result.verdictMs > BUDGET.verdictMs)
    out.push(`verdict took ${Math.round(result.verdictMs)} ms (budget ${BUDGET.verdictMs})`);
  if (result.compileMs > BUDGET.verdictMs)
    out.push(`compiling took ${Math.round(result.compileMs)} ms (budget ${BUDGET.verdictMs})`);
  if (result.checksMs > BUDGET.checksMs)
    out.push(`checks took ${Math.round(result.checksMs)} ms (budget ${BUDGET.checksMs})`);
  if (result.checksBlockMs > BUDGET.checksBlockMs)
    out.push(`checks blocked the thread ${Math.round(result.checksBlockMs)} ms (budget ${BUDGET.checksBlockMs})`);
  if (result.runBlockMs > BUDGET.runBlockMs)
    out.push(`the engine run blocked the thread ${Math.round(result.runBlockMs)} ms (budget ${BUDGET.runBlockMs})`);
  return out;
}

export async function runHostileFiles(options: {
  count: number;
  baseSeed: number;
  workers: number;
  maxFailures: number;
  only?: number;
}): Promise<HarnessReport> {
  const indexes = options.only === undefined ? Array.from({ length: options.count }, (_, i) => i) : [options.only];
  const results: FileResult[] = [];
  const failures: Failure[] = [];
  let next = 0;
  let validator = '';
  const lane = async () => {
    const first = await spawn();
    let worker = first.worker;
    validator = first.validator;
    while (next < indexes.length && failures.length < options.maxFailures) {
      const index = indexes[next++]!;
      const outcome = await runOne(worker, { index, baseSeed: options.baseSeed });
      if ('died' in outcome) {
        failures.push({ index, what: outcome.died });
        await worker.terminate();
        ({ worker } = await spawn());
        continue;
      }
      results.push(outcome.result);
      for (const what of budgetFailures(outcome.result))
        failures.push({ index, seed: outcome.result.seed, kind: outcome.result.kind, what });
    }
    await worker.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
  return { results, failures, validator, skipped: indexes.length - next };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
