import { EFFECT_TIMEOUT_MS } from '../../schema/limits';
import type { StepOf, ToolName } from '../../schema/steps';
import { effectKey, ok, type StepOutcome } from '../frame';
import type { ChatMessage, ModelReply, ToolSpec, Usage } from '../llmTypes';
import { untilWithinBudget } from '../budget';
import type { EffectCall } from '../runtime';
import { LLM_ROUND, type StepApi } from '../stepApi';
import { structuredAnswer } from '../structuredOutput';
import { TOOL_SPECS } from '../tools';
import { runTool } from './llmTools';

/** Streamed text is checkpointed on the attempt at most this often (it survives a reload there). */
export const PARTIAL_CHECKPOINT_MS = 500;
const DEFAULT_TOOL_ROUNDTRIPS = 5;

/** Which conversation an LLM step talks in: `llmNode.thread` wins, else the workflow type decides. */
export function threadIdFor(ctx: StepApi, thread: string | undefined): string {
  const runId = ctx.run.id;
  const shared = ctx.workflow.workflowType === 'dynamic_orchestration';
  const choice = thread ?? (shared ? 'run' : 'own');
  // Disjoint from every step key (`runId:slug@path`, no ':' or '/' in a slug): `…:thread`, `…:thread/path`,
  // `…:thread:name`.
  if (choice === 'own') return ctx.key;
  // Inside a for-each loop each iteration has its own copy of the run's thread.
  if (choice === 'run') return ctx.frame.loop ? `${runId}:thread/${ctx.frame.path}` : `${runId}:thread`;
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
export async function llmHandler(step: StepOf<'llm'>, ctx: StepApi): Promise<StepOutcome> {
  const node = step.config.llmNode;
  const systemPrompt = node.systemPrompt === undefined ? undefined : String(ctx.resolve(node.systemPrompt));
  const userPrompt = String(ctx.resolve(node.userPrompt));
  const conversation: Conversation = { threadId: threadIdFor(ctx, node.thread), systemPrompt, node };
  ctx.begin({
    input: {
      systemPrompt,
      userPrompt,
      threadId: conversation.threadId,
      provider: node.provider,
      model: node.model,
      tools: node.tools,
    },
  });
  await ctx.keepMessage(conversation.threadId, effectKey(ctx.key, 'prompt'), { role: 'user', content: userPrompt });
  const tools = node.tools.map((name) => TOOL_SPECS[name as ToolName]);
  const maxRoundtrips = node.maxToolRoundtrips ?? DEFAULT_TOOL_ROUNDTRIPS;
  const usage: Required<Usage> = {
    inputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    cachedInputTokens: 0,
    totalTokens: 0,
  };
  let costUsd: number | undefined;
  for (let round = 1; ; round++) {
    // After the allowed tool roundtrips, one last round without tools asks for the answer.
    const reply = await runRound(ctx, conversation, round, round <= maxRoundtrips ? tools : [], round > maxRoundtrips);
    addUsage(usage, reply.usage);
    if (reply.costUsd !== undefined) costUsd = (costUsd ?? 0) + reply.costUsd;
    ctx.setMeta({
      provider: reply.provider,
      model: reply.model,
      usage,
      rounds: round,
      ...(costUsd !== undefined ? { costUsd } : {}),
      ...(reply.priceSource ? { priceSource: reply.priceSource } : {}),
      ...(reply.note ? { note: reply.note } : {}),
    });
    // The final round's answer was checked against the output schema when it was recorded.
    if (reply.toolCalls.length === 0 || round > maxRoundtrips)
      return ok(node.outputSchema ? JSON.parse(reply.text) : reply.text);
    for (const [index, call] of reply.toolCalls.entries()) {
      await runTool(ctx, `r${round}/tool${index}`, call, conversation.threadId);
    }
  }
}

function assistantMessage(reply: ModelReply): ChatMessage {
  return reply.toolCalls.length > 0
    ? { role: 'assistant', content: reply.text, toolCalls: reply.toolCalls }
    : { role: 'assistant', content: reply.text };
}

/** Puts a round's answer in its thread (once), naming what answered it. */
function keepAnswer(ctx: StepApi, conversation: Conversation, key: string, reply: ModelReply): Promise<void> {
  return ctx.keepMessage(conversation.threadId, key, assistantMessage(reply), {
    provider: reply.provider,
    model: reply.model,
  });
}

/** One model round, journaled as its own effect: a recorded round replays without calling the model. */
async function runRound(
  ctx: StepApi,
  conversation: Conversation,
  round: number,
  tools: ToolSpec[],
  last: boolean,
): Promise<ModelReply> {
  const name = `r${round}`;
  const reply = await ctx.effect(name, LLM_ROUND, async (sub) => {
    await untilWithinBudget(sub);
    await ctx.untilModelReady(conversation.node.provider, conversation.node.model, sub.key);
    const history = await ctx.threadMessages(conversation.threadId);
    const messages: ChatMessage[] =
      conversation.systemPrompt === undefined
        ? history
        : [{ role: 'system', content: conversation.systemPrompt }, ...history];
    const answer = await sub.attempt((call) => callModel(sub, conversation, { messages, tools, last }, call), {
      defaultMs: EFFECT_TIMEOUT_MS.modelRound,
      what: 'a model round',
    });
    ctx.spend(answer);
    return answer;
  });
  await keepAnswer(ctx, conversation, effectKey(ctx.key, name), reply);
  return reply;
}

async function callModel(
  sub: StepApi,
  conversation: Conversation,
  round: { messages: ChatMessage[]; tools: ToolSpec[]; last: boolean },
  call: EffectCall,
): Promise<ModelReply> {
  const { node } = conversation;
  let text = '';
  let checkpointAt = sub.now() + PARTIAL_CHECKPOINT_MS;
  const reply = await sub.model(
    {
      provider: node.provider,
      model: node.model,
      messages: round.messages,
      tools: round.tools,
      outputSchema: node.outputSchema,
      temperature: node.temperature,
      maxOutputTokens: node.maxOutputTokens,
      providerOptions: node.providerOptions,
    },
    {
      ...call,
      onTextDelta(delta) {
        text += delta;
        const checkpoint = sub.now() >= checkpointAt;
        if (checkpoint) checkpointAt = sub.now() + PARTIAL_CHECKPOINT_MS;
        sub.streamed(text, checkpoint);
      },
    },
  );
  // An answer that breaks the output schema is a retryable error of this round.
  if (node.outputSchema && (reply.toolCalls.length === 0 || round.last))
    structuredAnswer(node.outputSchema, reply.text);
  return reply;
}

function addUsage(total: Required<Usage>, usage: Usage): void {
  total.inputTokens += usage.inputTokens ?? 0;
  total.outputTokens += usage.outputTokens ?? 0;
  total.reasoningTokens += usage.reasoningTokens ?? 0;
  total.cachedInputTokens += usage.cachedInputTokens ?? 0;
  total.totalTokens += usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}
