import type { Attempt, StepRecord } from '../../engine/records';
import { formatDuration } from './format';

/** One attempt as the run view lists it: which effect it belongs to, and how long the wait after it was. */
export interface ListedAttempt {
  /** "round 2" for an LLM round's attempt; empty for the step's own. */
  where: string;
  attempt: Attempt;
  /** Time from this attempt's end to the next one's start (the retry backoff, as it happened). */
  waitedMs: number | undefined;
}

/** The attempts of a step and of the effects recorded inside it (LLM rounds, tool calls), in order. */
export function listAttempts(step: StepRecord, effects: readonly StepRecord[]): ListedAttempt[] {
  const owners = [step, ...effects.filter((e) => e.attempts.length > 0)];
  return owners.flatMap((record) =>
    record.attempts.map((attempt, i) => {
      const next = record.attempts[i + 1];
      const waitedMs = next && attempt.endedAt !== undefined ? next.startedAt - attempt.endedAt : undefined;
      return { where: effectName(step, record), attempt, waitedMs };
    }),
  );
}

/** `…/r2` → "round 2", `…/r2/tool0` → "round 2, tool call 1". */
function effectName(step: StepRecord, record: StepRecord): string {
  if (record === step) return '';
  const rest = record.key.slice(step.key.length + 1);
  return rest
    .split('/')
    .map((part) => part.replace(/^r(\d+)$/, 'round $1').replace(/^tool(\d+)$/, (_, n: string) => `tool call ${+n + 1}`))
    .join(', ');
}

/** Whether the attempts are worth listing: more than one, or one that did not succeed. */
export function hasRetries(listed: readonly ListedAttempt[]): boolean {
  const byWhere = new Map<string, number>();
  for (const { where } of listed) byWhere.set(where, (byWhere.get(where) ?? 0) + 1);
  return [...byWhere.values()].some((n) => n > 1);
}

const OUTCOME_WORDS: Record<Attempt['outcome'], string> = {
  running: 'running',
  ok: 'succeeded',
  error: 'failed',
  timeout: 'timed out',
  interrupted: 'cut off (the page closed or went offline)',
  cancelled: 'cancelled',
};

function attemptLine({ attempt }: ListedAttempt): string {
  const took = attempt.endedAt !== undefined ? ` after ${formatDuration(attempt.endedAt - attempt.startedAt)}` : '';
  const error = attempt.error ? `: ${attempt.error.message} (${attempt.error.category})` : '';
  return `${OUTCOME_WORDS[attempt.outcome]}${took}${error}`;
}

function waitLine({ attempt, waitedMs }: ListedAttempt): string | undefined {
  if (waitedMs === undefined) return undefined;
  const asked = attempt.error?.retryAfterMs;
  const server = asked !== undefined ? `, the server asked for ${formatDuration(asked)}` : '';
  return `waited ${formatDuration(Math.max(0, waitedMs))} before trying again${server}`;
}

/**
 * Every attempt with its error and the backoff wait that followed it; shown when a step retried, or
 * (`always`, the step inspector) whenever there is an attempt.
 */
export function Attempts({
  step,
  effects,
  always = false,
}: {
  step: StepRecord;
  effects: readonly StepRecord[];
  always?: boolean;
}) {
  const listed = listAttempts(step, effects);
  if (always ? listed.length === 0 : !hasRetries(listed)) return null;
  const failed = listed.filter((l) => l.attempt.outcome !== 'ok' && l.attempt.outcome !== 'running').length;
  return (
    <details className="step-attempts" open={step.status !== 'completed'}>
      <summary>
        {listed.length} attempt{listed.length === 1 ? '' : 's'}
        {failed > 0 ? `, ${failed} failed` : ''}
      </summary>
      <ol className="attempt-list">
        {listed.map((item) => (
          <li key={`${item.where}#${item.attempt.n}`} data-outcome={item.attempt.outcome}>
            <span className="attempt-n">
              {item.where ? `${item.where}, ` : ''}attempt {item.attempt.n}
            </span>{' '}
            {attemptLine(item)}
            {waitLine(item) && <span className="attempt-wait muted"> — {waitLine(item)}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}
