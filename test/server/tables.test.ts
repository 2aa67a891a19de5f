import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, seedDemoCustomers, ServerRunStore } from '../../src/server/tables';
import type { TableUpdate } from '../../src/engine/store';
import { startPostgres, type Postgres } from '../support/postgres';
import { serverTestsEnabled } from './support/setup';

const enabled = serverTestsEnabled();

describe.runIf(enabled)('server tables in PostgreSQL', () => {
  let postgres: Postgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    postgres = await startPostgres();
    pool = new pg.Pool({ connectionString: postgres.createDatabase('tables') });
    await ensureTables(pool);
    await seedDemoCustomers(pool);
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    postgres?.stop();
  });

  const update = (outputOf: string, status: string): TableUpdate => ({
    table: 'customers',
    where: { id: 'cus_002' },
    set: { status },
    upsert: false,
    outputOf,
  });
  const statusOf = async () =>
    (await pool.query(`SELECT row->>'status' AS s FROM tabflow_server.table_rows WHERE id = 'cus_002'`)).rows[0].s;

  it('applies an update once per step key: a replay after another run’s write returns the first output', async () => {
    const store = new ServerRunStore(pool);
    const first = await store.commit({ fences: [], tableUpdates: [update('run-a:mark@', 'at_risk')] });
    await new ServerRunStore(pool).commit({ fences: [], tableUpdates: [update('run-b:mark@', 'churned')] });
    // run-a replays its step after a crash: the same key, so nothing is written again.
    const replayed = await new ServerRunStore(pool).commit({
      fences: [],
      tableUpdates: [update('run-a:mark@', 'at_risk')],
    });
    expect(replayed.tableOutputs['run-a:mark@']).toEqual(first.tableOutputs['run-a:mark@']);
    expect(first.tableOutputs['run-a:mark@']).toMatchObject({
      updated: 1,
      rows: [{ id: 'cus_002', status: 'at_risk' }],
    });
    expect(await statusOf()).toBe('churned');
  });

  it('seeds the demo customers only into an empty table', async () => {
    await seedDemoCustomers(pool);
    expect(await statusOf()).toBe('churned');
  });
});
