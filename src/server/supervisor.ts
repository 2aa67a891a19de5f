import type { Pool } from 'pg';
import { errorMessage } from '../schema/errorMessage';

/**
 * Failover between workers. DBOS recovers a dead executor's pending runs only when a process starts again with the
 * same executor id; a worker that never comes back would strand them. Each worker beats into a heartbeat table;
 * a worker that sees another's beat older than `staleAfterMs` claims that executor (deletes its row: one claimer
 * wins) and resumes each of its pending runs, which DBOS puts back on a queue from its last recorded step.
 */
export const HEARTBEAT_SCHEMA = 'tabflow_server';

export interface SupervisorOptions {
  pool: Pool;
  executorId: string;
  heartbeatMs: number;
  staleAfterMs: number;
  /** DBOS's resumeWorkflow: back on a queue, from its last recorded step. */
  resume(workflowId: string): Promise<void>;
  log(line: string): void;
}

export async function ensureHeartbeatTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${HEARTBEAT_SCHEMA}`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${HEARTBEAT_SCHEMA}.heartbeats
     (executor_id text PRIMARY KEY, beat_at timestamptz NOT NULL)`,
  );
}

export class Supervisor {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly options: SupervisorOptions) {}

  async start(): Promise<void> {
    await ensureHeartbeatTable(this.options.pool);
    await this.beat();
    this.timer = setInterval(() => {
      this.ticking = this.tick().then(
        () => undefined,
        (error: unknown) => this.options.log(`supervisor: ${describe(error)}`),
      );
    }, this.options.heartbeatMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** One beat, then the adoption of every executor that stopped beating. */
  async tick(): Promise<string[]> {
    await this.beat();
    const adopted: string[] = [];
    for (const executor of await this.claimStale()) adopted.push(...(await this.adopt(executor)));
    return adopted;
  }

  private async beat(): Promise<void> {
    await this.options.pool.query(
      `INSERT INTO ${HEARTBEAT_SCHEMA}.heartbeats (executor_id, beat_at) VALUES ($1, now())
       ON CONFLICT (executor_id) DO UPDATE SET beat_at = now()`,
      [this.options.executorId],
    );
  }

  /** Deleting the stale rows is the claim: of two supervisors, only one gets each row back. */
  private async claimStale(): Promise<string[]> {
    const { rows } = await this.options.pool.query<{ executor_id: string }>(
      `DELETE FROM ${HEARTBEAT_SCHEMA}.heartbeats
       WHERE executor_id <> $1 AND beat_at < now() - make_interval(secs => $2::double precision / 1000)
       RETURNING executor_id`,
      [this.options.executorId, this.options.staleAfterMs],
    );
    return rows.map((row) => row.executor_id);
  }

  private async adopt(executor: string): Promise<string[]> {
    const { rows } = await this.options.pool.query<{ workflow_uuid: string }>(
      `SELECT workflow_uuid FROM dbos.workflow_status WHERE executor_id = $1 AND status = 'PENDING'`,
      [executor],
    );
    for (const row of rows) await this.options.resume(row.workflow_uuid);
    if (rows.length > 0) this.options.log(`adopted ${rows.length} pending run(s) of stopped worker ${executor}`);
    return rows.map((row) => row.workflow_uuid);
  }
}

export function describe(error: unknown): string {
  return errorMessage(error);
}
