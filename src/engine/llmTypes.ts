/**
 * The engine's view of a language model: one round at a time. The engine owns the tool loop, the
 * thread and the journal (each round and each tool call is its own keyed effect); a model runner
 * (src/llm: AI SDK providers and the offline demo model) only answers one round.
 */

export interface ToolCall {
  id: string;
  name: string;
  args: unknown;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; result: unknown };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
  totalTokens?: number;
}

export interface ModelRound {
  /** Provider entry named by the step; undefined = the default provider (else the demo model). */
  provider: string | undefined;
  model: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** JSON Schema the final answer must satisfy (structured output); tools may still be offered. */
  outputSchema: Record<string, unknown> | undefined;
  temperature: number | undefined;
  maxOutputTokens: number | undefined;
  providerOptions: Record<string, unknown> | undefined;
}

export interface ModelReply {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  usage: Usage;
  /** What actually answered (after aliases and fallbacks), e.g. "demo" / "demo-1", "ollama" / "llama3.2". */
  provider: string;
  model: string;
  /** A note to show with the step, e.g. "no provider configured: used the demo model". */
  note?: string;
  /** Estimated cost in USD; absent for unknown models (tokens only) and the demo model. */
  costUsd?: number;
  /** Where `costUsd`'s price came from. */
  priceSource?: PriceSource;
}

/** A price from the dated built-in table, or one the user set in Settings. */
export type PriceSource = { kind: 'table'; asOf: string } | { kind: 'settings' };

/** A model call: an effect call plus a sink for streamed text (batched by the caller). */
export interface ModelCall {
  idempotencyKey: string;
  attempt: number;
  signal: AbortSignal;
  onTextDelta(delta: string): void;
}

export type ModelRunner = (round: ModelRound, call: ModelCall) => Promise<ModelReply>;
