import { DBOSClient, type WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { randomUUID } from 'node:crypto';
import pg, { type Pool } from 'pg';
import { compileWorkflow } from '../engine/compile';
import { eventName, eventNameProblem } from '../engine/events';
import { checkInput } from '../engine/input';
import { forgetAnswer, recordAnswer, type Answer } from './answers';
import { BRANCH_WORKFLOW } from './branchWorkflow';
import { answerBudgetWait, budgetWaitFor } from './budgetAnswer';
import { pendingBranchFor } from './answerRouting';
import { childStatuses, type ChildStatus } from './childStatus';
import { WAITING_EVENT, type EventMessage, type WaitingFor } from './dbosRuntime';
import { RUN_QUEUE, RUN_WORKFLOW, type RunRequest, type RunResult } from './runWorkflow';
import { APPLICATION_NAME, APPLICATION_VERSION } from './worker';

/** A command's refusal: printed as it is, exit code 1 (never a stack trace). */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** The client and a pool on the same database, for the commands that read or write our own tables too. */
export async function withDatabase<T>(
  databaseUrl: string,
  work: (client: DBOSClient, pool: Pool) => Promise<T>,
): Promise<T> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    return await withClient(databaseUrl, (client) => work(client, pool));
  } finally {
    await pool.end();
  }
}

export async function withClient<T>(databaseUrl: string, work: (client: DBOSClient) => Promise<T>): Promise<T> {
  const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl, applicationName: APPLICATION_NAME });
  try {
    return await work(client);
  } finally {
    await client.destroy();
  }
}

/** Checks the workflow and its input here, before anything is queued; returns the run id (the workflow ID). */
export async function submitRun(client: DBOSClient, request: RunRequest, runId?: string): Promise<string> {
  const compiled = compileWorkflow(request.workflow);
  checkInput(compiled, request.input);
  const id = runId ?? randomUUID();
  await client.enqueue(
    { queueName: RUN_QUEUE, workflowName: RUN_WORKFLOW, workflowID: id, appVersion: APPLICATION_VERSION },
    request,
  );
  return id;
}

export interface RunStatus {
  id: string;
  /** DBOS's status: ENQUEUED, PENDING, SUCCESS, ERROR, CANCELLED… */
  dbosStatus: string;
  executorId?: string;
  /** The run's own outcome once its workflow has returned. */
  result?: RunResult;
  /** Recorded DBOS operations by name, in order (`slug@path` for effects). */
  operations: string[];
  waitingFor?: WaitingFor;
  error?: string;
  /** Its child workflows (multi-step branches, subworkflow steps), their operations and waits (`childStatus.ts`). */
  children?: ChildStatus[];
}

export async function runStatus(client: DBOSClient, runId: string): Promise<RunStatus> {
  const status = await client.getWorkflow(runId);
  if (!status) throw new CommandError(`no run has the id "${runId}" in this database`);
  const steps = (await client.listWorkflowSteps(runId)) ?? [];
  const result: RunStatus = { id: runId, dbosStatus: status.status, operations: steps.map((s) => s.name) };
  if (status.executorId) result.executorId = status.executorId;
  if (status.status === 'SUCCESS') result.result = status.output as RunResult;
  if (status.status === 'ERROR') result.error = describeError(status.error);
  if (status.status === 'PENDING') {
    const waiting = (await waitsOf(client, runId))[0];
    if (waiting) result.waitingFor = waiting.waitingFor;
  }
  const children = await childStatuses(client, runId);
  if (children.length > 0) result.children = children;
  return result;
}

/** What the run waits for now: its own workflow's wait, then those of its branches' child workflows. */
export async function waitsOf(
  client: DBOSClient,
  runId: string,
): Promise<Array<{ workflowId: string; waitingFor: WaitingFor }>> {
  const branches = await client.listWorkflows({
    workflow_id_prefix: `${runId}:`,
    workflowName: BRANCH_WORKFLOW,
    status: 'PENDING',
    loadInput: false,
  });
  const waits: Array<{ workflowId: string; waitingFor: WaitingFor }> = [];
  for (const workflowId of [runId, ...branches.map((b) => b.workflowID)]) {
    const waitingFor = await client.getEvent<WaitingFor | null>(workflowId, WAITING_EVENT, 0);
    if (waitingFor) waits.push({ workflowId, waitingFor });
  }
  return waits;
}

