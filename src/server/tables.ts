import { DBOS } from '@dbos-inc/dbos-sdk';
import type { Pool, PoolClient } from 'pg';
import { MemoryStore } from '../engine/memoryStore';
import {
  applyTableUpdate,
  rowMatches,
  type CommitBatch,
  type CommitResult,
  type TableRow,
  type TableUpdate,
  type TableUpdateOutput,
} from '../engine/store';
import type { WorkflowFile } from '../schema/workflow';
import { DEMO_CUSTOMERS } from '../templates/demoCustomers';
import { HEARTBEAT_SCHEMA } from './supervisor';

/**
 * The server's tables (customers…) live in PostgreSQL, shared by every run and worker. A query is a DBOS step (its
 * rows recorded, so a replay reads what the run read). An update commits in one transaction with a row saying that
 * its step key applied it: a replay, or a second execution after a crash, finds that row and returns the first
 * output — each update is applied exactly once.
 */
const ROWS = `${HEARTBEAT_SCHEMA}.table_rows`;
const APPLIED = `${HEARTBEAT_SCHEMA}.applied_updates`;

export async function ensureTables(pool: Pool): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${HEARTBEAT_SCHEMA}`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${ROWS} (table_name text NOT NULL, id text NOT NULL, row jsonb NOT NULL,
     PRIMARY KEY (table_name, id))`,
  );
  await pool.query(`CREATE TABLE IF NOT EXISTS ${APPLIED} (step_key text PRIMARY KEY, output jsonb NOT NULL)`);
}

/** The demo customers the templates use, into a `customers` table that has no row (as a new tab seeds its own). */
export async function seedDemoCustomers(pool: Pool): Promise<void> {
  const { rows } = await pool.query(`SELECT 1 FROM ${ROWS} WHERE table_name = 'customers' LIMIT 1`);
  if (rows.length > 0) return;
  for (const row of DEMO_CUSTOMERS) {
    await pool.query(`INSERT INTO ${ROWS} (table_name, id, row) VALUES ('customers', $1, $2) ON CONFLICT DO NOTHING`, [
      row.id,
      JSON.stringify(row),
    ]);
  }
}

async function selectRows(db: Pool | PoolClient, table: string, lock = false): Promise<TableRow[]> {
  const { rows } = await db.query<{ row: TableRow }>(
    `SELECT row FROM ${ROWS} WHERE table_name = $1 ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
    [table],
  );
  return rows.map((r) => r.row);
}

async function applyOnce(pool: Pool, key: string, update: TableUpdate): Promise<TableUpdateOutput> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Serialises updates of one table, so the match and the write see the same rows.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [update.table]);
    const done = await client.query<{ output: TableUpdateOutput }>(
      `SELECT output FROM ${APPLIED} WHERE step_key = $1`,
      [key],
    );
    if (done.rows[0]) {
      await client.query('COMMIT');
      return done.rows[0].output;
    }
    const { changed, created } = applyTableUpdate(await selectRows(client, update.table, true), update);
    for (const row of changed) {
      await client.query(
        `INSERT INTO ${ROWS} (table_name, id, row) VALUES ($1, $2, $3)
         ON CONFLICT (table_name, id) DO UPDATE SET row = EXCLUDED.row`,
        [update.table, row.id, JSON.stringify(row)],
      );
    }
    const output: TableUpdateOutput = { updated: changed.length, created, rows: changed };
    await client.query(`INSERT INTO ${APPLIED} (step_key, output) VALUES ($1, $2)`, [key, JSON.stringify(output)]);
    await client.query('COMMIT');
    return output;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The run's store inside its DBOS workflow: the journal in memory (DBOS keeps it), tables in PostgreSQL. */
export class ServerRunStore extends MemoryStore {
  constructor(private readonly pool: Pool) {
    super();
  }

  /** A run bundle's definitions (`loadBundleRun`), as `tabflow run`'s memory store takes them. */
  importDefinition(hash: string, definition: WorkflowFile, parsed: boolean): void {
    if (!this.data.definitions.has(hash)) this.data.definitions.set(hash, { definition, parsed });
  }

  override async queryTable(table: string, where: Record<string, unknown>, limit: number): Promise<TableRow[]> {
    const rows = await DBOS.runStep(() => selectRows(this.pool, table), { name: `table.query:${table}` });
    return rows.filter((row) => rowMatches(row, where)).slice(0, limit);
  }

  override async commit(batch: CommitBatch): Promise<CommitResult> {
    const updates = batch.tableUpdates ?? [];
    if (updates.length === 0) return super.commit(batch);
    const outputs: Record<string, TableUpdateOutput> = {};
    // Not a DBOS step: the journal's group commit runs outside the workflow's context. The row under the step key
    // is what keeps it once: a replay's commit finds it and gets the first output back.
    for (const update of updates) outputs[update.outputOf] = await applyOnce(this.pool, update.outputOf, update);
    const steps = batch.steps?.map((step) => (outputs[step.key] ? { ...step, output: outputs[step.key] } : step));
    await super.commit({ ...batch, tableUpdates: [], ...(steps ? { steps } : {}) });
    return { tableOutputs: outputs };
  }
}
