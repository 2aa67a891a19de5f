/**
 * `npm run bench:server`: steps/s of a 1,000-step workflow (each step an http request to a local server, so each is
 * one DBOS step) on DBOS over a throwaway PostgreSQL 15 (fsync on), with 1 and 2 worker processes, beside the
 * in-memory engine in this process, and the per-step overhead DBOS adds. Figures are printed, never asserted.
 */
import { createServer } from 'node:http';
import { systemClock } from '../src/engine/clock';
import { Engine } from '../src/engine/engine';
import { MemoryStore } from '../src/engine/memoryStore';
import { nodeHttp } from '../src/cli/httpRunner';
import type { WorkflowFile } from '../src/schema/workflow';
import { query, startPostgres } from '../test/support/postgres';
import { spawnWorker, stopWorker, tabflow, until } from '../test/server/support/cluster';
import { writeWorkflow } from '../test/server/support/workflows';
import { bytesHanded, longLoop } from '../test/server/support/longLoop';

const STEPS = 1_000;
const PARALLEL_RUNS = 4;
const LOOP_ITERATIONS = 200;

async function startTarget(): Promise<{ origin: string; close(): void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => (server.closeAllConnections(), server.close()) };
}

/** A trigger, then STEPS http POSTs in a chain. */
function chainOfRequests(origin: string): WorkflowFile {
  const steps: Record<string, unknown>[] = [
    { stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: { default: 's0' } },
  ];
  for (let i = 0; i < STEPS; i++) {
    steps.push({
      stepSlug: `s${i}`,
      name: `Request ${i}`,
      stepType: 'action',
      config: { action: 'http', method: 'POST', url: `${origin}/step`, body: { i } },
      nextSteps: i + 1 < STEPS ? { success: `s${i + 1}` } : {},
    });
  }
  return {
    workflowConfig: { name: 'Bench chain', config: { allowedHosts: [new URL(origin).host] } },
    stepsConfig: steps,
  } as unknown as WorkflowFile;
}

async function inMemory(workflow: WorkflowFile, runs: number): Promise<number> {
  const engine = new Engine({ store: new MemoryStore(), clock: systemClock, runners: { http: nodeHttp } });
  const started = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, () => engine.start({ workflow, input: {} })));
  const finished = await Promise.all(ids.map((id) => engine.awaitRun(id)));
  if (finished.some((run) => run.status !== 'completed')) throw new Error('an in-memory bench run did not complete');
  engine.shutdown();
  return performance.now() - started;
}

async function onDbos(url: string, file: string, label: string, runs: number): Promise<number> {
  const ids = Array.from({ length: runs }, (_, i) => `${label}-${i}`);
  const started = performance.now();
  for (const id of ids) {
    const submitted = await tabflow(url, 'submit', file, '--id', id);
    if (submitted.code !== 0) throw new Error(submitted.stderr);
  }
  await until(
    `${label} runs`,
    async () => {
      const rows = await query<{ n: number; failed: number }>(
        url,
        `SELECT count(*) FILTER (WHERE status = 'SUCCESS')::int AS n,
                count(*) FILTER (WHERE status IN ('ERROR', 'CANCELLED'))::int AS failed
         FROM dbos.workflow_status WHERE workflow_uuid = ANY($1)`,
        [ids],
      );
      if (rows[0]!.failed > 0) throw new Error(`${label}: a run failed`);
      return rows[0]!.n === runs ? true : undefined;
    },
    600_000,
  );
  return performance.now() - started;
}

