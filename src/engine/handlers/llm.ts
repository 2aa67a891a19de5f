import { validateJsonSchema } from '../../schema/jsonSchemaValidator';
import { EFFECT_TIMEOUT_MS } from '../../schema/limits';
import type { StepOf, ToolName } from '../../schema/steps';
import type { StepContext } from '../context';
import { LLM_ROUND } from '../driver';
import type { StepOutcome } from '../interpreter';
import type { ChatMessage, ModelReply, ToolSpec, Usage } from '../llmTypes';
import { failure, StepFailure } from '../retry';
import { TOOL_SPECS } from '../tools';
import { ok } from './basic';
import { runTool } from './llmTools';

/** Streamed text is checkpointed on the attempt at most this often (it survives a reload there). */
export const PARTIAL_CHECKPOINT_MS = 500;
const DEFAULT_TOOL_ROUNDTRIPS = 5;

/** Which conversation an LLM step talks in: `llmNode.thread` wins, else the workflow type decides. */
export function threadIdFor(ctx: StepContext, thread: string | undefined): string {
  const runId = ctx.driver.runId;
  const shared = ctx.driver.compiled.definition.workflowConfig.workflowType === 'dynamic_orchestration';
  const choice = thread ?? (shared ? 'run' : 'own');
  if (choice === 'own') return ctx.key;
  // Inside a for-each loop each iteration has its own copy of the run's thread.
  if (choice === 'run') return ctx.frame.loop ? `${runId}:thread@${ctx.frame.path}` : `${runId}:thread`;
  return `${runId}:thread:${choice}`;
}

interface Conversation {
  threadId: string;
  systemPrompt: string | undefined;
  node: StepOf<'llm'>['config']['llmNode'];
}

/**
 * An LLM step: the prompt is saved in the thread before the first call; each model round
 * (`…/r2`) and each tool call (`…/r2/tool0`) is its own journaled effect, so a retry after a crash
 * replays recorded rounds and calls the model only from the first unrecorded one.
 */
export async function llmHandler(step: StepOf<'llm'>, ctx: StepContext): Promise<StepOutcome> {
  const node = step.config.llmNode;
  const systemPrompt = node.systemPrompt === undefined ? undefined : String(ctx.resolve(node.systemPrompt));
  const userPrompt = String(ctx.resolve(node.userPrompt));
  const conversation: Conversation = { threadId: threadIdFor(ctx, node.thread), systemPrompt, node };
  ctx.begin({ input: { systemPrompt, userPrompt, threadId: conversation.threadId, provider: node.provider, model: node.model, tools: node.tools } });
  await ctx.driver.threads.ensure(conversation.threadId, `${ctx.key}/prompt`, { role: 'user', content: userPrompt });
  const tools = node.tools.map((name) => TOOL_SPECS[name as ToolName]);
  const maxRoundtrips = node.maxToolRoundtrips ?? DEFAULT_TOOL_ROUNDTRIPS;
  const usage: Required<Usage> = { inputTokens: 0, outputTokens: 0, reasoningTokens: 0, cachedInputTokens: 0, totalTokens: 0 };
  let costUsd: number | undefined;
  for (let round = 1; ; round++) {
    // After the allowed tool roundtrips, one last round without tools asks for the answer.
    const reply = await runRound(ctx, conversation, round, round <= maxRoundtrips ? tools : []);
    addUsage(usage, reply.usage);
    if (reply.costUsd !== undefined) costUsd = (costUsd ?? 0) + reply.costUsd;
    ctx.setMeta({ provider: reply.provider, model: reply.model, usage, rounds: round, ...(costUsd !== undefined ? { costUsd } : {}), ...(reply.note ? { note: reply.note } : {}) });
    if (reply.toolCalls.length === 0 || round > maxRoundtrips) return ok(finalOutput(node.outputSchema, reply.text));
    for (const [index, call] of reply.toolCalls.entries()) {
      await runTool(ctx, `${ctx.key}/r${round}/tool${index}`, call, conversation.threadId);
    }
  }
}

function assistantMessage(reply: ModelReply): ChatMessage {
  return reply.toolCalls.length > 0 ? { role: 'assistant', content: reply.text, toolCalls: reply.toolCalls } : { role: 'assistant', content: reply.text };
}

/** Puts a round's answer in its thread (once), naming what answered it. */
function keepAnswer(ctx: StepContext, conversation: Conversation, key: string, reply: ModelReply): Promise<void> {
  return ctx.driver.threads.ensure(conversation.threadId, key, assistantMessage(reply), { provider: reply.provider, model: reply.model });
}

