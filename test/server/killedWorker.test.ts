import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, startPostgres, type Postgres } from '../support/postgres';
import { spawnWorker, stopWorker, tabflow, until, type WorkerProcess } from './support/cluster';
import { serverTestsEnabled } from './support/setup';
import { startSideEffects, type SideEffects } from './support/sideEffects';
import { effectWorkflow, writeWorkflow } from './support/workflows';

const enabled = serverTestsEnabled();

const RUNS = Number(process.env.TABFLOW_KILL_TEST_RUNS ?? 16);
const SLEEP_MS = 10_000;
const HEARTBEAT_MS = 500;
const STALE_AFTER_MS = 2_000;
const EXPECTED_STEPS = ['start@', 'charge@', 'summary@', 'summary@/r1', 'pause@', 'ship@'];

type Recovery = 'supervisor' | 'restart';

/** A run asleep in its wait step when the worker was killed, and the earliest its deadline can be. */
interface Sleeper {
  id: string;
  deadline: number;
}

describe.runIf(enabled)(`a worker killed mid-run (SIGKILL), ${RUNS} runs over 2 worker processes`, () => {
  let postgres: Postgres;
  const workers: WorkerProcess[] = [];
  const servers: SideEffects[] = [];

  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) await stopWorker(worker);
    for (const server of servers) await server.close();
    postgres?.stop();
  });

  /**
   * The executor's runs asleep in their wait step for at least `sleptMs`, told by the side effects alone (charged
   * that long ago, not shipped yet), and the earliest their deadline can be: the charge's answer + SLEEP_MS.
   */
  async function sleepingRunsOf(url: string, effects: SideEffects, executor: string, sleptMs: number) {
    const owned = await query<{ id: string }>(
      url,
      `SELECT workflow_uuid AS id FROM dbos.workflow_status WHERE executor_id = $1 AND status = 'PENDING'`,
      [executor],
    );
    const now = Date.now();
    return owned.flatMap(({ id }): Sleeper[] => {
      const charged = effects.applied.get(`${id}:charge@`);
      const shipping = effects.requests.some((r) => r.key === `${id}:ship@`);
      return charged !== undefined && charged < now - sleptMs && !shipping
        ? [{ id, deadline: charged + SLEEP_MS }]
        : [];
    });
  }

  async function scenario(recovery: Recovery) {
    const url = postgres.createDatabase(`kill_${recovery}`);
    const effects = await startSideEffects(300);
    servers.push(effects);
    // With the restart, no supervisor may adopt: the same executor id coming back must recover its runs alone.
    const stale = recovery === 'supervisor' ? STALE_AFTER_MS : 3_600_000;
    const flags = ['--concurrency', '8', '--heartbeat-ms', String(HEARTBEAT_MS), '--stale-after-ms', String(stale)];
    const [a, b] = await Promise.all([spawnWorker(url, 'worker-a', flags), spawnWorker(url, 'worker-b', flags)]);
    workers.push(a, b);

    const file = writeWorkflow(effectWorkflow(effects.origin, { sleepMs: SLEEP_MS, approval: false }));
    const ids = Array.from({ length: RUNS }, (_, i) => `${recovery}-${i}`);
    for (const id of ids) {
      expect((await tabflow(url, 'submit', file, '--input', JSON.stringify({ order: id }), '--id', id)).code).toBe(0);
    }
    const sleepers = await until('a run of worker-a asleep for 3 s', async () => {
      const found = await sleepingRunsOf(url, effects, 'worker-a', 3_000);
      return found.length > 0 ? found : undefined;
    });
    const ownedByA = await query<{ id: string }>(
      url,
      `SELECT workflow_uuid AS id FROM dbos.workflow_status WHERE executor_id = 'worker-a' AND status = 'PENDING'`,
    );
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    // In flight at the kill, from the worker's side: requested by then, its answer not recorded as the step's output
    // (an answer the server sent a moment before the kill may not have been recorded). Read before any recovery.
    const recordedAtKill = await query<{ key: string }>(
      url,
      `SELECT workflow_uuid || ':' || function_name AS key FROM dbos.operation_outputs
       WHERE workflow_uuid = ANY($1) AND function_name LIKE '%@%'`,
      [ids],
    );
    const recorded = new Set(recordedAtKill.map((row) => row.key));
    const inFlight = new Set([
      ...effects.inFlightAt(killedAt),
      ...effects.requests.filter((r) => r.receivedAt <= killedAt && !recorded.has(r.key)).map((r) => r.key),
    ]);
    // When recovery could start at the earliest: the restarted worker recovers its runs while it launches.
    let recoveredBy = killedAt;
    if (recovery === 'restart') {
      workers.push(await spawnWorker(url, 'worker-a', flags));
      recoveredBy = Date.now();
    }

    await until(
      'every run to finish',
      async () => {
        const rows = await query<{ n: number }>(
          url,
          `SELECT count(*)::int AS n FROM dbos.workflow_status WHERE workflow_uuid = ANY($1) AND status = 'SUCCESS'`,
          [ids],
        );
        return rows[0]?.n === RUNS ? true : undefined;
      },
      120_000,
    );
    return { url, effects, ids, sleepers, ownedByA: ownedByA.map((r) => r.id), killedAt, recoveredBy, inFlight };
  }

  async function checkEveryRun(outcome: Awaited<ReturnType<typeof scenario>>) {
    const { url, effects, ids, inFlight } = outcome;
    for (const id of ids) {
      const status = JSON.parse((await tabflow(url, 'status', id, '--json')).stdout);
      expect(status.result, id).toMatchObject({ status: 'completed', steps: EXPECTED_STEPS });
    }
    // 0 lost, 0 recorded twice: each effect of each run is recorded exactly once.
    const recorded = await query<{ id: string; name: string; n: number }>(
      url,
      `SELECT workflow_uuid AS id, function_name AS name, count(*)::int AS n FROM dbos.operation_outputs
       WHERE workflow_uuid = ANY($1) AND function_name LIKE '%@%' GROUP BY 1, 2`,
      [ids],
    );
    expect(recorded.filter((row) => row.n !== 1)).toEqual([]);
    expect(recorded).toHaveLength(RUNS * 3);
    // Each side effect applied; requested again only if it was in flight at the kill (and then with the same key).
    for (const id of ids) {
      for (const step of ['charge@', 'ship@']) {
        const key = `${id}:${step}`;
        expect(effects.applied.has(key), key).toBe(true);
        const requests = effects.requests.filter((r) => r.key === key).length;
        if (requests > 1) expect(inFlight.has(key), `${key} requested ${requests} times`).toBe(true);
      }
    }
  }

  /** The recovered sleepers woke at the deadline recorded before the kill, not a new full sleep after recovery. */
  async function checkSleepers(outcome: Awaited<ReturnType<typeof scenario>>) {
    for (const { id, deadline } of outcome.sleepers) {
      const shipped = outcome.effects.requests.find((r) => r.key === `${id}:ship@`)!.receivedAt;
      expect(shipped, id).toBeGreaterThanOrEqual(deadline - 50);
      // Recovery has begun ~4 s after the kill at the latest; slept again in full, a run would ship SLEEP_MS later.
      const recoveredByAtLatest = Math.max(outcome.killedAt + 4_000, outcome.recoveredBy);
      // Half the sleep: room for a loaded machine's slow adoption (2.8 s seen), far from a full sleep again.
      expect(shipped - Math.max(deadline, recoveredByAtLatest), id).toBeLessThan(SLEEP_MS / 2);
    }
  }

  it('the supervisor of the other worker adopts the killed worker’s runs and finishes every one', async () => {
    const outcome = await scenario('supervisor');
    expect(outcome.ownedByA.length).toBeGreaterThan(0);
    await checkEveryRun(outcome);
    await checkSleepers(outcome);
    const finishers = await query<{ executor: string }>(
      outcome.url,
      `SELECT DISTINCT executor_id AS executor FROM dbos.workflow_status WHERE workflow_uuid = ANY($1)`,
      [outcome.ownedByA],
    );
    expect(finishers).toEqual([{ executor: 'worker-b' }]);
  }, 240_000);

  it('a worker restarted with the same executor id recovers its own runs and finishes every one', async () => {
    const outcome = await scenario('restart');
    expect(outcome.ownedByA.length).toBeGreaterThan(0);
    await checkEveryRun(outcome);
    await checkSleepers(outcome);
  }, 240_000);
});
