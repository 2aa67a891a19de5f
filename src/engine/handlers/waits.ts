import type { StepOf } from '../../schema/steps';
import { eventNameProblem } from '../events';
import { ok, type StepOutcome } from '../frame';
import { failure } from '../retry';
import type { StepApi } from '../stepApi';

/** Durable waits: the wake or deadline time is absolute and recorded before the wait begins. */

export async function waitHandler(step: StepOf<'wait'>, ctx: StepApi): Promise<StepOutcome> {
  const now = ctx.now();
  const wakeAt =
    step.config.durationMs !== undefined ? now + step.config.durationMs : parseTime(ctx.resolve(step.config.until));
  const record = ctx.begin({ status: 'waiting', wakeAt });
  await ctx.sync();
  // On resume the recorded wake time wins: a tab closed past it continues at once.
  await ctx.sleepUntil(record.wakeAt ?? wakeAt);
  return ok({ wokeAt: record.wakeAt ?? wakeAt });
}

function parseTime(value: unknown): number {
  const time = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time))
    throw failure('validation', `"until" must resolve to a date or a time in ms; got ${JSON.stringify(value)}`, false);
  return time;
}

export async function approvalHandler(step: StepOf<'approval'>, ctx: StepApi): Promise<StepOutcome> {
  const prompt = String(ctx.resolve(step.config.prompt));
  const deadline = step.config.timeoutMs === undefined ? undefined : ctx.now() + step.config.timeoutMs;
  ctx.begin({ status: 'waiting', input: { prompt }, ...(deadline !== undefined ? { wakeAt: deadline } : {}) });
  const answer = await ctx.waitForEvent({ kind: 'approval', stepKey: ctx.key }, deadline, {
    kind: 'approval',
    stepKey: ctx.key,
    prompt,
  });
  if (answer.kind === 'timeout') {
    return {
      status: 'timeout',
      error: { message: `no answer within ${step.config.timeoutMs} ms`, category: 'timeout', retryable: false },
    };
  }
  const payload = (answer.event.payload ?? {}) as { approved?: unknown; note?: unknown };
  const approved = payload.approved === true;
  const output = {
    approved,
    ...(typeof payload.note === 'string' ? { note: payload.note } : {}),
    at: answer.event.sentAt,
  };
  return ok(output, approved ? 'approved' : 'rejected');
}

export async function eventHandler(step: StepOf<'event'>, ctx: StepApi): Promise<StepOutcome> {
  const deadline = step.config.timeoutMs === undefined ? undefined : ctx.now() + step.config.timeoutMs;
  const reason = {
    kind: 'event',
    stepKey: ctx.key,
    name: step.config.event,
    ...(deadline !== undefined ? { timeoutAt: deadline } : {}),
  } as const;
  const problem = eventNameProblem(step.config.event);
  if (problem) throw failure('validation', `event "${step.config.event}": ${problem}`, false);
  const answer = await ctx.waitForEvent({ kind: 'named', name: step.config.event }, deadline, reason);
  if (answer.kind === 'timeout') {
    return {
      status: 'timeout',
      error: {
        message: `event "${step.config.event}" did not arrive within ${step.config.timeoutMs} ms`,
        category: 'timeout',
        retryable: false,
      },
    };
  }
  return ok(answer.event.payload);
}
