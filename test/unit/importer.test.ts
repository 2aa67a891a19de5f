import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { previewWorkflowText } from '../../src/schema/importer';
import { migrateFile, type Migration } from '../../src/schema/migrations';
import { locateJsonError } from '../../src/schema/jsonSyntax';
import { parseJsonText } from '../../src/schema/jsonText';
import { baseWorkflow } from '../support/workflows';

const only = (text: string) => {
  const preview = previewWorkflowText(text);
  expect(preview.ok).toBe(false);
  expect(preview.file).toBeUndefined();
  return preview.problems[0]!;
};

describe('importing untrusted text', () => {
  it('imports the seed example verbatim', () => {
    const text = readFileSync(new URL('../../src/templates/single-customer-status.json', import.meta.url), 'utf8');
    const preview = previewWorkflowText(text);
    expect(preview.problems).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.summary).toMatchObject({
      name: 'Single Customer Status Assessment',
      workflowType: 'dynamic_orchestration',
      tools: ['customer_search', 'customer_update'],
      models: ['gpt-4o-mini'],
      inputs: ['customerId'],
    });
    expect(preview.summary!.steps.map((s) => s.slug)).toEqual([
      'start',
      'data_collector_agent',
      'status_analyzer_agent',
      'update_executor_agent',
      'finish',
    ]);
  });

  it('names the line and column of malformed JSON', () => {
    const problem = only('{\n  "workflowConfig": { "name": "x" },\n  "stepsConfig": [,]\n}');
    expect(problem.message).toMatch(/not valid JSON: .* at line 3, column 19/);
  });

  it('explains single quotes, trailing commas and cut-off text (where JSON is strict: editor, run forms)', () => {
    const strict = (text: string) => (parseJsonText(text) as { problems: Array<{ message: string }> }).problems[0]!;
    expect(strict("{'a': 1}").message).toMatch(/double quotes/);
    expect(strict('{"a": [1, 2,]}').message).toMatch(/trailing comma/);
    expect(only('{"workflowConfig": {"name": "x"').message).toMatch(/ends too early/);
  });

  it('refuses a wrong top-level type with a readable message', () => {
    expect(only('[1, 2, 3]').message).toMatch(/JSON object with "workflowConfig" and "stepsConfig"/);
    expect(only('"hello"').message).toMatch(/JSON object/);
    expect(only('').message).toMatch(/nothing to import/);
  });

  it('refuses a 5 MB file before parsing it', () => {
    const text = JSON.stringify({ workflowConfig: { name: 'big' }, padding: 'x'.repeat(5 * 1024 * 1024) });
    expect(only(text).message).toMatch(/the file is 5\.0 MB; the limit is 4\.0 MB/);
  });

  it('refuses deeply nested values', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const text = `{"workflowConfig": {"name": "x"}, "stepsConfig": [], "deep": ${deep}}`;
    const problem = only(text);
    expect(problem.code).toBe('too-deep');
    expect(problem.message).toMatch(/nested more than 64 levels/);
  });

  it('refuses __proto__ keys without touching any prototype', () => {
    const doc = baseWorkflow();
    const text = JSON.stringify(doc).replace('"variables":{', '"variables":{"__proto__":{"polluted":true},');
    const problem = only(text);
    expect(problem.path).toBe('$.workflowConfig.config.variables.__proto__');
    expect(problem.message).toMatch(/"__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('imports thousands of steps', () => {
    const doc = baseWorkflow() as any;
    const chain = Array.from({ length: 5000 }, (_, i) => ({
      stepSlug: `s${i}`,
      name: `S${i}`,
      stepType: 'action',
      config: { action: 'set', values: { i } },
      nextSteps: i < 4999 ? { success: `s${i + 1}` } : {},
    }));
    doc.stepsConfig = [{ ...doc.stepsConfig[0], nextSteps: { default: 's0' } }, ...chain];
    const preview = previewWorkflowText(JSON.stringify(doc));
    expect(preview.ok).toBe(true);
    expect(preview.summary!.steps).toHaveLength(5001);
  });

  it('lists the hosts, tools and secrets a workflow would use', () => {
    const doc = baseWorkflow() as any;
    doc.stepsConfig[1] = {
      stepSlug: 'call',
      name: 'Call',
      stepType: 'action',
      config: {
        action: 'http',
        method: 'POST',
        url: 'https://api.example.com/v1/{{input.id}}',
        headers: { Authorization: 'Bearer {{secrets.TOKEN}}' },
      },
      nextSteps: { success: 'done' },
    };
    doc.stepsConfig[0].nextSteps.default = 'call';
    const preview = previewWorkflowText(JSON.stringify(doc));
    expect(preview.ok).toBe(true);
    expect(preview.summary).toMatchObject({
      hosts: ['api.example.com'],
      secrets: ['TOKEN'],
      inputs: ['customerId', 'id'],
    });
  });
});

describe('format versions', () => {
  it('treats a file without formatVersion as version 1 and leaves it unchanged', () => {
    const doc = baseWorkflow() as any;
    const result = migrateFile(doc);
    expect(result.file).toBe(doc);
    expect(result.applied).toEqual([]);
  });

  it('applies each migration in order up to the current version', () => {
    const migrations: Migration[] = [
      { from: 1, describe: 'rename a', migrate: (f) => ({ ...f, b: f.a }) },
      { from: 2, describe: 'double b', migrate: (f) => ({ ...f, c: (f.b as number) * 2 }) },
    ];
    const result = migrateFile({ a: 21 }, migrations, 3);
    expect(result.file).toMatchObject({ a: 21, b: 21, c: 42, formatVersion: 3 });
    expect(result.applied).toEqual(['rename a', 'double b']);
  });

  it('refuses a file from a newer version of the app', () => {
    const problem = only(JSON.stringify({ ...baseWorkflow(), formatVersion: 99 }));
    expect(problem.message).toMatch(/format version 99, made by a newer version/);
  });
});

describe('locating JSON syntax errors', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, {"b": [true, null, -1.5e3]}, "x\\n"]', undefined],
    ['{"a" 1}', 'expected ":"'],
    ['{"a": 1 "b": 2}', 'expected "," or "}"'],
    ['{"a": "line\nbreak"}', 'raw line break'],
    ['[1] 2', 'after the end'],
    ['{"a": tru}', 'unexpected "t"'],
  ])('%j', (text, expected) => {
    const found = locateJsonError(text);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found?.message).toContain(expected);
  });
});
