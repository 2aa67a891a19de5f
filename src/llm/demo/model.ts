import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { chunkText, durationMs, estimateTokens, pause, TOKENS_PER_WORD, truncateToTokens } from './pacing';
import { decideReply, type DemoReply } from './reply';

export const DEMO_PROVIDER = 'demo';
export const DEMO_MODEL_ID = 'demo-1';
export const DEFAULT_TOKENS_PER_SECOND = 60;

export interface DemoModelOptions {
  modelId?: string;
  /** Paces the output; a fake sleep makes tests instant. Must resolve after `ms` (or reject on abort). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Output speed; default 60. */
  tokensPerSecond?: number;
}

/** Whether a model id names the demo model: `demo`, `demo-1`, `demo-fast`… (an id like `gpt-4o-mini` does not). */
export function isDemoModelId(id: string): boolean {
  return /^demo(?:-[\w.-]+)?$/.test(id);
}

/** A planned answer: the same for doGenerate and doStream, so both give identical content. */
interface Plan {
  reply: DemoReply;
  seed: number;
  responseId: string;
  usage: LanguageModelV3Usage;
  finishReason: LanguageModelV3FinishReason;
}

/**
 * The offline demo model: no network, and its answer is a function of the prompt (messages, tools,
 * response format), so a replay or a test reproduces it exactly. Only timing comes from `sleep`.
 */
export function createDemoModel(options: DemoModelOptions): LanguageModelV3 {
  const modelId = options.modelId ?? DEMO_MODEL_ID;
  const tokensPerSecond = options.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
  if (!(tokensPerSecond > 0)) throw new RangeError(`tokensPerSecond must be positive, got ${tokensPerSecond}`);
  const { sleep } = options;
  return {
    specificationVersion: 'v3',
    provider: DEMO_PROVIDER,
    modelId,
    supportedUrls: {},
    async doGenerate(call): Promise<LanguageModelV3GenerateResult> {
      const plan = planReply(call);
      // Not streamed, but just as slow: the whole answer's time in one wait.
      await pause(sleep, durationMs(outputText(plan.reply), tokensPerSecond), call.abortSignal);
      return {
        content: [contentOf(plan.reply)],
        finishReason: plan.finishReason,
        usage: plan.usage,
        response: { id: plan.responseId, modelId },
        warnings: [],
      };
    },
    async doStream(call) {
      if (call.abortSignal?.aborted) throw call.abortSignal.reason;
      const plan = planReply(call);
      const parts = streamParts(plan, modelId, tokensPerSecond);
      return { stream: pacedStream(parts, sleep, call.abortSignal) };
    },
  };
}

function planReply(call: LanguageModelV3CallOptions): Plan {
  if (call.abortSignal?.aborted) throw call.abortSignal.reason;
  const decided = decideReply(call);
  let reply = decided.reply;
  let unified: LanguageModelV3FinishReason['unified'] = reply.kind === 'tool-call' ? 'tool-calls' : 'stop';
  // Only free text is cut at maxOutputTokens: a cut JSON answer would be invalid, which helps no demo.
  const isJson = call.responseFormat?.type === 'json';
  if (
    reply.kind === 'text' &&
    !isJson &&
    call.maxOutputTokens !== undefined &&
    estimateTokens(reply.text) > call.maxOutputTokens
  ) {
    reply = { kind: 'text', text: truncateToTokens(reply.text, call.maxOutputTokens) };
    unified = 'length';
  }
  const input = Math.ceil(decided.conversation.wordCount * TOKENS_PER_WORD);
  const output = estimateTokens(outputText(reply));
  return {
    reply,
    seed: decided.seed,
    responseId: `demo-${decided.seed.toString(16)}`,
    usage: {
      inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: output, text: output, reasoning: 0 },
    },
    finishReason: { unified, raw: unified },
  };
}

function outputText(reply: DemoReply): string {
  return reply.kind === 'text' ? reply.text : `${reply.toolName} ${reply.input}`;
}

function contentOf(reply: DemoReply): LanguageModelV3Content {
  return reply.kind === 'text'
    ? { type: 'text', text: reply.text }
    : { type: 'tool-call', toolCallId: reply.toolCallId, toolName: reply.toolName, input: reply.input };
}

interface TimedPart {
  part: LanguageModelV3StreamPart;
  delayMs: number;
}

function streamParts(plan: Plan, modelId: string, tokensPerSecond: number): TimedPart[] {
  const now = (part: LanguageModelV3StreamPart): TimedPart => ({ part, delayMs: 0 });
  const head = [
    now({ type: 'stream-start', warnings: [] }),
    now({ type: 'response-metadata', id: plan.responseId, modelId }),
  ];
  const finish = now({ type: 'finish', usage: plan.usage, finishReason: plan.finishReason });
  const { reply } = plan;
  if (reply.kind === 'tool-call') {
    const id = reply.toolCallId;
    return [
      ...head,
      now({ type: 'tool-input-start', id, toolName: reply.toolName }),
      {
        part: { type: 'tool-input-delta', id, delta: reply.input },
        delayMs: durationMs(outputText(reply), tokensPerSecond),
      },
      now({ type: 'tool-input-end', id }),
      now({ type: 'tool-call', toolCallId: id, toolName: reply.toolName, input: reply.input }),
      finish,
    ];
  }
  const id = `${plan.responseId}-text`;
  const deltas = chunkText(reply.text, plan.seed, tokensPerSecond).map((chunk): TimedPart => ({
    part: { type: 'text-delta', id, delta: chunk.delta },
    delayMs: chunk.delayMs,
  }));
  return [...head, now({ type: 'text-start', id }), ...deltas, now({ type: 'text-end', id }), finish];
}

/**
 * One part per pull, each after its delay: the consumer's pace and the model's pace both hold.
 * An abort (or a cancel by the consumer) stops the pending sleep; an abort errors the stream with its reason.
 */
function pacedStream(
  parts: readonly TimedPart[],
  sleep: DemoModelOptions['sleep'],
  abortSignal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  const local = new AbortController();
  const forward = () => local.abort(abortSignal?.reason);
  abortSignal?.addEventListener('abort', forward, { once: true });
  const release = () => abortSignal?.removeEventListener('abort', forward);
  let index = 0;
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      const next = parts[index++];
      if (!next) {
        release();
        controller.close();
        return;
      }
      try {
        await pause(sleep, next.delayMs, local.signal);
      } catch (error) {
        release();
        controller.error(error);
        return;
      }
      controller.enqueue(next.part);
    },
    cancel(reason) {
      release();
      local.abort(reason);
    },
  });
}
