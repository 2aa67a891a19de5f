import { validateJsonSchema } from '../../../src/schema/jsonSchemaValidator';
import type { JSONSchema7 } from '@ai-sdk/provider';
import { generateText, jsonSchema, Output, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { createDemoModel } from '../../../src/llm/demo';
import { TEMPLATES } from '../../../src/templates';

interface LlmStep {
  stepSlug: string;
  config: { llmNode?: { systemPrompt?: string; outputSchema?: Record<string, unknown> } };
}

/** The system prompt and output schema of an LLM step in a built-in template. */
function templateStep(templateId: string, stepSlug: string) {
  const steps = TEMPLATES.find((t) => t.id === templateId)?.doc.stepsConfig as unknown as LlmStep[] | undefined;
  const node = steps?.find((s) => s.stepSlug === stepSlug)?.config.llmNode;
  if (!node?.outputSchema) throw new Error(`${templateId}/${stepSlug} has no outputSchema`);
  return { system: node.systemPrompt ?? '', schema: node.outputSchema };
}

function validate(schema: Record<string, unknown>, value: unknown) {
  const verdict = validateJsonSchema(schema, value);
  return { valid: verdict.valid, errors: verdict.valid ? [] : verdict.errors };
}

async function structured(schema: Record<string, unknown>, prompt: string, system?: string) {
  const result = await generateText({
    model: createDemoModel({ sleep: async () => {} }),
    system,
    prompt,
    output: Output.object({ schema: jsonSchema<Record<string, unknown>>(schema) }),
  });
  return { value: JSON.parse(result.text) as Record<string, unknown>, output: result.output };
}

describe('Support Routing triage', () => {
  const { system, schema } = templateStep('support-routing', 'triage');

  it('routes a double charge to billing, with a reason that cites the message', async () => {
    const { value } = await structured(schema, 'I was charged twice for my subscription this month.', system);
    expect(validate(schema, value).valid).toBe(true);
    expect(value).toEqual({
      department: 'billing',
      reason: 'The message mentions "charged", which points to billing.',
    });
  });

  it.each([
    ['Please refund my last invoice.', 'billing'],
    ['My payment method expired, how do I change it?', 'billing'],
    ['The app crashes when I open settings.', 'support'],
    ['How do I change my avatar?', 'support'],
    ['Hello!', 'support'],
  ])('%j goes to %s', async (message, department) => {
    const { value } = await structured(schema, message, system);
    expect(validate(schema, value).valid).toBe(true);
    expect(value.department).toBe(department);
  });
});

describe('Structured Extraction of an invoice email', () => {
  const { system, schema } = templateStep('invoice-extraction', 'extract');
  const email =
    'Hi! Please invoice ACME GmbH for 3 workshop days at 1200 EUR each and 2 hours of travel at 80 EUR. ' +
    'Due in 30 days.';

  it('reads customer, currency, due days and one line per priced item', async () => {
    const { value, output } = await structured(schema, email, system);
    expect(validate(schema, value).valid).toBe(true);
    expect(output).toEqual(value);
    expect(value).toEqual({
      customer: 'ACME GmbH',
      currency: 'EUR',
      dueInDays: 30,
      lines: [
        { description: 'workshop days', quantity: 3, unitPrice: 1200 },
        { description: 'hours of travel', quantity: 2, unitPrice: 80 },
      ],
    });
  });

  it('stays valid for an email with nothing to extract', async () => {
    const { value } = await structured(schema, 'Thanks for the lovely meeting yesterday!', system);
    expect(validate(schema, value).valid).toBe(true);
  });

  it('streams the JSON in several deltas that parse to the same object', async () => {
    const result = streamText({
      model: createDemoModel({ sleep: async () => {} }),
      system,
      prompt: email,
      output: Output.object({ schema: jsonSchema<Record<string, unknown>>(schema) }),
    });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(JSON.parse(deltas.join(''))).toEqual(await result.output);
  });
});

/** Schemas that exercise every keyword the demo model reads; each answer must validate. */
const SCHEMAS: Record<string, Record<string, unknown>> = {
  'numbers with bounds': {
    type: 'object',
    properties: {
      score: { type: 'number', minimum: 0, maximum: 1 },
      rating: { type: 'integer', minimum: 1, maximum: 5 },
      above: { type: 'number', exclusiveMinimum: 10 },
      step: { type: 'number', multipleOf: 0.5, maximum: 3 },
    },
    required: ['score', 'rating', 'above', 'step'],
  },
  'arrays with minItems and unique enums': {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string' }, minItems: 3 },
      colours: { type: 'array', items: { enum: ['red', 'green', 'blue'] }, minItems: 2, uniqueItems: true },
      none: { type: 'array', items: { type: 'number' }, maxItems: 0 },
    },
    required: ['tags', 'colours', 'none'],
  },
  'const, booleans and nullable types': {
    type: 'object',
    properties: { kind: { const: 'ticket' }, urgent: { type: 'boolean' }, note: { type: ['string', 'null'] } },
    required: ['kind', 'urgent', 'note'],
    additionalProperties: false,
  },
  'oneOf and anyOf': {
    type: 'object',
    properties: {
      contact: { oneOf: [{ type: 'string', format: 'email' }, { type: 'integer' }] },
      amount: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 5 }] },
    },
    required: ['contact', 'amount'],
  },
  '$ref, $defs and allOf': {
    type: 'object',
    $defs: {
      money: {
        type: 'object',
        properties: { value: { type: 'number' }, currency: { type: 'string', enum: ['EUR', 'USD'] } },
        required: ['value', 'currency'],
      },
    },
    properties: {
      total: { $ref: '#/$defs/money' },
      item: {
        allOf: [
          { type: 'object', properties: { sku: { type: 'string', pattern: '^SKU-\\d+$' } }, required: ['sku'] },
          { properties: { count: { type: 'integer', minimum: 1 } }, required: ['count'] },
        ],
      },
    },
    required: ['total', 'item'],
  },
  'formats and string lengths': {
    type: 'object',
    properties: {
      email: { type: 'string', format: 'email' },
      when: { type: 'string', format: 'date-time' },
      code: { type: 'string', minLength: 6, maxLength: 8 },
    },
    required: ['email', 'when', 'code'],
  },
  'a top-level array': {
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    minItems: 2,
  },
  // Regression (fuzz): an integer with a fractional multipleOf must stay a whole number.
  'integers with fractional multipleOf': {
    type: 'object',
    properties: {
      half: { type: 'integer', minimum: 11, maximum: 13.5, multipleOf: 0.5 },
      quarter: { type: 'integer', maximum: 0.75, multipleOf: 0.25 },
    },
    required: ['half', 'quarter'],
  },
  // Regression (fuzz): invoice-like items whose "quantity" fields have other types or bounds.
  'line items with constrained roles': {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        count: { type: 'integer', minimum: 10, maximum: 14 },
        unitPrice: { type: 'number', minimum: 9 },
        quantity: { type: 'boolean' },
      },
      required: ['count', 'unitPrice', 'quantity'],
      additionalProperties: false,
    },
  },
};

