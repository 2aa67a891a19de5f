import { LIMITS } from '../../schema/limits';
import type { StepOf } from '../../schema/steps';
import { ok, type StepOutcome } from '../frame';
import { failure } from '../retry';
import type { StepApi } from '../stepApi';

/** A step whose work happens in a child run. */

/** Deterministic: a replayed parent finds (never duplicates) the child it started. */
export function childRunId(parentKey: string): string {
  return `${parentKey.replace(/[:@]/g, '~')}`;
}

export async function subworkflowHandler(step: StepOf<'subworkflow'>, ctx: StepApi): Promise<StepOutcome> {
  if (ctx.run.depth + 1 > LIMITS.subworkflowDepth) {
    throw failure('validation', `subworkflows are nested more than ${LIMITS.subworkflowDepth} deep`, false);
  }
  const input = ctx.resolve(step.config.input ?? {});
  const childId = childRunId(ctx.key);
  ctx.begin({ childRunId: childId, input: { workflow: step.config.workflow, input } });
  await ctx.sync();
  const child = await ctx.runChild(childId, step.config.workflow, input);
  if (child.status === 'completed') return ok(child.output);
  const error = child.error ?? {
    message: `subworkflow "${step.config.workflow}" was ${child.status}`,
    category: 'internal' as const,
    retryable: false,
  };
  return error.category === 'timeout'
    ? { status: 'timeout', error }
    : { status: 'failed', error: { ...error, message: `subworkflow "${step.config.workflow}": ${error.message}` } };
}
