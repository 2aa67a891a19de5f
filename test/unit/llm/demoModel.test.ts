import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateText, jsonSchema, Output, streamText, type ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { createDemoModel, DEMO_MODEL_ID, DEMO_PROVIDER, isDemoModelId } from '../../../src/llm/demo';

/** A demo model over a fake sleep that returns at once and records every requested wait. */
function createTestModel(options: { tokensPerSecond?: number; onSleep?: (call: number) => void } = {}) {
  const requestedMs: number[] = [];
  const model = createDemoModel({
    tokensPerSecond: options.tokensPerSecond,
    sleep: async (ms) => {
      requestedMs.push(ms);
      options.onSleep?.(requestedMs.length);
    },
  });
  return { model, requestedMs, totalSleptMs: () => requestedMs.reduce((a, b) => a + b, 0) };
}

const words = (...texts: string[]) => texts.join(' ').split(/\s+/).filter(Boolean).length;

const SHARED_THREAD: ModelMessage[] = [
  { role: 'system', content: "You are a weather reporter. Describe today's likely weather briefly." },
  { role: 'user', content: 'What is the weather in Lisbon?' },
  {
    role: 'assistant',
    content:
      'In Lisbon it looks grey, with light rain on and off today, with a high around 13 °C. ' +
      'Expect gusty wind near the coast.',
  },
  { role: 'system', content: 'You are a practical stylist.' },
  { role: 'user', content: 'What should I wear based on the weather?' },
];

