import { LIMITS } from '../../schema/limits';
import type { StepOf } from '../../schema/steps';
import type { StepContext } from '../context';
import type { StepOutcome } from '../interpreter';
import { failure } from '../retry';
import { ok } from './basic';

/** Steps whose work happens elsewhere: a model (through the llm runner) or a child run. */

/** Which conversation an LLM step talks in: `llmNode.thread` wins, else the workflow type decides. */
export function threadIdFor(ctx: StepContext, thread: string | undefined): string {
  const runId = ctx.driver.runId;
  const shared = ctx.driver.compiled.definition.workflowConfig.workflowType === 'dynamic_orchestration';
  const choice = thread ?? (shared ? 'run' : 'own');
  if (choice === 'own') return `${ctx.key}`;
  if (choice === 'run') return ctx.frame.loop ? `${runId}:thread@${ctx.frame.path}` : `${runId}:thread`;
  return `${runId}:thread:${choice}`;
}

export async function llmHandler(step: StepOf<'llm'>, ctx: StepContext): Promise<StepOutcome> {
  const llm = ctx.driver.deps.runners.llm;
  if (!llm) throw failure('internal', 'no language model is available here', false);
  const node = step.config.llmNode;
  const systemPrompt = node.systemPrompt === undefined ? undefined : String(ctx.resolve(node.systemPrompt));
  const userPrompt = String(ctx.resolve(node.userPrompt));
  const threadId = threadIdFor(ctx, node.thread);
  ctx.begin({ input: { systemPrompt, userPrompt, threadId, model: node.model, provider: node.provider } });
  const definition = ctx.driver.compiled.definition.workflowConfig;
  const output = await ctx.attempt((call) => llm({
    key: ctx.key,
    runId: ctx.driver.runId,
    node,
    systemPrompt,
    userPrompt,
    threadId,
    workflowType: definition.workflowType ?? 'predefined',
    allowedHosts: definition.config?.allowedHosts ?? [],
  }, call));
  return ok(output);
}

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
  const child = await ctx.driver.waiting(() => host.awaitRun(childId, ctx.signal), `subworkflow ${step.config.workflow}`);
  if (child.status === 'completed') return ok(child.output);
  const error = child.error ?? { message: `subworkflow "${step.config.workflow}" was ${child.status}`, category: 'internal' as const, retryable: false };
  return error.category === 'timeout' ? { status: 'timeout', error } : { status: 'failed', error: { ...error, message: `subworkflow "${step.config.workflow}": ${error.message}` } };
}