const PROMPTS = [
  '',
  'I was charged twice for order ord_17 on 2026-01-05, please refund 49.90 EUR to jane@example.com.',
  'Please invoice ACME GmbH for 3 workshop days at 1200 EUR each and 2 hours of travel at 80 EUR. Due in 30 days.',
  'SKU-42 x 3 at 12 USD',
  'Hello!',
];

describe('any schema', () => {
  it.each(
    Object.entries(SCHEMAS).flatMap(([name, schema]) => PROMPTS.map((prompt) => [name, prompt, schema] as const)),
  )('%s with prompt %j gives a valid and repeatable answer', async (_name, prompt, schema) => {
    const first = await structured(schema, prompt || ' ');
    expect(validate(schema, first.value).errors).toEqual([]);
    expect((await structured(schema, prompt || ' ')).value).toEqual(first.value);
  });

  it('fills an answer-like field with prose that uses the request, like a text answer', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const { value } = await structured(schema, 'What is the weather in Porto?');
    expect(value.answer).toMatch(/^In Porto it looks .+ today, with a high around \d+ °C/);
  });

  it('fills values from the conversation when the property names ask for them', async () => {
    const schema = {
      type: 'object',
      properties: {
        orderId: { type: 'string' },
        email: { type: 'string' },
        date: { type: 'string' },
        currency: { type: 'string' },
        amount: { type: 'number' },
      },
      required: ['orderId', 'email', 'date', 'currency', 'amount'],
    };
    const { value } = await structured(schema, PROMPTS[1]!);
    expect(value).toEqual({
      orderId: 'ord_17',
      email: 'jane@example.com',
      date: '2026-01-05',
      currency: 'EUR',
      amount: 49.9,
    });
  });
});

