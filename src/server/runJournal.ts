import type { Pool } from 'pg';
import { memoryRunParts } from '../engine/runBundle';
import { FINISHED_RUN_STATUSES } from '../engine/records';
import type { CommitBatch, CommitResult } from '../engine/store';
import { HEARTBEAT_SCHEMA } from './supervisor';
import { ServerRunStore } from './tables';

/**
 * A run's journal kept past its execution, for `tabflow export`: the worker's journal lives only as long as one
 * execution of the run's workflow (DBOS keeps the operations, not the engine's records), so each time the run
 * waits or ends its records — the run, its subworkflow runs, their steps and messages — are saved as one row.
 */
const JOURNALS = `${HEARTBEAT_SCHEMA}.run_journals`;

/** The run, its subworkflow runs, their journals and thread messages. */
export type SavedJournal = ReturnType<typeof memoryRunParts>;

/** PostgreSQL's answers when two processes create the same table at once: it exists, which is all we need. */
const ALREADY_CREATED = new Set(['23505', '42P07', '42P06']);

/** Creates a table of ours once per process; a worker racing to create it too is fine. */
export function ensureOnce(pool: Pool, statements: readonly string[]): () => Promise<void> {
  let created: Promise<void> | undefined;
  return () => {
    created ??= (async () => {
      for (const statement of statements)
        await pool.query(statement).catch((error: unknown) => {
          if (!ALREADY_CREATED.has(String((error as { code?: unknown }).code))) throw error;
        });
    })();
    created.catch(() => (created = undefined));
    return created;
  };
}

const CREATE_JOURNALS = [
  `CREATE SCHEMA IF NOT EXISTS ${HEARTBEAT_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${JOURNALS} (run_id text PRIMARY KEY, records integer NOT NULL, journal jsonb NOT NULL,
   saved_at timestamptz NOT NULL DEFAULT now())`,
];

/** The run's store inside its DBOS workflow, which saves the journal whenever a run in it waits or finishes. */
export class JournaledRunStore extends ServerRunStore {
  private readonly ensure: () => Promise<void>;

  constructor(
    private readonly journals: Pool,
    private readonly runId: string,
  ) {
    super(journals);
    this.ensure = ensureOnce(journals, CREATE_JOURNALS);
  }

  override async commit(batch: CommitBatch): Promise<CommitResult> {
    const result = await super.commit(batch);
    // Saved before the commit resolves, so before the run's `recv` (a wait) or its workflow's return (its end).
    if (batch.runs?.some((run) => run.status === 'waiting' || FINISHED_RUN_STATUSES.has(run.status))) await this.save();
    return result;
  }

  private async save(): Promise<void> {
    if (!this.data.runs.has(this.runId)) return;
    const journal: SavedJournal = memoryRunParts(this.data, this.runId);
    const records = journal.runs.length + journal.steps.length + journal.messages.length;
    await this.ensure();
    // A run's journal only grows: an execution replaying an earlier part after a crash never overwrites a later one.
    await this.journals.query(
      `INSERT INTO ${JOURNALS} (run_id, records, journal) VALUES ($1, $2, $3)
       ON CONFLICT (run_id) DO UPDATE SET records = EXCLUDED.records, journal = EXCLUDED.journal, saved_at = now()
       WHERE ${JOURNALS}.records <= EXCLUDED.records`,
      [this.runId, records, JSON.stringify(journal)],
    );
  }
}

/** The journal the run saved last (when it last waited or ended), if any. */
export async function savedJournal(pool: Pool, runId: string): Promise<SavedJournal | undefined> {
  const exists = await pool.query(`SELECT to_regclass($1) AS name`, [JOURNALS]);
  if (!exists.rows[0]?.name) return undefined;
  const { rows } = await pool.query<{ journal: SavedJournal }>(`SELECT journal FROM ${JOURNALS} WHERE run_id = $1`, [
    runId,
  ]);
  return rows[0]?.journal;
}
