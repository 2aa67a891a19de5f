import type { Runners } from '../src/engine/runtime';
import { countCellsByStatus, getBatch } from '../src/store/batches';
import { BatchScheduler } from '../src/worker/batch/scheduler';
import { createBenchEngine, freshDb } from './measures';
import type { BatchFigure, BatchStartFigure } from './protocol';
import { effectChain } from './workflows';

/** Experiments in the bench worker: the product's scheduler over the product's engine and store. */

const STEPS_PER_CELL = 3;
const WORKFLOW_ID = 'bench-batch';

async function benchScheduler(http: NonNullable<Runners['http']>) {
  const bench = createBenchEngine(await freshDb(), http);
  const now = Date.now();
  const doc = effectChain(STEPS_PER_CELL);
  await bench.db.workflows.put({ id: WORKFLOW_ID, name: doc.workflowConfig.name, doc, createdAt: now, updatedAt: now });
  return { ...bench, scheduler: new BatchScheduler(bench.engine, bench.db) };
}

const spec = {
  name: 'Bench',
  workflowId: WORKFLOW_ID,
  source: { kind: 'list' as const, column: 'n' },
  mapping: {},
  variants: [{ id: 'v', label: 'As saved' }],
};

const rowsOf = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

/** A batch of `rows` cells of a 3-step workflow (no LLM step), from the start command to the last cell recorded. */
export async function batchRun(
  rows: number,
  http: NonNullable<Runners['http']>,
  concurrency?: number,
): Promise<BatchFigure> {
  const { db, scheduler } = await benchScheduler(http);
  const started = performance.now();
  const batchId = await scheduler.startExperiment(spec, rowsOf(rows), { concurrency });
  await scheduler.idle();
  const ms = performance.now() - started;
  const batch = await getBatch(db, batchId);
  const counted = await countCellsByStatus(db, batchId);
  const steps = rows * STEPS_PER_CELL;
  return {
    rows,
    steps,
    ms,
    stepsPerSecond: (steps / ms) * 1000,
    completed: counted.completed,
    status: batch?.status ?? 'missing',
    concurrency: batch?.concurrency ?? 0,
  };
}

/** How long the start command of a `rows`-row batch takes to return (checks, then one transaction). */
export async function batchStart(rows: number, http: NonNullable<Runners['http']>): Promise<BatchStartFigure> {
  const { db, engine, scheduler } = await benchScheduler(http);
  const started = performance.now();
  const batchId = await scheduler.startExperiment(spec, rowsOf(rows));
  const ms = performance.now() - started;
  // Only the start is measured: the cells it began are let go with the database.
  scheduler.stop();
  engine.shutdown();
  const cells = (await getBatch(db, batchId))?.counts;
  return { rows, ms, cells: cells ? Object.values(cells).reduce((sum, n) => sum + n, 0) : 0 };
}
