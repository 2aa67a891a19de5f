import { DBOS } from '@dbos-inc/dbos-sdk';
import type { DurableWaits } from '../engine/durable';
import type { ModelRunner } from '../engine/llmTypes';
import { StepFailure } from '../engine/retry';
import type { StepError } from '../engine/records';
import { untilAborted, type Runners } from '../engine/runtime';

/**
 * The engine's effects and waits as DBOS operations of the run's workflow (workflowID = run id). DBOS numbers them
 * in the order they are issued and, on recovery, returns each recorded result in that order without running it
 * again; the step's name — the engine's stable key `slug@path` (`…/r0` for a model round) — is checked against the
 * recording, so a workflow that would issue them in another order fails loudly instead of mixing results.
 */

/** What an approval or event carries over `DBOSClient.send` (the topic is the engine's event name). */
export interface EventMessage {
  id: string;
  payload: unknown;
  sentAt: number;
  note?: string;
}

/** Set while a run waits for an event, cleared when it arrives: `status` shows it. */
export const WAITING_EVENT = 'tabflow.waiting';

export interface WaitingFor {
  stepKey: string;
  event: string;
  deadline?: number;
}

/** `runId:slug@path/r0` → `slug@path/r0`: the step's name in `dbos.operation_outputs`. */
export function stepName(runId: string, key: string): string {
  return key.startsWith(`${runId}:`) ? key.slice(runId.length + 1) : key;
}

export type Recorded<T> = { ok: true; value: T } | { ok: false; error: StepError };

/** A DBOS step whose classified failure is recorded as data (any other throw is DBOS's to record). */
export function recordedOutcome<T>(name: string, work: () => Promise<T>): Promise<Recorded<T>> {
  return DBOS.runStep(
    async (): Promise<Recorded<T>> => {
      try {
        return { ok: true, value: await work() };
      } catch (error) {
        if (error instanceof StepFailure) return { ok: false, error: error.stepError };
        throw error;
      }
    },
    { name },
  );
}

/** The value, or the recorded failure thrown again as the StepFailure it was. */
export function unwrapRecorded<T>(outcome: Recorded<T>): T {
  if (!outcome.ok) throw new StepFailure(outcome.error);
  return outcome.value;
}

/** A DBOS step whose classified failure is recorded as data, so a replay throws the same StepFailure. */
async function recordedStep<T>(name: string, work: () => Promise<T>): Promise<T> {
  return unwrapRecorded(await recordedOutcome(name, work));
}

export function dbosRunners(runId: string, runners: Runners): Runners {
  const { http, model } = runners;
  const wrapped: Runners = {};
  if (http)
    wrapped.http = (request, call) => recordedStep(stepName(runId, call.idempotencyKey), () => http(request, call));
  if (model) wrapped.model = dbosModel(runId, model);
  return wrapped;
}

function dbosModel(runId: string, model: ModelRunner): ModelRunner {
  return (round, call) => recordedStep(stepName(runId, call.idempotencyKey), () => model(round, call));
}

/** DBOS's longest wait per `recv` when a step waits without a deadline; it waits again after each. */
const RECV_CHUNK_SECONDS = 24 * 60 * 60;

export function dbosWaits(runId: string): DurableWaits {
  return {
    // DBOS records the wake time the first time; a recovered run asks again and wakes at that recorded time.
    sleepUntil: (_key, at, signal) => untilAborted(DBOS.sleep(Math.max(0, at - Date.now())), signal),
    receive: async (stepKey, name, deadline, signal) => {
      const waiting: WaitingFor = { stepKey: stepName(runId, stepKey), event: name };
      if (deadline !== undefined) waiting.deadline = deadline;
      await DBOS.setEvent<WaitingFor | null>(WAITING_EVENT, waiting);
      for (;;) {
        const seconds = deadline === undefined ? RECV_CHUNK_SECONDS : Math.max(0, (deadline - Date.now()) / 1000);
        const message = await untilAborted(DBOS.recv<EventMessage>(name, seconds), signal);
        if (message) {
          await DBOS.setEvent<WaitingFor | null>(WAITING_EVENT, null);
          return { kind: 'event', event: { ...message, runId, name } };
        }
        if (deadline !== undefined) {
          await DBOS.setEvent<WaitingFor | null>(WAITING_EVENT, null);
          return { kind: 'timeout' };
        }
      }
    },
  };
}
