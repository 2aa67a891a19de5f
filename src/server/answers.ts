import type { Pool } from 'pg';
import { ensureOnce } from './runJournal';
import { HEARTBEAT_SCHEMA } from './supervisor';

/**
 * One answer per approval step: `tabflow approve` records each step's first answer here before sending it, so a
 * second one — a `--reject` after an approve, whatever its idempotency key — is refused with what the step was
 * answered, instead of being sent to a step that will never read it.
 */
const ANSWERS = `${HEARTBEAT_SCHEMA}.approval_answers`;

const CREATE_ANSWERS = [
  `CREATE SCHEMA IF NOT EXISTS ${HEARTBEAT_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${ANSWERS} (run_id text NOT NULL, step text NOT NULL, idempotency_key text NOT NULL,
   approved boolean NOT NULL, answered_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (run_id, step))`,
];

export interface Answer {
  approved: boolean;
  idempotencyKey: string;
}

/** The step's first answer is `answer` (recorded now), or the one recorded before, with when. */
export type AnswerRecord = { kind: 'first' } | { kind: 'answered-before'; answer: Answer; at: Date };

export async function recordAnswer(pool: Pool, runId: string, step: string, answer: Answer): Promise<AnswerRecord> {
  await ensureOnce(pool, CREATE_ANSWERS)();
  const inserted = await pool.query(
    `INSERT INTO ${ANSWERS} (run_id, step, idempotency_key, approved) VALUES ($1, $2, $3, $4)
     ON CONFLICT (run_id, step) DO NOTHING RETURNING 1`,
    [runId, step, answer.idempotencyKey, answer.approved],
  );
  if (inserted.rowCount === 1) return { kind: 'first' };
  const { rows } = await pool.query<{ idempotency_key: string; approved: boolean; answered_at: Date }>(
    `SELECT idempotency_key, approved, answered_at FROM ${ANSWERS} WHERE run_id = $1 AND step = $2`,
    [runId, step],
  );
  const row = rows[0]!;
  return {
    kind: 'answered-before',
    answer: { approved: row.approved, idempotencyKey: row.idempotency_key },
    at: row.answered_at,
  };
}

/** A first answer that could not be sent is taken back, so the command can be run again. */
export async function forgetAnswer(pool: Pool, runId: string, step: string): Promise<void> {
  await pool.query(`DELETE FROM ${ANSWERS} WHERE run_id = $1 AND step = $2`, [runId, step]);
}
