import type { RunRecord, WaitReason } from '../../engine/records';

/** The waits a person answers: approvals, events, host confirmations and budget questions. */
export type AnswerableWait = Extract<WaitReason, { kind: 'approval' | 'event' | 'host' | 'budget' }>;

const ANSWERABLE: ReadonlySet<WaitReason['kind']> = new Set(['approval', 'event', 'host', 'budget']);

/** One question in the inbox: the run that asks, and what it waits for. */
export interface PendingAnswer {
  /** Stable across renders: the run and the step (or effect) that waits, and the kind of wait. */
  id: string;
  run: RunRecord;
  wait: AnswerableWait;
}

function isAnswerable(wait: WaitReason): wait is AnswerableWait {
  return ANSWERABLE.has(wait.kind);
}

/** Every unanswered question of these runs, oldest run first (the one that has waited longest). */
export function pendingAnswers(runs: readonly RunRecord[]): PendingAnswer[] {
  return runs
    .filter((run) => run.status !== 'completed' && run.status !== 'failed' && run.status !== 'cancelled')
    .sort((a, b) => a.createdAt - b.createdAt)
    .flatMap((run) =>
      (run.waits ?? [])
        .filter(isAnswerable)
        .map((wait) => ({ id: `${run.id}|${wait.kind}|${wait.stepKey}`, run, wait })),
    );
}

/** "classify" from `run1:classify@each[2]/r1`: the step's slug, and its path when it has one. */
export function stepLabel(stepKey: string): string {
  const afterRun = stepKey.slice(stepKey.indexOf(':') + 1);
  const at = afterRun.indexOf('@');
  const slug = afterRun.slice(0, at);
  const path = afterRun
    .slice(at + 1)
    .replace(/(^|\/)r\d+(\/tool\d+)?$/, '')
    .replace(/\/$/, '');
  return path ? `${slug} (${path})` : slug;
}

/** The step key a wait's control belongs to: an effect's (`…/r2`, `…/r2/tool0`) is its step's. */
export function stepKeyOf(stepKey: string): string {
  return stepKey.replace(/\/r\d+(\/tool\d+)?$/, '');
}
