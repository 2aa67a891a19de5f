import type { DBOSClient } from '@dbos-inc/dbos-sdk';
import { BUDGET_CONTINUE } from '../engine/budget';
import { eventName } from '../engine/events';
import type { EventMessage, WaitingFor } from './dbosRuntime';

/**
 * The budget question on the server, answered by `tabflow approve RUN STEP` as the tab's Continue and by `--reject`
 * as its Stop. A model round over the run's cap waits (`DBOS.recv`) for a Continue on the engine's budget event of
 * that round (`budget:RUN:slug@path/r2`); `status` shows it. Continue sends it, once per round (its idempotency key
 * is the round's); Stop cancels the run, as the tab's Stop ends it `cancelled` over budget.
 */

export interface BudgetWait {
  workflowId: string;
  waitingFor: WaitingFor;
}

export type BudgetAnswer = 'continued' | 'stopped';

const BUDGET_PREFIX = eventName({ kind: 'budget', stepKey: '' });

/** The run's budget question at `STEP` (`slug` or `slug@path`): a round of that step waiting on the budget. */
export function budgetWaitFor(waits: readonly BudgetWait[], step: string): BudgetWait | undefined {
  const key = step.includes('@') ? step : `${step}@`;
  return waits.find((w) => w.waitingFor.event.startsWith(BUDGET_PREFIX) && w.waitingFor.stepKey.startsWith(`${key}/r`));
}

export async function answerBudgetWait(
  client: DBOSClient,
  runId: string,
  wait: BudgetWait,
  answer: { approved: boolean; note?: string },
): Promise<BudgetAnswer> {
  if (!answer.approved) {
    await client.cancelWorkflow(runId);
    return 'stopped';
  }
  const topic = wait.waitingFor.event;
  const message: EventMessage = { id: topic, payload: BUDGET_CONTINUE, sentAt: Date.now() };
  if (answer.note !== undefined) message.note = answer.note;
  await client.send(wait.workflowId, message, topic, topic);
  return 'continued';
}
