import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/engine/llmTypes';
import { fromModelMessages, toModelMessages, toModelTools } from '../../../src/llm/messages';

const thread: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Weather in Oslo and Lima?' },
  {
    role: 'assistant',
    content: 'Checking.',
    toolCalls: [
      { id: 'c1', name: 'get_weather', args: { city: 'Oslo' } },
      { id: 'c2', name: 'get_weather', args: { city: 'Lima' } },
    ],
  },
  { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', result: { tempC: 21 } },
  { role: 'tool', toolCallId: 'c2', toolName: 'get_weather', result: 'rain' },
  { role: 'assistant', content: 'Oslo 21 °C, Lima rain.' },
];

describe('messages', () => {
  it('convert to the AI SDK v6 part shapes', () => {
    const model = toModelMessages(thread);
    expect(model[2]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Oslo' } },
        { type: 'tool-call', toolCallId: 'c2', toolName: 'get_weather', input: { city: 'Lima' } },
      ],
    });
    expect(model[3]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'get_weather',
          output: { type: 'json', value: { tempC: 21 } },
        },
      ],
    });
    expect(model[4]).toMatchObject({ content: [{ output: { type: 'text', value: 'rain' } }] });
  });

  it('round-trip back to the same thread', () => {
    expect(fromModelMessages(toModelMessages(thread))).toEqual(thread);
  });

  it('send a tool result that is not JSON-serialisable as plain JSON', () => {
    const [message] = toModelMessages([
      { role: 'tool', toolCallId: 'c', toolName: 't', result: { at: undefined, n: 1 } },
    ]);
    expect(message).toMatchObject({ content: [{ output: { type: 'json', value: { n: 1 } } }] });
  });

  it('turn tool specs into schema-only tools the SDK will not execute', async () => {
    const tools = toModelTools([
      {
        name: 'get_weather',
        description: 'Weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    expect(Object.keys(tools)).toEqual(['get_weather']);
    expect(tools.get_weather!.execute).toBeUndefined();
    expect(tools.get_weather!.description).toBe('Weather');
  });
});
