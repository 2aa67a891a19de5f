import { DBOS, type DBOSClient } from '@dbos-inc/dbos-sdk';
import type { ModelReply, ModelRound, ModelRunner } from '../engine/llmTypes';
import { EFFECT_TIMEOUT_MS } from '../schema/limits';
import type { RequestLimit } from '../cli/environment';
import { untilAborted } from '../engine/runtime';
import { recordedOutcome, unwrapRecorded, type Recorded } from './dbosRuntime';

/**
 * Provider request limits shared by every worker on the database: each model round to a limited provider is a small
 * DBOS workflow (`tabflowProviderRequest`) on that provider's queue, whose `rateLimit` and global concurrency DBOS
 * enforces in PostgreSQL for all workers at once. The run's own DBOS step for the round (`dbosRuntime.ts`, named by
 * the round's key) enqueues it and awaits its result, so the run's operations are the same as without a limit. The
 * request's workflow id is the round's key and attempt (`RUN:slug@path/r1#1`): a run recovered before its step was
 * recorded enqueues the same id again and gets the request that was (or is being) made, never a second one.
 */
export const REQUEST_WORKFLOW = 'tabflowProviderRequest';
const REQUEST_STEP = 'provider-request';

export function requestQueueName(providerId: string): string {
  return `tabflow-requests-${providerId}`;
}

interface ProviderRequest {
  round: ModelRound;
  idempotencyKey: string;
  attempt: number;
}

/** A request abandoned by its step (timeout, cancel) is cancelled; one already sent is cut off after this long. */
const REQUEST_BOUND_MS = EFFECT_TIMEOUT_MS.modelRound;

/** The request workflow: the round sent once, its reply or classified failure recorded as a DBOS step. */
export function registerRequestWorkflow(
  model: ModelRunner,
): (request: ProviderRequest) => Promise<Recorded<ModelReply>> {
  return DBOS.registerWorkflow(
    async (request: ProviderRequest): Promise<Recorded<ModelReply>> =>
      recordedOutcome(REQUEST_STEP, () =>
        model(request.round, {
          idempotencyKey: request.idempotencyKey,
          attempt: request.attempt,
          signal: AbortSignal.timeout(REQUEST_BOUND_MS),
          onTextDelta: () => undefined,
        }),
      ),
    { name: REQUEST_WORKFLOW },
  );
}

/** Every provider entry's queue, with the limit (the last worker to start sets it for all). */
export async function registerRequestQueues(providerIds: readonly string[], limit: RequestLimit): Promise<void> {
  for (const id of providerIds) {
    await DBOS.registerQueue(requestQueueName(id), {
      ...(limit.rate ? { rateLimit: limit.rate } : {}),
      ...(limit.concurrent ? { globalConcurrency: limit.concurrent } : {}),
      onConflict: 'always_update',
      minPollingIntervalMs: 100,
    });
  }
}

export interface QueuedModelDeps {
  client: DBOSClient;
  appVersion: string;
  /** The direct runner, for rounds the demo model answers (no provider, no queue). */
  model: ModelRunner;
  providerOf(round: ModelRound): Promise<string | undefined>;
}

/**
 * The model runner inside the run's step for a round: a round to a provider goes through its queue. Enqueued with
 * the client (a workflow cannot be started from inside a step), awaited until the step's signal fires.
 */
export function queuedModel(deps: QueuedModelDeps): ModelRunner {
  return async (round, call) => {
    const providerId = await deps.providerOf(round);
    if (providerId === undefined) return deps.model(round, call);
    const workflowID = `${call.idempotencyKey}#${call.attempt}`;
    const request: ProviderRequest = { round, idempotencyKey: call.idempotencyKey, attempt: call.attempt };
    const handle = await deps.client.enqueue<(request: ProviderRequest) => Promise<Recorded<ModelReply>>>(
      {
        queueName: requestQueueName(providerId),
        workflowName: REQUEST_WORKFLOW,
        workflowID,
        appVersion: deps.appVersion,
      },
      request,
    );
    try {
      return unwrapRecorded(await untilAborted(handle.getResult({ pollingIntervalMs: 100 }), call.signal));
    } catch (error) {
      if (call.signal.aborted) await deps.client.cancelWorkflow(workflowID).catch(() => undefined);
      throw error;
    }
  };
}
