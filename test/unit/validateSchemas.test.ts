import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/schema/problems';
import { validateWorkflowFile } from '../../src/schema/validate';
import { validateSchemas } from '../../src/schema/validateSchemas';
import { collectScopes } from '../../src/schema/walk';
import { baseWorkflow } from '../support/workflows';

/** Tests mutate the raw JSON freely. */
type Doc = any;

function withSchemas(output: unknown, input?: unknown): Doc {
  const doc: Doc = baseWorkflow();
  doc.stepsConfig[1].config.llmNode.outputSchema = output;
  if (input !== undefined) doc.workflowConfig.config.inputSchema = input;
  return doc;
}

const schemaProblems = (doc: unknown) => validateWorkflowFile(doc).problems.filter((p) => p.code.startsWith('schema-'));
const OUTPUT = '$.stepsConfig[1].config.llmNode.outputSchema';

describe('JSON Schemas in a workflow are checked at import', () => {
  it('accepts schemas whose patterns compile on RE2', () => {
    const doc = withSchemas(
      {
        type: 'object',
        properties: { code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' } },
        patternProperties: { '^x-': { type: 'string' } },
      },
      {
        type: 'object',
        properties: { email: { type: 'string', format: 'email' } },
        $defs: { id: { pattern: '^\\p{L}+$' } },
      },
    );
    expect(schemaProblems(doc)).toEqual([]);
  });

  it('refuses a backreference in an output schema pattern, at its exact path', () => {
    const doc = withSchemas({ type: 'object', properties: { code: { type: 'string', pattern: '^(a)\\1$' } } });
    const [found] = schemaProblems(doc);
    expect(found).toMatchObject({
      severity: 'error',
      code: 'schema-pattern',
      path: `${OUTPUT}.properties.code.pattern`,
      slug: 'ask',
    });
    expect(found?.message).toMatch(
      /^the pattern "\^\(a\)\\\\1\$" cannot be used: .*RE2 syntax \(no backreferences or lookaround\)/,
    );
  });

  it('refuses lookaround in a patternProperties key of the input schema', () => {
    const doc = withSchemas(
      { type: 'string' },
      { type: 'object', patternProperties: { '^(?!secret)': { type: 'string' } } },
    );
    expect(schemaProblems(doc)).toMatchObject([
      {
        severity: 'error',
        code: 'schema-pattern',
        path: '$.workflowConfig.config.inputSchema.patternProperties["^(?!secret)"]',
      },
    ]);
  });

  it('looks into every subschema position, and never into data', () => {
    const bad = { pattern: '(?<=a)b' };
    const doc = withSchemas({
      items: [bad],
      prefixItems: [bad],
      anyOf: [bad],
      not: bad,
      if: bad,
      then: bad,
      else: bad,
      contains: bad,
      additionalProperties: bad,
      propertyNames: bad,
      $defs: { x: bad },
      definitions: { y: bad },
      dependentSchemas: { z: bad },
      dependencies: { w: bad, names: ['a'] },
      properties: { p: { items: bad } },
      enum: [bad],
      const: bad,
      default: bad,
      examples: [bad],
    });
    const paths = schemaProblems(doc).map((p) => p.path.slice(OUTPUT.length));
    expect(paths.sort()).toEqual([
      '.$defs.x.pattern',
      '.additionalProperties.pattern',
      '.anyOf[0].pattern',
      '.contains.pattern',
      '.definitions.y.pattern',
      '.dependencies.w.pattern',
      '.dependentSchemas.z.pattern',
      '.else.pattern',
      '.if.pattern',
      '.items[0].pattern',
      '.not.pattern',
      '.prefixItems[0].pattern',
      '.properties.p.items.pattern',
      '.propertyNames.pattern',
      '.then.pattern',
    ]);
  });

  it('reports unsupported keywords, non-local and dangling references, and broken keyword values', () => {
    const doc = withSchemas({
      type: 'object',
      unevaluatedProperties: false,
      properties: {
        remote: { $ref: 'https://example.com/s.json' },
        anchor: { $ref: '#thing' },
        dangling: { $ref: '#/$defs/nothing' },
        fine: { $ref: '#/$defs/n' },
        nested: { $id: 'inner', type: 'string' },
        broken: { minLength: -1 },
        notASchema: 5,
      },
      $defs: { n: { type: 'number' } },
    });
    const found = schemaProblems(doc).map((p: Problem) => [p.code, p.path.slice(OUTPUT.length)]);
    expect(found.sort()).toEqual([
      ['schema-keyword', '.properties.broken.minLength'],
      ['schema-ref', '.properties.anchor.$ref'],
      ['schema-ref', '.properties.dangling.$ref'],
      ['schema-ref', '.properties.remote.$ref'],
      ['schema-shape', '.properties.notASchema'],
      ['schema-unsupported', '.properties.nested.$id'],
      ['schema-unsupported', '.unevaluatedProperties'],
    ]);
  });

  it('checks schemas of steps inside containers and of bundled workflows', () => {
    const doc: Doc = baseWorkflow();
    const inner = {
      stepSlug: 'inner',
      name: 'Inner',
      stepType: 'llm',
      config: { llmNode: { name: 'i', model: 'm', userPrompt: 'x', tools: [], outputSchema: { pattern: '\\1' } } },
    };
    doc.stepsConfig.push({
      stepSlug: 'each',
      name: 'Each',
      stepType: 'loop',
      config: { forEach: '[1]', steps: [inner] },
    });
    doc.bundledWorkflows = [
      {
        workflowConfig: { name: 'Child', config: { inputSchema: { pattern: '(?=x)' } } },
        stepsConfig: [{ stepSlug: 'start', name: 'S', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} }],
      },
    ];
    expect(
      schemaProblems(doc)
        .map((p) => p.path)
        .sort(),
    ).toEqual([
      '$.bundledWorkflows[0].workflowConfig.config.inputSchema.pattern',
      '$.stepsConfig[3].config.steps[0].config.llmNode.outputSchema.pattern',
    ]);
  });

  it('never throws on any JSON value, however deep, and stops compiling past a total pattern length', () => {
    let deep: unknown = { pattern: '(a)\\1' };
    for (let i = 0; i < 5_000; i++) deep = { not: deep };
    const problems: Problem[] = [];
    const settings = { inputSchema: deep };
    expect(() =>
      validateSchemas(settings, collectScopes([], ['stepsConfig']), ['workflowConfig', 'config'], {
        add: (p) => problems.push(p),
      }),
    ).not.toThrow();
    expect(problems).toHaveLength(1);

    const many = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`p${i}`, { pattern: `${i}${'x'.repeat(4_990)}` }]),
    );
    const costly: Problem[] = [];
    validateSchemas({ inputSchema: { properties: many } }, [], [], { add: (p) => costly.push(p) });
    expect(costly.length).toBeGreaterThan(0);
    expect(costly.every((p) => p.code === 'schema-too-costly')).toBe(true);

    for (const odd of [
      null,
      1,
      'x',
      [],
      [[]],
      { properties: null },
      { patternProperties: [] },
      { $ref: 1 },
      { dependencies: { a: 5 } },
    ]) {
      expect(() => validateSchemas({ inputSchema: odd }, [], [], { add: () => {} })).not.toThrow();
    }
  });
});
