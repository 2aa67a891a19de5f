import type { LanguageModelV3CallOptions, LanguageModelV3FunctionTool } from '@ai-sdk/provider';
import { composeAnswer } from './answers';
import { readConversation, type Conversation } from './conversation';
import { findIds, firstMentionIndex } from './evidence';
import { fillSchema } from './schemaFill';
import type { SchemaNode } from './schemaTypes';
import { fnv1a32, stableStringify } from '../../schema/hash';

/** One round's answer: text (plain or JSON) or a single tool call. */
export type DemoReply =
  { kind: 'text'; text: string } | { kind: 'tool-call'; toolCallId: string; toolName: string; input: string };

export interface DecidedReply {
  reply: DemoReply;
  /** Hash of everything the answer may depend on: the same prompt gives the same seed. */
  seed: number;
  conversation: Conversation;
}

/**
 * What the demo model answers: a tool call when the request names an offered tool not yet used in
 * this turn, else JSON when a JSON response is asked for, else text.
 */
export function decideReply(options: LanguageModelV3CallOptions): DecidedReply {
  const seed = fnv1a32(promptKey(options));
  const conversation = readConversation(options.prompt);
  const tool = toolToCall(conversation, options);
  if (tool) return { reply: toolCall(tool, conversation, seed), seed, conversation };
  const format = options.responseFormat;
  if (format?.type === 'json') {
    const value = format.schema
      ? fillSchema(format.schema as SchemaNode, {
          seed,
          texts: conversation.searchTexts,
          argued: conversation.assistantTexts,
          optional: 'all',
          answer: () => composeAnswer(conversation, seed),
        })
      : { answer: composeAnswer(conversation, seed) };
    return { reply: { kind: 'text', text: JSON.stringify(value) }, seed, conversation };
  }
  return { reply: { kind: 'text', text: composeAnswer(conversation, seed) }, seed, conversation };
}

/**
 * The named tool to call, if any. A tool already called since the last user message is never
 * called again: that is what ends the tool loop with a text answer.
 */
function toolToCall(c: Conversation, options: LanguageModelV3CallOptions): LanguageModelV3FunctionTool | undefined {
  const choice = options.toolChoice;
  if (choice?.type === 'none') return undefined;
  const unused = (options.tools ?? []).filter(
    (t): t is LanguageModelV3FunctionTool => t.type === 'function' && !c.calledThisTurn.includes(t.name),
  );
  if (choice?.type === 'tool') return unused.find((t) => t.name === choice.toolName);
  const named = unused
    .map((tool) => ({ tool, at: namedAt(tool.name, c) }))
    .filter((n) => n.at >= 0)
    .sort((a, b) => a.at - b.at);
  return named[0]?.tool ?? (choice?.type === 'required' ? unused[0] : undefined) ?? lookupTool(unused, options, c);
}

/**
 * An agent asked about one record ("customer ID: cus_002") and given exactly one tool that takes
 * such an id looks the record up, as a real model would (the seed's Data Collector does this).
 */
function lookupTool(
  unused: LanguageModelV3FunctionTool[],
  options: LanguageModelV3CallOptions,
  c: Conversation,
): LanguageModelV3FunctionTool | undefined {
  if (unused.length !== 1 || (options.tools ?? []).length !== 1) return undefined;
  const tool = unused[0]!;
  const properties = Object.keys(
    ((tool.inputSchema ?? {}) as { properties?: Record<string, unknown> }).properties ?? {},
  );
  const idProperty = properties.find((p) => /id$/i.test(p));
  return idProperty && findIds([c.lastUser], idProperty).length > 0 ? tool : undefined;
}

/** Where the request names the tool: in the last user message first, then in the system prompt. */
function namedAt(name: string, c: Conversation): number {
  const inUser = firstMentionIndex(name, c.lastUser);
  if (inUser >= 0) return inUser;
  const inSystem = firstMentionIndex(name, c.system);
  return inSystem >= 0 ? c.lastUser.length + inSystem : -1;
}

function toolCall(tool: LanguageModelV3FunctionTool, c: Conversation, seed: number): DemoReply {
  const schema = (tool.inputSchema ?? { type: 'object' }) as SchemaNode;
  const input = fillSchema(schema, { seed, texts: c.searchTexts, argued: c.assistantTexts, optional: 'found' });
  return {
    kind: 'tool-call',
    toolCallId: `call_${fnv1a32(`${seed}:${tool.name}`).toString(16)}`,
    toolName: tool.name,
    input: JSON.stringify(input ?? {}),
  };
}

/** Everything that may change the answer; provider options and the abort signal do not. */
function promptKey(options: LanguageModelV3CallOptions): string {
  const prompt = options.prompt.map((message) =>
    typeof message.content === 'string'
      ? { role: message.role, content: message.content }
      : { role: message.role, content: message.content.map(({ providerOptions: _ignored, ...part }) => part) },
  );
  const tools = (options.tools ?? []).map((t) =>
    t.type === 'function' ? { name: t.name, schema: t.inputSchema } : { name: t.name },
  );
  return stableStringify({
    prompt,
    tools,
    responseFormat: options.responseFormat,
    toolChoice: options.toolChoice,
    maxOutputTokens: options.maxOutputTokens,
  });
}
