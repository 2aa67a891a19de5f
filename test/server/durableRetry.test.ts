import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, http } from '../support/flows';
import { listenLocally } from '../support/localServer';
import { startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

const BACKOFF_MS = 8_000;

/** Answers 503 to the first request and 200 after; keeps each request's arrival time. */
async function startFlakyServer(): Promise<{ origin: string; arrivals: number[]; close(): Promise<void> }> {
  const arrivals: number[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals.push(Date.now());
      const status = arrivals.length === 1 ? 503 : 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ n: arrivals.length }));
    });
  });
  return { ...(await listenLocally(server)), arrivals };
}

/**
 * A step's retry backoff on the server is a DBOS durable sleep: a worker SIGKILLed during the backoff and started
 * again (same executor id) sends the retry at the deadline set before the kill, not a full backoff after the restart.
 */
describe.runIf(enabled)('a retry backoff survives a killed worker', () => {
  let postgres: Postgres;
  let flaky: Awaited<ReturnType<typeof startFlakyServer>>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
    flaky = await startFlakyServer();
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    await flaky?.close();
    postgres?.stop();
  });

  it('retries at the original deadline after a restart mid-backoff, the failed attempt not sent again', async () => {
    const url = postgres.createDatabase('retry');
    const retryPolicy = { maxRetries: 2, backoffMs: BACKOFF_MS, jitter: false };
    const workflow = chain('Flaky', [{ ...http('call', `${flaky.origin}/flaky`), retryPolicy }], {
      allowedHosts: [new URL(flaky.origin).host],
    });
    workers.push(await spawnWorker(url, 'retry-1'));
    expect((await tabflow(url, 'submit', writeWorkflow(workflow), '--id', 'retry-run')).code).toBe(0);
    await until('the first attempt', async () => (flaky.arrivals.length > 0 ? true : undefined));
    // The failure is recorded a moment after it arrives; then the worker dies in the backoff.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const restartedAt = Date.now();
    workers.push(await spawnWorker(url, 'retry-1'));
    const done = await until(
      'the run to finish',
      async () => {
        const status = JSON.parse((await tabflow(url, 'status', 'retry-run', '--json')).stdout);
        return status.result ? status : undefined;
      },
      60_000,
    );
    expect(done.result.status).toBe('completed');
    expect(flaky.arrivals).toHaveLength(2);
    const [first, second] = flaky.arrivals as [number, number];
    console.log(
      `durable retry: retried ${second - first} ms after the first attempt (backoff ${BACKOFF_MS} ms), ` +
        `${second - restartedAt} ms after the restart`,
    );
    expect(second - first).toBeGreaterThanOrEqual(BACKOFF_MS - 50);
    // A backoff started over at the restart would end BACKOFF_MS after it, well past this.
    expect(second).toBeLessThan(restartedAt + BACKOFF_MS - 2_000);
  }, 120_000);
});
