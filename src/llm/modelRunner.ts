import { createOpenAI } from '@ai-sdk/openai';
import type { JSONObject, LanguageModelV3 } from '@ai-sdk/provider';
import { jsonSchema, Output, stepCountIs, streamText, type JSONSchema7, type LanguageModelUsage } from 'ai';
import type { ModelCall, ModelReply, ModelRound, ModelRunner, ToolCall, Usage } from '../engine/llmTypes';
import { toModelFailure } from './errors';
import { toModelMessages, toModelTools } from './messages';
import { estimateCost, type ModelPrice } from './pricing';
import { providerBaseUrl, resolveWithKey, type ProviderConfig, type ProviderSettings } from './providers';
import { RequestWindow } from './rateLimit';
import { isStrictCompatible } from './structured';

export interface ModelRunnerDeps {
  settings(): Promise<ProviderSettings>;
  /** The stored API key of an entry, read at the moment of each round and never kept. */
  key(providerId: string): Promise<string | undefined>;
  /** The offline demo model (no network), used when no configured provider can answer. */
  demoModel(modelId: string): LanguageModelV3;
  /** Prices the user set per model (Settings), ahead of the built-in table; read per round. */
  prices?(): Promise<Readonly<Record<string, ModelPrice>>>;
  fetch?: typeof fetch;
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** Who answers one round, after aliases and fallbacks. */
interface Target {
  model: LanguageModelV3;
  provider: ProviderConfig | undefined;
  providerName: string;
  key: string | undefined;
  note: string | undefined;
}

/**
 * The engine's `ModelRunner` over the AI SDK. One round = one `streamText` step: no SDK tool loop
 * and no SDK retries (the engine journals every round and tool call and owns retries).
 */
export function createModelRunner(deps: ModelRunnerDeps): ModelRunner {
  const window = new RequestWindow(deps.now, deps.sleep);
  return async (round, call) => {
    const target = await resolveTarget(deps, round);
    if (target.provider) await window.acquire(target.provider.id, target.provider.requestsPerMinute, call.signal);
    const reply = await runRound(deps, target, round, call);
    return target.provider ? withCost(reply, (await deps.prices?.()) ?? {}) : reply;
  };
}

/** The round's estimated cost, when its model has a price (the demo model is never priced). */
function withCost(reply: ModelReply, prices: Readonly<Record<string, ModelPrice>>): ModelReply {
  const cost = estimateCost(reply.model, reply.usage, prices);
  return cost ? { ...reply, costUsd: cost.usd, priceSource: cost.source } : reply;
}

async function resolveTarget(deps: ModelRunnerDeps, round: ModelRound): Promise<Target> {
  const readKey = async (providerId: string) => (await deps.key(providerId))?.trim() || undefined;
  const { resolved, key } = await resolveWithKey(await deps.settings(), round.provider, round.model, readKey);
  if (resolved.kind === 'demo') {
    return {
      model: deps.demoModel(resolved.model),
      provider: undefined,
      providerName: 'demo',
      key: undefined,
      note: resolved.note,
    };
  }
  const { provider, model, note } = resolved;
  return { model: languageModel(provider, model, key, deps.fetch), provider, providerName: provider.name, key, note };
}

/** OpenAI itself over the Responses API; everything else over Chat Completions, which they all speak. */
function languageModel(
  provider: ProviderConfig,
  modelId: string,
  key: string | undefined,
  fetchFn: typeof fetch | undefined,
): LanguageModelV3 {
  const openai = createOpenAI({
    // Always a string: the SDK would otherwise look for OPENAI_API_KEY in the environment.
    apiKey: key ?? '',
    baseURL: providerBaseUrl(provider),
    fetch: key ? fetchFn : withoutAuthorization(fetchFn),
  });
  return provider.kind === 'openai' ? openai.responses(modelId) : openai.chat(modelId);
}

/** A keyless local server (Ollama, LM Studio) gets no empty `Authorization: Bearer` header. */
function withoutAuthorization(fetchFn: typeof fetch | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    return (fetchFn ?? globalThis.fetch)(input, { ...init, headers });
  };
}

