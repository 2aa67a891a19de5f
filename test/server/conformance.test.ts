import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserWiring,
  compareResults,
  conformanceCases,
  httpConformanceCase,
  runConformanceCase,
  startEchoServer,
  type ConformanceResult,
} from '../support/conformance';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

/**
 * Every template and held-in flow through DBOS (submit → a worker process → status) against the tab's wiring over
 * the memory store: the same status, output and sequence of step keys. Each case starts from the demo customers.
 */
describe.runIf(enabled)('conformance: DBOS worker vs the tab’s engine', () => {
  let postgres: Postgres;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = postgres.createDatabase('conformance');
    worker = await spawnWorker(url, 'conformance');
  }, 120_000);

  afterAll(async () => {
    if (worker) await stopWorker(worker);
    postgres?.stop();
  });

  /** Back to the demo customers: the worker seeds an empty table when it starts, so a restart would too. */
  async function resetCustomers(): Promise<void> {
    await query(url, `DELETE FROM tabflow_server.table_rows`);
    const { DEMO_CUSTOMERS } = await import('../../src/templates/demoCustomers');
    for (const row of DEMO_CUSTOMERS) {
      await query(url, `INSERT INTO tabflow_server.table_rows (table_name, id, row) VALUES ('customers', $1, $2)`, [
        row.id,
        JSON.stringify(row),
      ]);
    }
  }

  async function runOnDbos(id: string, c: ReturnType<typeof conformanceCases>[number]): Promise<ConformanceResult> {
    await resetCustomers();
    const file = writeWorkflow(c.workflow);
    const submitted = await tabflow(url, 'submit', file, '--input', JSON.stringify(c.input), '--id', id);
    expect(submitted, submitted.stderr).toMatchObject({ code: 0 });
    for (const slug of c.approve) expect((await tabflow(url, 'approve', id, slug)).code).toBe(0);
    const status = await until(`run ${id}`, async () => {
      const answer = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
      return answer.result || answer.error ? answer : undefined;
    });
    expect(status.error).toBeUndefined();
    return { status: status.result.status, output: status.result.output, stepKeys: status.result.steps };
  }

  it('flow:http: same output and step keys, the request sent once with the step’s idempotency key', async () => {
    const echo = await startEchoServer();
    try {
      const c = httpConformanceCase(echo.origin);
      const expected = await runConformanceCase(c, browserWiring);
      const actual = await runOnDbos('conformance-http', c);
      expect(compareResults(expected, actual)).toEqual([]);
      expect(actual.status).toBe('completed');
      expect(echo.requests).toEqual([expect.stringMatching(/:order@$/), 'conformance-http:order@']);
    } finally {
      await echo.close();
    }
  }, 120_000);

  for (const [index, c] of conformanceCases().entries()) {
    it(`${c.id}: same output and step keys`, async () => {
      const expected = await runConformanceCase(c, browserWiring);
      const actual = await runOnDbos(`conformance-${index}`, c);
      expect(compareResults(expected, actual)).toEqual([]);
      expect(actual.status).toBe('completed');
    }, 120_000);
  }
});
