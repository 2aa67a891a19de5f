import type { JSONSchema7 } from '@ai-sdk/provider';
import { generateText, jsonSchema, Output } from 'ai';
import { describe, expect, it } from 'vitest';
import { createDemoModel } from '../../../src/llm/demo';
import * as evidence from '../../../src/llm/demo/evidence';
import { validateJsonSchema } from '../../../src/schema/jsonSchemaValidator';

/**
 * The demo model runs in the executor on prompts a workflow file builds: a long prompt, or a schema
 * pattern built to backtrack, must not hold the executor up. Budgets are generous (noisy CI box);
 * before the fix these took minutes (quadratic evidence regexes, native RegExp on schema patterns).
 */

const LENGTH = 200_000;
const HOSTILE_TEXTS: Record<string, string> = {
  digits: '1'.repeat(LENGTH),
  word: 'x'.repeat(LENGTH),
  'almost an email': `${'a'.repeat(LENGTH)}@`,
  'dotted number': '1.'.repeat(LENGTH / 2),
  'number, word': '1 a'.repeat(LENGTH / 3),
};

const FINDERS: Array<[string, (text: string) => unknown]> = [
  ['findEmail', evidence.findEmail],
  ['findMoney', evidence.findMoney],
  ['findLineItems', evidence.findLineItems],
  ['firstFreeNumber', evidence.firstFreeNumber],
  ['findOrganisation', evidence.findOrganisation],
  ['findPlace', evidence.findPlace],
  ['findUrl', evidence.findUrl],
  ['findIds', (text) => evidence.findIds([text], 'customerId')],
  ['numberNear', (text) => evidence.numberNear('totalAmount', text)],
  ['enumByKeywords', (text) => evidence.enumByKeywords(['billing', 'at_risk'], text)],
];

describe('the demo model on hostile prompts', () => {
  it.each(FINDERS)('%s reads 200,000-character texts in linear time', (_name, find) => {
    for (const [kind, text] of Object.entries(HOSTILE_TEXTS)) {
      const started = performance.now();
      find(text);
      expect(performance.now() - started, kind).toBeLessThan(2_000);
    }
  });

  it('still finds what it found before in ordinary text', () => {
    expect(evidence.findEmail('write to ada.l+x@example.co.uk today')).toBe('ada.l+x@example.co.uk');
    expect(evidence.findMoney('the fee is 49.90 EUR, not 12')).toBe(49.9);
    expect(evidence.findMoney('ref 1234 costs €5')).toBe(5);
    expect(evidence.findLineItems('3 workshop days at 1200 EUR and 2 hours of travel at 80 EUR')).toEqual([
      { quantity: 3, description: 'workshop days', unitPrice: 1200 },
      { quantity: 2, description: 'hours of travel', unitPrice: 80 },
    ]);
  });

  it.each([
    ['braces', '{'.repeat(LENGTH)],
    ['brackets', `Help with: ${'['.repeat(LENGTH)}`],
    ['exclamation marks', `${'!'.repeat(LENGTH)}x`],
    ['dots', `${'.'.repeat(LENGTH)}x`],
    ['digits in a question about clothes', `What should I wear? ${'1'.repeat(LENGTH)}`],
  ])('answers a prompt of 200,000 %s quickly, in text and as JSON', async (_kind, prompt) => {
    const schema: JSONSchema7 = {
      type: 'object',
      properties: { summary: { type: 'string' }, reason: { type: 'string' } },
      required: ['summary', 'reason'],
    };
    const system = 'You are a reviewer. Risk view: low. Value view: high.';
    const started = performance.now();
    await generateText({ model: createDemoModel({ sleep: async () => {} }), prompt, system });
    await generateText({
      model: createDemoModel({ sleep: async () => {} }),
      prompt,
      output: Output.object({ schema: jsonSchema<Record<string, unknown>>(schema) }),
    });
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('answers a schema with a catastrophic pattern over a long prompt quickly, and validly', async () => {
    const schema: JSONSchema7 = {
      type: 'object',
      properties: {
        code: { type: 'string', pattern: '^(a+)+$' },
        email: { type: 'string' },
        total: { type: 'number' },
      },
      required: ['code', 'email', 'total'],
    };
    const prompt = `${'a'.repeat(50_000)}! ${'1'.repeat(50_000)} ${'x'.repeat(50_000)}@`;
    const started = performance.now();
    const result = await generateText({
      model: createDemoModel({ sleep: async () => {} }),
      prompt,
      output: Output.object({ schema: jsonSchema<Record<string, unknown>>(schema) }),
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(validateJsonSchema(schema, JSON.parse(result.text))).toEqual({ valid: true });
  });
});