async function runRound(
  deps: ModelRunnerDeps,
  target: Target,
  round: ModelRound,
  call: ModelCall,
): Promise<ModelReply> {
  const progress = { responded: false };
  try {
    // The answer is checked against the output schema by the engine, once per final round, whatever runner answered.
    return await streamRound(target, round, call, progress);
  } catch (error) {
    throw await toModelFailure(error, {
      providerName: target.providerName,
      baseUrl: target.provider ? providerBaseUrl(target.provider) : undefined,
      key: target.key,
      signal: call.signal,
      now: deps.now(),
      fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      responded: progress.responded,
    });
  }
}

async function streamRound(
  target: Target,
  round: ModelRound,
  call: ModelCall,
  progress: { responded: boolean },
): Promise<ModelReply> {
  const result = streamText({
    model: target.model,
    messages: toModelMessages(round.messages),
    allowSystemInMessages: true,
    ...(round.tools.length > 0 ? { tools: toModelTools(round.tools) } : {}),
    ...(round.outputSchema ? { output: Output.object({ schema: jsonSchema(round.outputSchema as JSONSchema7) }) } : {}),
    ...(round.temperature !== undefined ? { temperature: round.temperature } : {}),
    ...(round.maxOutputTokens !== undefined ? { maxOutputTokens: round.maxOutputTokens } : {}),
    providerOptions: providerOptions(target.provider, round),
    stopWhen: stepCountIs(1),
    maxRetries: 0,
    abortSignal: call.signal,
    // Errors arrive as stream parts below; the default handler would log them to the console.
    onError: () => {},
  });
  let text = '';
  const toolCalls: ToolCall[] = [];
  let finishReason = 'other';
  let usage: LanguageModelUsage | undefined;
  for await (const part of result.fullStream) {
    if (part.type === 'start-step') progress.responded = true;
    else if (part.type === 'text-delta') {
      text += part.text;
      call.onTextDelta(part.text);
    } else if (part.type === 'tool-call')
      toolCalls.push({ id: part.toolCallId, name: part.toolName, args: part.input });
    else if (part.type === 'finish-step') {
      finishReason = part.finishReason;
      usage = part.usage;
    } else if (part.type === 'error') throw part.error;
  }
  if (call.signal.aborted) throw call.signal.reason;
  const reply: ModelReply = {
    text,
    toolCalls,
    finishReason,
    usage: toUsage(usage),
    provider: target.providerName,
    model: target.model.modelId,
  };
  if (target.note) reply.note = target.note;
  return reply;
}

/**
 * The step's provider options, plus what this runner guarantees: OpenAI keeps no conversation state
 * (`store: false`: the thread lives in the browser), and strict structured output only for schemas
 * strict mode accepts.
 */
function providerOptions(provider: ProviderConfig | undefined, round: ModelRound): Record<string, JSONObject> {
  const options: Record<string, JSONObject> = {};
  for (const [name, value] of Object.entries(round.providerOptions ?? {})) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) options[name] = value as JSONObject;
  }
  const openai: JSONObject = { ...options.openai };
  if (round.outputSchema && openai.strictJsonSchema === undefined)
    openai.strictJsonSchema = isStrictCompatible(round.outputSchema);
  if (provider?.kind === 'openai') openai.store = false;
  if (Object.keys(openai).length > 0) options.openai = openai;
  return options;
}

function toUsage(usage: LanguageModelUsage | undefined): Usage {
  const out: Usage = {};
  const set = (field: keyof Usage, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out[field] = value;
  };
  set('inputTokens', usage?.inputTokens);
  set('outputTokens', usage?.outputTokens);
  set('reasoningTokens', usage?.outputTokenDetails?.reasoningTokens);
  set('cachedInputTokens', usage?.inputTokenDetails?.cacheReadTokens);
  set('totalTokens', usage?.totalTokens);
  return out;
}
