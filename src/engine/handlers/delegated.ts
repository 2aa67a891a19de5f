import { LIMITS } from '../../schema/limits';
import type { StepOf } from '../../schema/steps';
import type { StepContext } from '../context';
import type { StepOutcome } from '../interpreter';
import { failure } from '../retry';
import { ok } from './basic';

/** A step whose work happens in a child run. */

/** Deterministic: a replayed parent finds (never duplicates) the child it started. */
export function childRunId(parentKey: string): string {
  return `${parentKey.replace(/[:@]/g, '~')}`;
}

export async function subworkflowHandler(step: StepOf<'subworkflow'>, ctx: StepContext): Promise<StepOutcome> {
  const host = ctx.driver.host;
  if (ctx.driver.run.depth + 1 > LIMITS.subworkflowDepth) {
    throw failure('validation', `subworkflows are nested more than ${LIMITS.subworkflowDepth} deep`, false);
  }
  const input = ctx.resolve(step.config.input ?? {});
  const childId = childRunId(ctx.key);
  ctx.begin({ childRunId: childId, input: { workflow: step.config.workflow, input } });
  await ctx.driver.durably(ctx.driver.journal.sync());
  await host.ensureChildRun({ id: childId, workflowName: step.config.workflow, input, parent: ctx.driver.run, parentStepKey: ctx.key });
  const child = await ctx.driver.waiting(() => host.awaitRun(childId, ctx.signal), { kind: 'child-run', stepKey: ctx.key, runId: childId, workflow: step.config.workflow });
  if (child.status === 'completed') return ok(child.output);
  const error = child.error ?? { message: `subworkflow "${step.config.workflow}" was ${child.status}`, category: 'internal' as const, retryable: false };
  return error.category === 'timeout' ? { status: 'timeout', error } : { status: 'failed', error: { ...error, message: `subworkflow "${step.config.workflow}": ${error.message}` } };
}