/** A message goes to the workflow waiting for its topic: a step inside a multi-step branch waits in its child. */
async function destinationOf(client: DBOSClient, runId: string, topic: string): Promise<string> {
  const waiting = (await waitsOf(client, runId)).find((w) => w.waitingFor.event === topic)?.workflowId;
  return waiting ?? (await pendingBranchFor(client, runId, topic)) ?? runId;
}

export async function listRuns(client: DBOSClient, limit = 50): Promise<WorkflowStatus[]> {
  return client.listWorkflows({ workflowName: RUN_WORKFLOW, sortDesc: true, limit, loadInput: false });
}

/** `STEP` as `slug` or `slug@path` (a step inside a loop or branch). */
export function approvalTopic(runId: string, step: string): string {
  const key = step.includes('@') ? step : `${step}@`;
  return eventName({ kind: 'approval', stepKey: `${runId}:${key}` });
}

/** `STEP` as the step's key within its run: `slug@` or `slug@path`. */
const stepKeyOf = (step: string) => (step.includes('@') ? step : `${step}@`);

/** Whether the answer went out now, or was the very answer (and key) sent before, sent again (DBOS keeps one). */
export type ApprovalSent = 'sent' | 'repeated';

/**
 * An approval is one decision per step: unless told otherwise its idempotency key is the run and step, so a second
 * send (a retried command, a double click) is dropped by DBOS and the step consumes one answer. A different second
 * answer (a `--reject` after an approve, or another key) is refused, naming the first (`answers.ts`).
 */
export async function approveStep(
  client: DBOSClient,
  pool: Pool,
  args: { runId: string; step: string; approved: boolean; note?: string; idempotencyKey?: string },
): Promise<ApprovalSent> {
  await requireRun(client, args.runId);
  // At a round waiting on the run's budget, approve is its Continue and --reject its Stop (`budgetAnswer.ts`).
  const budget = budgetWaitFor(await waitsOf(client, args.runId), args.step);
  if (budget) return (await answerBudgetWait(client, args.runId, budget, args), 'sent');
  const payload = args.note === undefined ? { approved: args.approved } : { approved: args.approved, note: args.note };
  const key = args.idempotencyKey ?? `approval:${args.runId}:${args.step}`;
  const recorded = await recordAnswer(pool, args.runId, stepKeyOf(args.step), {
    approved: args.approved,
    idempotencyKey: key,
  });
  if (recorded.kind === 'answered-before') refuseSecondAnswer(args, key, recorded.answer, recorded.at);
  const message: EventMessage = { id: key, payload, sentAt: Date.now() };
  if (args.note !== undefined) message.note = args.note;
  const topic = approvalTopic(args.runId, args.step);
  try {
    await client.send(await destinationOf(client, args.runId, topic), message, topic, key);
  } catch (error) {
    if (recorded.kind === 'first') await forgetAnswer(pool, args.runId, stepKeyOf(args.step));
    throw error;
  }
  return recorded.kind === 'first' ? 'sent' : 'repeated';
}

function refuseSecondAnswer(
  args: { runId: string; step: string; approved: boolean },
  key: string,
  first: Answer,
  at: Date,
): void {
  if (first.approved === args.approved && first.idempotencyKey === key) return;
  const was = first.approved ? 'approved' : 'rejected';
  const what =
    args.approved === first.approved
      ? 'second approval (another idempotency key)'
      : args.approved
        ? 'approval'
        : 'rejection';
  throw new CommandError(
    `step ${args.step} of run ${args.runId} was already ${was} (${at.toISOString()}): this ${what} was not sent`,
  );
}

export async function sendRunEvent(
  client: DBOSClient,
  args: { runId: string; event: string; payload: unknown; idempotencyKey?: string },
): Promise<void> {
  const problem = eventNameProblem(args.event);
  if (problem) throw new CommandError(`event "${args.event.slice(0, 200)}": ${problem}`);
  await requireRun(client, args.runId);
  const key = args.idempotencyKey ?? randomUUID();
  const message: EventMessage = { id: key, payload: args.payload, sentAt: Date.now() };
  const topic = eventName({ kind: 'named', name: args.event });
  await client.send(await destinationOf(client, args.runId, topic), message, topic, key);
}

export async function cancelRun(client: DBOSClient, runId: string): Promise<void> {
  await requireRun(client, runId);
  // Its branches' and subworkflows' child workflows stop with it.
  await client.cancelWorkflow(runId, { cancelChildren: true });
}

async function requireRun(client: DBOSClient, runId: string): Promise<void> {
  if (!(await client.getWorkflow(runId))) throw new CommandError(`no run has the id "${runId}" in this database`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}