async function runRound(ctx: StepContext, conversation: Conversation, round: number, tools: ToolSpec[]): Promise<ModelReply> {
  const { driver } = ctx;
  const key = `${ctx.key}/r${round}`;
  const recorded = driver.journal.records.get(key);
  if (recorded?.status === 'completed') {
    const reply = recorded.output as ModelReply;
    await keepAnswer(ctx, conversation, key, reply);
    return reply;
  }
  checkBudget(ctx);
  const network = driver.deps.network;
  if (!network?.neededFor || (await network.neededFor(conversation.node.provider, conversation.node.model))) await driver.untilOnline(ctx.signal, key);
  const keys = driver.deps.keys;
  if (keys && (await keys.blocks(conversation.node.provider))) {
    await driver.waiting(() => keys.untilUnlocked(ctx.signal), { kind: 'keys-locked', stepKey: key, provider: conversation.node.provider });
  }
  const sub = driver.contextFor(ctx.step, ctx.frame, key, recorded, ctx.logicalNow, { parentKey: ctx.key, stepType: LLM_ROUND });
  const history = await driver.threads.messages(conversation.threadId);
  const messages: ChatMessage[] = conversation.systemPrompt === undefined ? history : [{ role: 'system', content: conversation.systemPrompt }, ...history];
  let reply: ModelReply;
  try {
    reply = await sub.attempt((call) => callModel(ctx, sub, conversation, { messages, tools }, call), { defaultMs: EFFECT_TIMEOUT_MS.modelRound, what: 'a model round' });
  } catch (error) {
    if (error instanceof StepFailure) sub.finish({ status: 'failed', error: error.stepError });
    throw error;
  }
  sub.finish({ status: 'ok', output: reply });
  driver.spend(reply);
  await keepAnswer(ctx, conversation, key, reply);
  return reply;
}

async function callModel(
  ctx: StepContext, sub: StepContext, conversation: Conversation,
  round: { messages: ChatMessage[]; tools: ToolSpec[] }, call: { idempotencyKey: string; attempt: number; signal: AbortSignal },
): Promise<ModelReply> {
  const { driver } = ctx;
  const { node } = conversation;
  let text = '';
  let checkpointAt = driver.deps.clock.now() + PARTIAL_CHECKPOINT_MS;
  const reply = await driver.deps.runners.model!({
    provider: node.provider, model: node.model, messages: round.messages, tools: round.tools,
    outputSchema: node.outputSchema, temperature: node.temperature, maxOutputTokens: node.maxOutputTokens, providerOptions: node.providerOptions,
  }, {
    ...call,
    onTextDelta(delta) {
      text += delta;
      driver.deps.onStream?.(driver.runId, ctx.key, text);
      if (driver.deps.clock.now() >= checkpointAt) {
        checkpointAt = driver.deps.clock.now() + PARTIAL_CHECKPOINT_MS;
        sub.checkpointPartial(text);
      }
    },
  });
  // An answer that breaks the output schema is a retryable error of this round.
  if (node.outputSchema && reply.toolCalls.length === 0) finalOutput(node.outputSchema, reply.text);
  return reply;
}

/** The step's output: the parsed, validated object with an output schema, else the text. */
function finalOutput(schema: Record<string, unknown> | undefined, text: string): unknown {
  if (!schema) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw failure('server', "the model's answer is not JSON, but the step has an output schema", true);
  }
  const result = validateJsonSchema(schema, value);
  if (result.valid) return value;
  const first = result.errors[0];
  // A schema that cannot be used fails every answer: asking the model again would not help.
  if (result.cause === 'schema') throw failure('validation', `the step's output schema cannot be used: ${first.message} (at ${first.schemaPath})`, false);
  throw failure('server', `the model's answer did not match the output schema: ${first ? `#${first.instancePath}: ${first.message}` : 'invalid'}`, true);
}

/** Per-run caps: reaching one fails the next LLM step, before it spends anything. */
function checkBudget(ctx: StepContext): void {
  const limits = ctx.driver.compiled.definition.workflowConfig.config?.limits;
  const { tokens, costUsd } = ctx.driver.spent;
  if (limits?.maxTokensPerRun !== undefined && tokens >= limits.maxTokensPerRun) {
    throw failure('validation', `this run reached its cap of ${limits.maxTokensPerRun} tokens (${tokens} used)`, false);
  }
  if (limits?.maxCostUsdPerRun !== undefined && costUsd >= limits.maxCostUsdPerRun) {
    throw failure('validation', `this run reached its cost cap of $${limits.maxCostUsdPerRun} (about $${costUsd.toFixed(4)} used)`, false);
  }
}

function addUsage(total: Required<Usage>, usage: Usage): void {
  total.inputTokens += usage.inputTokens ?? 0;
  total.outputTokens += usage.outputTokens ?? 0;
  total.reasoningTokens += usage.reasoningTokens ?? 0;
  total.cachedInputTokens += usage.cachedInputTokens ?? 0;
  total.totalTokens += usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}
