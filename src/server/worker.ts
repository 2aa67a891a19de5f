import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { hostname } from 'node:os';
import { requestLimitFromEnv } from '../cli/environment';
import { queuedModel, registerRequestQueues, registerRequestWorkflow } from './providerQueues';
import { serverEffects } from './runners';
import { registerChildWorkflows, registerRunWorkflow, RUN_QUEUE } from './runWorkflow';
import { Supervisor } from './supervisor';
import { ensureTables, seedDemoCustomers } from './tables';

/** Every worker of this code base declares the same version, so any of them may take any run. */
export const APPLICATION_NAME = 'tabflow';
export const APPLICATION_VERSION = 'tabflow-server-1';

export interface WorkerOptions {
  databaseUrl: string;
  executorId?: string;
  env: NodeJS.ProcessEnv;
  /** Runs one worker takes at once (DBOS queue worker concurrency). */
  concurrency?: number;
  heartbeatMs?: number;
  staleAfterMs?: number;
  log(line: string): void;
}

export interface RunningWorker {
  executorId: string;
  supervisor: Supervisor;
  stop(): Promise<void>;
}

export const DEFAULT_HEARTBEAT_MS = 2_000;
/** A worker silent this long is taken for dead and its runs are adopted. */
export const DEFAULT_STALE_AFTER_MS = 10_000;

/** Launches DBOS in this process: recovers this executor's own pending runs, takes queued ones, supervises. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const executorId = options.executorId ?? `${hostname()}-${process.pid}`;
  DBOS.setConfig({
    name: APPLICATION_NAME,
    systemDatabaseUrl: options.databaseUrl,
    executorID: executorId,
    applicationVersion: APPLICATION_VERSION,
    logLevel: options.env.TABFLOW_DBOS_LOG_LEVEL ?? 'warn',
  });
  const limited = requestLimitFromEnv(options.env);
  if (!limited.ok) throw new Error(limited.message);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  const { runners, secret, providerIds, providerOf } = serverEffects(options.env);
  // Any worker may take a queued request, whichever worker's run asked for it.
  registerRequestWorkflow(runners.model);
  const client = limited.limit
    ? await DBOSClient.create({ systemDatabaseUrl: options.databaseUrl, applicationName: APPLICATION_NAME })
    : undefined;
  const model = client
    ? queuedModel({ client, appVersion: APPLICATION_VERSION, model: runners.model, providerOf })
    : runners.model;
  const effects = { pool, secret, runners: { ...runners, model } };
  registerRunWorkflow({ ...effects, children: registerChildWorkflows(effects) });
  await launchOneAtATime(options.databaseUrl, async () => {
    await ensureTables(pool);
    await seedDemoCustomers(pool);
  });
  await DBOS.registerQueue(RUN_QUEUE, {
    workerConcurrency: options.concurrency ?? 16,
    onConflict: 'always_update',
    minPollingIntervalMs: 200,
  });
  if (limited.limit) await registerRequestQueues(providerIds, limited.limit);
  const supervisor = new Supervisor({
    pool,
    executorId,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
    // Back on the queue it came from: a provider request keeps its provider's limit.
    resume: async (id) => {
      const queueName = (await DBOS.getWorkflowStatus(id))?.queueName ?? RUN_QUEUE;
      await DBOS.resumeWorkflow(id, { queueName });
    },
    log: options.log,
  });
  await supervisor.start();
  options.log(`worker ${executorId} is taking runs from ${redactUrl(options.databaseUrl)}`);
  return {
    executorId,
    supervisor,
    async stop() {
      await supervisor.stop();
      await pool.end();
      await client?.destroy();
      await DBOS.shutdown();
    },
  };
}

/** Arbitrary, fixed: the advisory lock workers take to create or migrate DBOS's tables one at a time. */
const LAUNCH_LOCK = 7_346_112;

/** Workers started together on a fresh database would race to create DBOS's tables and ours; they take turns. */
async function launchOneAtATime(databaseUrl: string, prepare: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Polled, never waited for in a query: DBOS's CREATE INDEX CONCURRENTLY waits for every running statement.
    while (!(await client.query('SELECT pg_try_advisory_lock($1) AS got', [LAUNCH_LOCK])).rows[0]?.got) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await prepare();
    await DBOS.launch();
  } finally {
    await client.end();
  }
}

/** A database URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