describe('demo model identity', () => {
  it('is the "demo" provider with model id demo-1 unless another id is given', () => {
    const sleep = async () => {};
    expect(createDemoModel({ sleep })).toMatchObject({
      specificationVersion: 'v3',
      provider: DEMO_PROVIDER,
      modelId: DEMO_MODEL_ID,
    });
    expect(createDemoModel({ sleep, modelId: 'demo-fast' }).modelId).toBe('demo-fast');
    expect(DEMO_PROVIDER).toBe('demo');
  });

  it.each([
    ['demo', true],
    ['demo-1', true],
    ['demo-fast', true],
    ['demo:demo-1', false],
    ['gpt-4o-mini', false],
    ['demonstration', false],
    ['', false],
  ])('isDemoModelId(%j) is %s', (id, expected) => {
    expect(isDemoModelId(id)).toBe(expected);
  });

  it('rejects a non-positive speed', () => {
    expect(() => createDemoModel({ sleep: async () => {}, tokensPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('determinism', () => {
  it('the same prompt gives the same text on a fresh model, and a different prompt a different one', async () => {
    const ask = async (prompt: string) => (await generateText({ model: createTestModel().model, prompt })).text;
    const first = await ask('Help with: The app crashes when I open settings.');
    expect(await ask('Help with: The app crashes when I open settings.')).toBe(first);
    expect(await ask('Help with: The export button does nothing.')).not.toBe(first);
  });

  it('streamed and generated answers are identical, deltas and all', async () => {
    const { model } = createTestModel();
    const generated = await generateText({ model, messages: SHARED_THREAD, allowSystemInMessages: true });
    const runs = await Promise.all(
      [0, 1].map(async () => {
        const result = streamText({ model, messages: SHARED_THREAD, allowSystemInMessages: true });
        const deltas: string[] = [];
        for await (const delta of result.textStream) deltas.push(delta);
        return deltas;
      }),
    );
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.join('')).toBe(generated.text);
  });

  it('a JSON answer is the same for the same schema and prompt', async () => {
    const schema = jsonSchema<{ topic: string; score: number }>({
      type: 'object',
      properties: { topic: { type: 'string' }, score: { type: 'number', minimum: 0, maximum: 1 } },
      required: ['topic', 'score'],
    });
    const ask = async () =>
      (
        await generateText({
          model: createTestModel().model,
          prompt: 'Rate this idea',
          output: Output.object({ schema }),
        })
      ).text;
    expect(await ask()).toBe(await ask());
  });
});

describe('streaming pace', () => {
  it('a streamed answer arrives in several deltas whose concatenation is the text', async () => {
    const result = streamText({ model: createTestModel().model, prompt: 'What is the weather in Porto?' });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(await result.text);
    expect(deltas.every((d) => d.trim().split(/\s+/).length <= 3)).toBe(true);
  });

  it.each([60, 20, 500])(
    'at %i tokens/s the requested sleep adds up to output tokens / speed',
    async (tokensPerSecond) => {
      const { model, requestedMs, totalSleptMs } = createTestModel({ tokensPerSecond });
      const result = streamText({ model, prompt: 'What is the weather in Porto?' });
      await result.consumeStream();
      const usage = await result.usage;
      const expectedMs = (usage.outputTokens! / tokensPerSecond) * 1000;
      // Tokens are a rounded-up estimate, so the total may fall short by less than one token's time.
      expect(Math.abs(totalSleptMs() - expectedMs)).toBeLessThanOrEqual(1000 / tokensPerSecond + 1);
      expect(requestedMs.length).toBeGreaterThan(5);
    },
  );

  it('a non-streamed answer waits the same total time in one sleep', async () => {
    const streamed = createTestModel();
    await streamText({ model: streamed.model, prompt: 'What is the weather in Porto?' }).consumeStream();
    const generated = createTestModel();
    await generateText({ model: generated.model, prompt: 'What is the weather in Porto?' });
    expect(generated.requestedMs).toEqual([streamed.totalSleptMs()]);
  });
});

describe('abort', () => {
  it('aborting mid-stream stops the deltas and ends the stream with an abort part', async () => {
    const full = streamText({ model: createTestModel().model, prompt: 'What is the weather in Porto?' });
    const fullLength = (await full.text).length;
    const controller = new AbortController();
    const { model, requestedMs } = createTestModel({ onSleep: (n) => n === 3 && controller.abort() });
    const result = streamText({ model, prompt: 'What is the weather in Porto?', abortSignal: controller.signal });
    const parts: string[] = [];
    let text = '';
    for await (const part of result.fullStream) {
      parts.push(part.type);
      if (part.type === 'text-delta') text += part.text;
    }
    expect(parts).toContain('abort');
    expect(parts).not.toContain('finish');
    expect(text.length).toBeLessThan(fullLength);
    expect(requestedMs).toHaveLength(3);
  });

  it('the raw stream errors with the abort reason, even when the sleep ignores the signal', async () => {
    const controller = new AbortController();
    const never = () => new Promise<void>(() => {});
    const model = createDemoModel({ sleep: never });
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    const seen: LanguageModelV3StreamPart['type'][] = [];
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        seen.push(value.type);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('stop now'));
    await expect(reading).rejects.toThrow('stop now');
    expect(seen).toEqual(['stream-start', 'response-metadata', 'text-start']);
  });

  it('a call made with an already aborted signal rejects with its reason and never sleeps', async () => {
    const { model, requestedMs } = createTestModel();
    const signal = AbortSignal.abort(new Error('cancelled before start'));
    const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }];
    await expect(model.doGenerate({ prompt, abortSignal: signal })).rejects.toThrow('cancelled before start');
    await expect(model.doStream({ prompt, abortSignal: signal })).rejects.toThrow('cancelled before start');
    expect(requestedMs).toEqual([]);
  });
});

describe('usage', () => {
  it('input ≈ prompt words × 1.3, output ≈ answer words × 1.3, and total is their sum', async () => {
    const system = 'You are a billing specialist. Be concise and concrete.';
    const prompt = 'Answer this billing question: I was charged twice for my subscription this month.';
    const result = await generateText({ model: createTestModel().model, system, prompt });
    expect(result.usage.inputTokens).toBe(Math.ceil(words(system, prompt) * 1.3));
    expect(result.usage.outputTokens).toBe(Math.ceil(words(result.text) * 1.3));
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens! + result.usage.outputTokens!);
  });

  it('a streamed answer reports the same usage as a generated one', async () => {
    const { model } = createTestModel();
    const generated = await generateText({ model, messages: SHARED_THREAD, allowSystemInMessages: true });
    const streamed = streamText({ model, messages: SHARED_THREAD, allowSystemInMessages: true });
    await streamed.consumeStream();
    expect(await streamed.usage).toEqual(generated.usage);
  });

  it('maxOutputTokens cuts a text answer and reports finish reason "length"', async () => {
    const result = await generateText({
      model: createTestModel().model,
      prompt: 'What is the weather in Porto?',
      maxOutputTokens: 8,
    });
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBeLessThanOrEqual(8);
    expect(words(result.text)).toBe(6);
  });
});

describe('answers that use the conversation', () => {
  it('refers to the last user message', async () => {
    const result = await generateText({
      model: createTestModel().model,
      system: 'You are a billing specialist. Be concise and concrete.',
      prompt: 'Answer this billing question: I was charged twice for my subscription this month.',
    });
    expect(result.text).toContain('I was charged twice for my subscription');
    expect(result.text).toMatch(/refund/i);
  });

  it("in a shared thread, builds on the previous agent's message", async () => {
    const result = await generateText({
      model: createTestModel().model,
      messages: SHARED_THREAD,
      allowSystemInMessages: true,
    });
    expect(result.text).toMatch(/^Building on the weather described above \(around 13 °C\)/);
    expect(result.text).toMatch(/umbrella|waterproof/);
  });

  it('answers in 2 to 5 sentences', async () => {
    const prompts = [
      'What is the weather in Porto?',
      'Help with: The app crashes when I open settings.',
      'Tell me something useful.',
    ];
    for (const prompt of prompts) {
      const { text } = await generateText({ model: createTestModel().model, prompt });
      const sentences = text.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length, text).toBeGreaterThanOrEqual(2);
      expect(sentences.length, text).toBeLessThanOrEqual(5);
    }
  });
});