/** Transactions committed in the database so far (every process's; the bench is alone on it). */
async function commits(url: string): Promise<number> {
  const rows = await query<{ n: string }>(
    url,
    `SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Number(rows[0]!.n);
}

/** What one recorded step costs PostgreSQL alone: a committed single-row insert, as DBOS writes each output. */
async function insertLatency(url: string): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE bench_insert (id int PRIMARY KEY, output text)');
  const started = performance.now();
  for (let i = 0; i < STEPS; i++) await client.query('INSERT INTO bench_insert VALUES ($1, $2)', [i, '{"ok":true}']);
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed / STEPS;
}

/** A loop of two-step iterations (each a child workflow): its time, and what its children were handed in all. */
async function loopOfChildren(url: string): Promise<string> {
  const ms = await onDbos(url, writeWorkflow(longLoop(LOOP_ITERATIONS)), 'loop', 1);
  const handed = [...(await bytesHanded(url, 'loop-0')).values()];
  const total = handed.reduce((sum, n) => sum + n, 0);
  const size = `${(total / 1e6).toFixed(2)} MB (largest ${Math.max(...handed)} bytes)`;
  const label = `DBOS, ${LOOP_ITERATIONS}-iteration loop (a child workflow each)`;
  return `${label}: ${(ms / 1000).toFixed(1)} s, children handed ${size}`;
}

const rate = (steps: number, ms: number) => `${Math.round((steps / ms) * 1000)} steps/s`;
const perStep = (ms: number, steps: number) => `${(ms / steps).toFixed(2)} ms/step`;

async function main(): Promise<void> {
  const postgres = await startPostgres({ fsync: true });
  const target = await startTarget();
  const workflow = chainOfRequests(target.origin);
  const file = writeWorkflow(workflow);
  const lines: string[] = [];
  try {
    const memoryOne = await inMemory(workflow, 1);
    const memoryMany = await inMemory(workflow, PARALLEL_RUNS);
    const url = postgres.createDatabase('bench');
    const first = await spawnWorker(url, 'bench-a', ['--concurrency', String(PARALLEL_RUNS)]);
    await onDbos(url, file, 'warmup', 1);
    const commitsBefore = await commits(url);
    const dbosOne = await onDbos(url, file, 'one', 1);
    const commitsPerStep = ((await commits(url)) - commitsBefore) / STEPS;
    const dbosManyOneWorker = await onDbos(url, file, 'many1', PARALLEL_RUNS);
    const second = await spawnWorker(url, 'bench-b', ['--concurrency', String(PARALLEL_RUNS)]);
    const dbosManyTwoWorkers = await onDbos(url, file, 'many2', PARALLEL_RUNS);
    const spread = await query<{ executor: string; n: number }>(
      url,
      `SELECT executor_id AS executor, count(*)::int AS n FROM dbos.workflow_status
       WHERE workflow_uuid LIKE 'many2-%' GROUP BY 1 ORDER BY 1`,
    );
    const loop = await loopOfChildren(url);
    await stopWorker(first);
    await stopWorker(second);
    const insertMs = await insertLatency(url);
    const overhead = (dbosOne - memoryOne) / STEPS;
    lines.push(
      `Workflow: ${STEPS} http steps in a chain (local server); PostgreSQL 15, fsync on; ${PARALLEL_RUNS} runs at once`,
      `in-memory engine, 1 run:        ${rate(STEPS, memoryOne)} (${perStep(memoryOne, STEPS)})`,
      `in-memory engine, ${PARALLEL_RUNS} runs:       ${rate(STEPS * PARALLEL_RUNS, memoryMany)}`,
      `DBOS, 1 worker, 1 run:          ${rate(STEPS, dbosOne)} (${perStep(dbosOne, STEPS)}, submit to SUCCESS)`,
      `DBOS, 1 worker, ${PARALLEL_RUNS} runs:         ${rate(STEPS * PARALLEL_RUNS, dbosManyOneWorker)}`,
      `DBOS, 2 workers, ${PARALLEL_RUNS} runs:        ${rate(STEPS * PARALLEL_RUNS, dbosManyTwoWorkers)}`,
      `DBOS per-step overhead:         ${overhead.toFixed(2)} ms (1 run, over the in-memory engine)`,
      `PostgreSQL alone, 1 committed insert: ${insertMs.toFixed(2)} ms`,
      `DBOS commits per step: ${commitsPerStep.toFixed(2)}`,
      `2-worker runs by executor: ${spread.map((row) => `${row.executor} ${row.n}`).join(', ')}`,
      loop,
    );
    console.log(lines.join('\n'));
  } finally {
    target.close();
    postgres.stop();
  }
}

await main();