/** Random schemas over every supported keyword; only satisfiable combinations are generated. */
function randomSchema(random: () => number, depth: number, defs: Record<string, unknown>): Record<string, unknown> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const leafKinds = ['string', 'number', 'integer', 'boolean', 'enum'] as const;
  const kind =
    depth > 3
      ? pick(leafKinds)
      : pick([
          ...leafKinds,
          'null',
          'const',
          'nullable',
          'array',
          'object',
          'object',
          'oneOf',
          'anyOf',
          'allOf',
          'ref',
        ] as const);
  const child = () => randomSchema(random, depth + 1, defs);
  switch (kind) {
    case 'string': {
      const roll = random();
      if (roll < 0.2)
        return {
          type: 'string',
          format: pick(['email', 'date', 'date-time', 'uri', 'uuid', 'time', 'ipv4', 'hostname']),
        };
      if (roll < 0.4)
        return {
          type: 'string',
          pattern: pick(['^SKU-\\d+$', '^[a-z]{3}_\\d{3}$', '^(foo|bar)+$', '^[A-Z]{2}\\d{2}$']),
        };
      const minLength = Math.floor(random() * 5);
      return roll < 0.6
        ? { type: 'string', minLength, maxLength: minLength + Math.floor(random() * 10) }
        : { type: 'string' };
    }
    case 'number':
    case 'integer':
      return randomNumberSchema(random, kind);
    case 'boolean':
    case 'null':
      return { type: kind };
    case 'enum':
      return {
        enum: pick([
          ['active', 'at_risk', 'churned'],
          ['billing', 'support'],
          [1, 2, 3],
          ['low', 'medium', 'high'],
          ['a', null],
        ]),
      };
    case 'const':
      return { const: pick(['x', 3, true, null, { a: 1 }]) };
    case 'nullable':
      return { type: [pick(['string', 'number', 'integer', 'boolean']), 'null'] };
    case 'array': {
      const items = child();
      const minItems = Math.floor(random() * 4);
      const values = items.enum as unknown[] | undefined;
      if (values && random() < 0.3 && minItems <= values.length)
        return { type: 'array', items, minItems, maxItems: values.length, uniqueItems: true };
      return random() < 0.3
        ? { type: 'array', items, minItems, maxItems: minItems + Math.floor(random() * 3) }
        : { type: 'array', items, minItems };
    }
    case 'object': {
      const names = [
        'customerId',
        'email',
        'reason',
        'amount',
        'dueInDays',
        'status',
        'name',
        'tags',
        'score',
        'quantity',
        'unitPrice',
        'description',
        'urgent',
        'currency',
        'lines',
        'answer',
      ];
      const properties = Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 5) }, () => [pick(names), child()]),
      );
      const required = Object.keys(properties).filter(() => random() < 0.7);
      return { type: 'object', properties, required, ...(random() < 0.5 ? { additionalProperties: false } : {}) };
    }
    case 'oneOf':
      return {
        oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }].slice(0, 2 + Math.floor(random() * 2)),
      };
    case 'anyOf':
      return { anyOf: [child(), child()] };
    case 'allOf':
      return {
        allOf: [
          { type: 'object', properties: { a: child() }, required: ['a'] },
          { properties: { b: child() }, required: ['b'] },
        ],
      };
    case 'ref': {
      const name = `d${Object.keys(defs).length}`;
      defs[name] = {};
      defs[name] = child();
      return { $ref: `#/$defs/${name}` };
    }
  }
}

function randomNumberSchema(random: () => number, type: 'number' | 'integer'): Record<string, unknown> {
  const steps = [1, 2, 5, 0.5, 0.25];
  const step = random() < 0.3 ? steps[Math.floor(random() * steps.length)] : undefined;
  const lo = random() < 0.5 ? Math.floor(random() * 20) - 5 : undefined;
  const span = (1 + Math.floor(random() * 5)) * (step ?? 7);
  const schema: Record<string, unknown> = { type };
  if (random() < 0.2) return { ...schema, exclusiveMinimum: 3, maximum: 100 };
  if (step) schema.multipleOf = step;
  if (lo !== undefined) schema.minimum = step ? Math.ceil(lo / step) * step : lo;
  if (random() < 0.5) schema.maximum = ((schema.minimum as number | undefined) ?? 0) + span;
  return schema;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('random schemas (seeded)', () => {
  it('every answer, as JSON output and as tool arguments, validates against its schema', async () => {
    const model = createDemoModel({ sleep: async () => {} });
    for (let seed = 1; seed <= 400; seed++) {
      const random = mulberry32(seed);
      const defs: Record<string, unknown> = {};
      const schema = {
        type: 'object',
        properties: { main: randomSchema(random, 0, defs), other: randomSchema(random, 1, defs) },
        required: ['main', 'other'],
        $defs: defs,
      } as JSONSchema7;
      const text = `Use fill_form: ${PROMPTS[seed % PROMPTS.length]}`;
      const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }];
      const json = await model.doGenerate({ prompt, responseFormat: { type: 'json', schema } });
      const call = await model.doGenerate({
        prompt,
        tools: [{ type: 'function', name: 'fill_form', inputSchema: schema }],
      });
      for (const part of [...json.content, ...call.content]) {
        const answer = part.type === 'text' ? part.text : part.type === 'tool-call' ? part.input : '';
        expect(
          validate(schema as Record<string, unknown>, JSON.parse(answer)).errors,
          `seed ${seed}: ${JSON.stringify(schema)} → ${answer}`,
        ).toEqual([]);
      }
    }
  });
});
