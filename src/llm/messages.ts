import { jsonSchema, type JSONSchema7, type JSONValue, type ModelMessage, type Tool, type ToolResultPart } from 'ai';
import type { ChatMessage, ToolCall, ToolSpec } from '../engine/llmTypes';

type ToolResultOutput = ToolResultPart['output'];

/**
 * The engine's thread ↔ AI SDK v6 messages. The conversion is lossless for what the engine keeps
 * (text, tool calls, tool results), so `fromModelMessages(toModelMessages(m))` returns `m`.
 */
export function toModelMessages(messages: ChatMessage[]): ModelMessage[] {
  return messages.map(toModelMessage);
}

function toModelMessage(message: ChatMessage): ModelMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      const text = message.content ? [{ type: 'text' as const, text: message.content }] : [];
      const parts = calls.map((c) => ({
        type: 'tool-call' as const,
        toolCallId: c.id,
        toolName: c.name,
        input: c.args,
      }));
      return { role: 'assistant', content: [...text, ...parts] };
    }
    case 'tool':
      return {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: message.toolCallId,
            toolName: message.toolName,
            output: toToolOutput(message.result),
          },
        ],
      };
  }
}

/** A string result goes as text (no extra quotes on the wire); anything else as JSON. */
function toToolOutput(result: unknown): ToolResultOutput {
  if (typeof result === 'string') return { type: 'text', value: result };
  return { type: 'json', value: toJsonValue(result) };
}

/** JSON round trip: drops undefined and functions, so the provider never sees a non-JSON value. */
function toJsonValue(value: unknown): JSONValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JSONValue;
}

/** AI SDK messages back to the engine's thread (text parts joined; other part kinds are dropped). */
export function fromModelMessages(messages: ModelMessage[]): ChatMessage[] {
  return messages.flatMap(fromModelMessage);
}

function fromModelMessage(message: ModelMessage): ChatMessage[] {
  if (message.role === 'system') return [{ role: 'system', content: message.content }];
  if (message.role === 'user') {
    const content =
      typeof message.content === 'string'
        ? message.content
        : message.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
    return [{ role: 'user', content }];
  }
  if (message.role === 'assistant') {
    if (typeof message.content === 'string') return [{ role: 'assistant', content: message.content }];
    const content = message.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
    const toolCalls: ToolCall[] = message.content.flatMap((p) =>
      p.type === 'tool-call' ? [{ id: p.toolCallId, name: p.toolName, args: p.input }] : [],
    );
    return [toolCalls.length > 0 ? { role: 'assistant', content, toolCalls } : { role: 'assistant', content }];
  }
  return message.content.flatMap((p) =>
    p.type === 'tool-result'
      ? [{ role: 'tool' as const, toolCallId: p.toolCallId, toolName: p.toolName, result: fromToolOutput(p.output) }]
      : [],
  );
}

function fromToolOutput(output: ToolResultOutput): unknown {
  switch (output.type) {
    case 'text':
    case 'json':
    case 'error-text':
    case 'error-json':
      return output.value;
    case 'execution-denied':
      return { denied: true, reason: output.reason };
    case 'content':
      return output.value;
  }
}

/** Tools the model may call. No `execute`: the engine runs each tool as its own journaled effect. */
export function toModelTools(specs: ToolSpec[]): Record<string, Tool> {
  const tools: Record<string, Tool> = {};
  for (const spec of specs) {
    tools[spec.name] = { description: spec.description, inputSchema: jsonSchema(spec.parameters as JSONSchema7) };
  }
  return tools;
}
