import { describe, expect, it } from 'vitest';
import {
  describeSchemaError,
  TOO_COSTLY,
  validateJsonSchema,
  type SchemaVerdict,
} from '../../src/schema/jsonSchemaValidator';

type Case = [name: string, schema: unknown, valid: unknown[], invalid: unknown[]];

const CASES: Case[] = [
  ['boolean schemas', { properties: { yes: true, no: false } }, [{ yes: 1 }, {}], [{ no: 1 }]],
  ['type', { type: 'string' }, ['', 'x'], [1, null, [], {}, true]],
  ['type integer', { type: 'integer' }, [1, -3, 2.0, 1e21], [1.5, '1', null]],
  ['type list', { type: ['string', 'null'] }, ['a', null], [0, false]],
  ['enum', { enum: ['a', 1, null, { x: [1] }] }, ['a', 1, null, { x: [1] }], ['b', 2, { x: [2] }, [1]]],
  [
    'const object, any key order',
    { const: { a: 1, b: [true] } },
    [{ b: [true], a: 1 }],
    [{ a: 1 }, { a: 1, b: [false] }],
  ],
  [
    'properties and required',
    { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
    [{ a: 1 }, { a: 1, b: 2 }],
    [{}, { a: 'x' }, { b: 1 }],
  ],
  [
    'properties never reads the prototype',
    { properties: { constructor: { type: 'string' } }, required: ['toString'] },
    [{ toString: 1 }],
    [{}, { toString: 1, constructor: 1 }],
  ],
  [
    'additionalProperties false',
    { properties: { a: {} }, patternProperties: { '^x-': {} }, additionalProperties: false },
    [{ a: 1, 'x-y': 2 }],
    [{ b: 1 }, { a: 1, 'y-x': 2 }],
  ],
  [
    'additionalProperties schema',
    { properties: { a: {} }, additionalProperties: { type: 'number' } },
    [{ a: 'x', b: 1 }],
    [{ b: 'x' }],
  ],
  [
    'patternProperties',
    { patternProperties: { '^n_': { type: 'number' }, '\\p{Lu}': { type: 'string' } } },
    [{ n_1: 1, Ä: 'x', other: true }],
    [{ n_1: 'x' }, { Ä: 1 }],
  ],
  [
    'propertyNames',
    { propertyNames: { maxLength: 3, pattern: '^[a-z]+$' } },
    [{ abc: 1 }, {}],
    [{ abcd: 1 }, { AB: 1 }],
  ],
  ['min/maxProperties', { minProperties: 1, maxProperties: 2 }, [{ a: 1 }, { a: 1, b: 2 }], [{}, { a: 1, b: 2, c: 3 }]],
  ['dependentRequired', { dependentRequired: { card: ['cvc'] } }, [{}, { card: 1, cvc: 2 }, { cvc: 2 }], [{ card: 1 }]],
  ['dependentSchemas', { dependentSchemas: { card: { required: ['cvc'] } } }, [{}, { card: 1, cvc: 2 }], [{ card: 1 }]],
  [
    'draft-7 dependencies',
    { dependencies: { a: ['b'], c: { required: ['d'] } } },
    [
      { a: 1, b: 1 },
      { c: 1, d: 1 },
    ],
    [{ a: 1 }, { c: 1 }],
  ],
  ['items', { items: { type: 'number' } }, [[], [1, 2]], [[1, 'x']]],
  [
    'prefixItems then items',
    { prefixItems: [{ type: 'string' }, { type: 'number' }], items: false },
    [['a', 1], ['a']],
    [
      [1, 1],
      ['a', 1, 2],
    ],
  ],
  [
    'draft-7 tuple items and additionalItems',
    { items: [{ type: 'string' }], additionalItems: { type: 'number' } },
    [['a', 1, 2]],
    [[1], ['a', 'b']],
  ],
  ['contains', { contains: { const: 3 } }, [[1, 3]], [[], [1, 2]]],
  [
    'min/maxContains',
    { contains: { type: 'number' }, minContains: 2, maxContains: 3 },
    [
      [1, 2, 'x'],
      [1, 2, 3],
    ],
    [
      [1, 'x'],
      [1, 2, 3, 4],
    ],
  ],
  ['minContains 0', { contains: { type: 'number' }, minContains: 0 }, [[], ['x']], []],
  ['min/maxItems', { minItems: 1, maxItems: 2 }, [[1], [1, 2]], [[], [1, 2, 3]]],
  [
    'uniqueItems',
    { uniqueItems: true },
    [[1, '1', [1], { a: 1 }], []],
    [
      [1, 1],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [[1], [1]],
    ],
  ],
  ['minimum/maximum', { minimum: 1, maximum: 3 }, [1, 2.5, 3, 'not a number'], [0.99, 3.01]],
  ['exclusive bounds', { exclusiveMinimum: 1, exclusiveMaximum: 3 }, [1.01, 2.99], [1, 3]],
  [
    'draft-4 boolean exclusive bounds',
    { minimum: 1, exclusiveMinimum: true, maximum: 3, exclusiveMaximum: true },
    [2],
    [1, 3],
  ],
  ['multipleOf with decimals', { multipleOf: 0.1 }, [0.3, 1.2, 0, -0.7], [0.35, 1.01]],
  ['multipleOf integer', { multipleOf: 3 }, [9, -3], [10]],
  [
    'minLength/maxLength in code points',
    { minLength: 2, maxLength: 3 },
    ['ab', '😀😀', 'a😀b', 42],
    ['a', '😀', 'abcd', '😀😀😀😀'],
  ],
  ['pattern is not anchored', { pattern: 'b+' }, ['abbc', 'b', 5], ['ac', '']],
  ['pattern with Unicode', { pattern: '^\\p{L}+$' }, ['héllo', 'Ωmega'], ['a1', '']],
  ['allOf', { allOf: [{ type: 'number' }, { minimum: 2 }] }, [2], [1, 'x']],
  ['anyOf', { anyOf: [{ type: 'string' }, { type: 'number' }] }, ['x', 1], [null, []]],
  ['oneOf', { oneOf: [{ type: 'number' }, { type: 'integer' }] }, [1.5], [1, 'x']],
  ['not', { not: { type: 'null' } }, [0, ''], [null]],
  [
    'if/then/else',
    { if: { properties: { kind: { const: 'a' } } }, then: { required: ['x'] }, else: { required: ['y'] } },
    [
      { kind: 'a', x: 1 },
      { kind: 'b', y: 1 },
    ],
    [
      { kind: 'a', y: 1 },
      { kind: 'b', x: 1 },
    ],
  ],
  ['then without if is ignored', { then: false }, [1], []],
  [
    '$ref to $defs',
    { $defs: { n: { type: 'number' } }, properties: { a: { $ref: '#/$defs/n' } } },
    [{ a: 1 }],
    [{ a: 'x' }],
  ],
  [
    '$ref to definitions',
    { definitions: { n: { type: 'number' } }, items: { $ref: '#/definitions/n' } },
    [[1]],
    [['x']],
  ],
  [
    '$ref with pointer escapes',
    {
      $defs: { 'a/b': { const: 1 }, 'c~d': { const: 2 }, 'e f': { const: 3 } },
      prefixItems: [{ $ref: '#/$defs/a~1b' }, { $ref: '#/$defs/c~0d' }, { $ref: '#/$defs/e%20f' }],
    },
    [[1, 2, 3]],
    [[1, 2, 4]],
  ],
  [
    'recursive $ref through the value',
    { type: 'object', properties: { child: { $ref: '#' }, n: { type: 'number' } } },
    [{ n: 1, child: { n: 2, child: {} } }],
    [{ child: { child: { n: 'x' } } }],
  ],
  [
    '$ref beside other keywords (2020-12)',
    { $defs: { s: { type: 'string' } }, $ref: '#/$defs/s', maxLength: 2 },
    ['ab'],
    ['abc', 1],
  ],
  [
    'format date-time',
    { format: 'date-time' },
    ['2026-01-31T09:30:00Z', '2024-02-29T23:59:60.123+01:00', 7],
    ['2026-01-31', '2026-02-30T00:00:00Z', '2026-01-31T24:00:00Z', '2026-01-31T09:30:00'],
  ],
  ['format date', { format: 'date' }, ['2026-12-31'], ['2026-13-01', '2026-1-01', '2025-02-29']],
  ['format time', { format: 'time' }, ['09:30:00', '09:30:00.5Z', '23:59:59-05:00'], ['9:30:00', '09:60:00', '09:30']],
  [
    'format duration',
    { format: 'duration' },
    ['P3D', 'PT4H30M', 'P1Y2M3DT4H5M6S', 'P2W'],
    ['P', 'PT', 'P3', '3D', 'PT4H3D'],
  ],
  [
    'format email',
    { format: 'email' },
    ['ada@example.com', 'a.b+c@sub.example.org', 'x@[127.0.0.1]'],
    ['ada', '@example.com', 'ada@', 'a..b@example.com', 'ada@-example.com', 'a b@example.com'],
  ],
  [
    'format hostname',
    { format: 'hostname' },
    ['example.com', 'localhost', 'a-b.c'],
    ['-a.com', 'a-.com', 'a..b', 'x'.repeat(64), 'under_score.com'],
  ],
  [
    'format ipv4',
    { format: 'ipv4' },
    ['127.0.0.1', '255.255.255.255'],
    ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5'],
  ],
  [
    'format ipv6',
    { format: 'ipv6' },
    ['::1', '2001:db8::8a2e:370:7334', '::ffff:192.168.0.1', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '12345::1'],
  ],
  [
    'format uri',
    { format: 'uri' },
    ['https://example.com/a?b=c#d', 'urn:isbn:123', 'mailto:a@b.c'],
    ['/relative', 'no scheme', 'https://exa mple.com', 'http://x/%zz'],
  ],
  ['format uri-reference', { format: 'uri-reference' }, ['/relative/path', 'https://x.y', '#frag'], ['a b', '%']],
  [
    'format uuid',
    { format: 'uuid' },
    ['123e4567-e89b-12d3-a456-426614174000'],
    ['123e4567e89b12d3a456426614174000', '123e4567-e89b-12d3-a456-42661417400g'],
  ],
  ['format json-pointer', { format: 'json-pointer' }, ['', '/a/b~0c~1d'], ['a', '/a~2']],
  ['format regex (RE2)', { format: 'regex' }, ['^a+$', '[a-z]{2}'], ['(a)\\1', '(?=x)', '[']],
  ['unknown formats are annotations', { format: 'phone' }, ['anything'], []],
  [
    'annotations are ignored',
    {
      title: 'T',
      description: 'D',
      default: 1,
      examples: [2],
      $comment: 'c',
      deprecated: true,
      readOnly: true,
      'x-extra': {},
    },
    [1, 'x'],
    [],
  ],
];

describe('the JSON Schema validator: keywords', () => {
  for (const [name, schema, valid, invalid] of CASES) {
    it(name, () => {
      for (const value of valid)
        expect(validateJsonSchema(schema, value), `${JSON.stringify(value)} should pass`).toEqual({ valid: true });
      for (const value of invalid) {
        const verdict = validateJsonSchema(schema, value);
        expect(verdict, `${JSON.stringify(value)} should fail`).toMatchObject({ valid: false, cause: 'instance' });
      }
    });
  }
});

const errorsOf = (verdict: SchemaVerdict) => (verdict.valid ? [] : verdict.errors);

describe('the JSON Schema validator: messages', () => {
  it('names where the value is wrong and what the schema wants', () => {
    const schema = {
      type: 'object',
      properties: {
        email: { type: 'string', pattern: '^[^@]+@[^@]+$' },
        items: { type: 'array', items: { properties: { price: { minimum: 0 } } } },
      },
      required: ['name'],
      additionalProperties: false,
    };
    const verdict = validateJsonSchema(schema, { email: 'nobody', items: [{ price: 1 }, { price: -2 }], extra: true });
    expect(errorsOf(verdict).map((e) => describeSchemaError(e, 'input'))).toEqual([
      'input.email: does not match the pattern "^[^@]+@[^@]+$"',
      'input.items[1].price: must be at least 0 (got -2)',
      'input.name: is required',
      'input.extra: is not an allowed property (the schema does not list "extra")',
    ]);
    expect(errorsOf(verdict)[1]).toEqual({
      instancePath: '/items/1/price',
      schemaPath: '#/properties/items/items/properties/price/minimum',
      message: 'must be at least 0 (got -2)',
    });
  });

  it('says which option came closest when none of anyOf matches', () => {
    const [error] = errorsOf(
      validateJsonSchema({ anyOf: [{ properties: { a: { type: 'string' } } }, { type: 'number' }] }, { a: 1 }),
    );
    expect(error?.message).toBe(
      'matches none of the 2 allowed options ("anyOf"); the first one says: a: must be a string (got a number)',
    );
  });

  it('keeps a path through a $ref readable in the schema path', () => {
    const [error] = errorsOf(
      validateJsonSchema({ $defs: { n: { type: 'number' } }, properties: { a: { $ref: '#/$defs/n' } } }, { a: 'x' }),
    );
    expect(error).toEqual({
      instancePath: '/a',
      schemaPath: '#/$defs/n/type',
      message: 'must be a number (got a string)',
    });
  });
});

describe('the JSON Schema validator: hostile schemas get a verdict, not a hang', () => {
  it('runs a catastrophic pattern on RE2: ^(a+)+$ against a long near-match', () => {
    const started = performance.now();
    const verdict = validateJsonSchema(
      { type: 'object', properties: { code: { pattern: '^(a+)+$' } } },
      { code: `${'a'.repeat(5000)}!` },
    );
    expect(errorsOf(verdict).map((e) => describeSchemaError(e, 'input'))).toEqual([
      'input.code: does not match the pattern "^(a+)+$"',
    ]);
    // A verdict budget, generous for a noisy CI box: native backtracking would take longer than the universe.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses a pattern RE2 cannot run, naming the syntax to use', () => {
    for (const pattern of ['(a)\\1', '(?=a)', '(?<!a)b']) {
      const verdict = validateJsonSchema({ pattern }, 'aa');
      expect(verdict).toMatchObject({ valid: false, cause: 'schema' });
      expect(errorsOf(verdict)[0]?.message).toMatch(/RE2 syntax \(no backreferences or lookaround\)/);
    }
  });

  it('gives the budget error for an exponential $ref chain', () => {
    const $defs: Record<string, unknown> = { d40: { type: 'number' } };
    for (let i = 0; i < 40; i++)
      $defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    const verdict = validateJsonSchema({ $defs, $ref: '#/$defs/d0' }, 1);
    expect(verdict).toMatchObject({ valid: false, cause: 'schema' });
    expect(errorsOf(verdict)[0]?.message).toMatch(new RegExp(`^${TOO_COSTLY}: `));
  });

  it('gives the budget error for {"$ref": "#"} and other loops that never go into the value', () => {
    for (const schema of [
      { $ref: '#' },
      { allOf: [{ $ref: '#' }] },
      { $defs: { a: { $ref: '#/$defs/b' }, b: { anyOf: [{ $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' },
    ]) {
      const verdict = validateJsonSchema(schema, { x: 1 });
      expect(verdict).toMatchObject({ valid: false, cause: 'schema' });
      expect(errorsOf(verdict)[0]?.message).toMatch(/^the schema is too costly to check: .*leads back to itself/);
    }
  });

  it('stops a value nested deeper than it can check', () => {
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    const verdict = validateJsonSchema({ items: { $ref: '#' } }, deep);
    expect(verdict).toMatchObject({ valid: false, cause: 'schema' });
    expect(errorsOf(verdict)[0]?.message).toMatch(/levels deep/);
    expect(validateJsonSchema({ uniqueItems: true }, [deep, deep])).toMatchObject({ valid: false });
  });

  it('prices a match before running it: a large RE2 program over a long string is refused', () => {
    const verdict = validateJsonSchema({ pattern: '(a|b|c|d){500}$' }, 'a'.repeat(200_000));
    expect(errorsOf(verdict)[0]?.message).toMatch(/^the schema is too costly to check: matching the pattern/);
  });

  it('refuses unsupported keywords, remote references and broken keyword values rather than ignoring them', () => {
    const refused: Array<[unknown, RegExp]> = [
      [{ unevaluatedProperties: false }, /"unevaluatedProperties", which is not supported/],
      [{ properties: { a: { $dynamicRef: '#meta' } } }, /"\$dynamicRef"/],
      [{ $ref: 'https://example.com/schema.json' }, /points outside this schema/],
      [{ $ref: '#anchor' }, /names an anchor/],
      [{ $ref: '#/$defs/missing' }, /points to nothing/],
      [{ properties: { a: { $id: 'x', type: 'string' } } }, /nested "\$id"/],
      [{ minLength: 'three' }, /"minLength" must be a whole number/],
      [{ anyOf: [] }, /"anyOf" must be a non-empty list/],
      [{ properties: { a: 42 } }, /a schema must be an object, true or false/],
    ];
    for (const [schema, message] of refused) {
      const verdict = validateJsonSchema(schema, { a: 'x' });
      expect(verdict, JSON.stringify(schema)).toMatchObject({ valid: false, cause: 'schema' });
      expect(errorsOf(verdict)[0]?.message).toMatch(message);
    }
  });

  it('never throws, whatever the schema and the value hold', () => {
    const odd: unknown[] = [
      null,
      1,
      'x',
      [],
      { type: 5 },
      { required: 'a' },
      { enum: 3 },
      { items: [1] },
      { not: [] },
      { if: 3, then: {} },
      { $ref: 5 },
      { $ref: '#/%zz' },
    ];
    for (const schema of odd) {
      for (const value of [null, {}, [1], 'x', { __proto__: 1 }, Number.NaN])
        expect(() => validateJsonSchema(schema, value)).not.toThrow();
    }
  });
});
