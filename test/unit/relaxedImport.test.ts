import { describe, expect, it } from 'vitest';
import { previewWorkflowText, type ImportPreview } from '../../src/schema/importer';
import { parseJsonText } from '../../src/schema/jsonText';
import { LIMITS } from '../../src/schema/limits';

/** The shape the seed documentation prints its examples in: a TypeScript module, not JSON. */
const TYPESCRIPT_EXAMPLE = `export default {
  workflowConfig: {
    name: 'Printed Example',
    description:
      'Pasted exactly as the docs print it',
    workflowType: 'predefined' as const,
    config: {
      variables: {
        organizationId: 'org_demo',
        // customerId comes from the input
      },
    },
  },
  stepsConfig: [
    /* Step 1 */
    {
      stepSlug: 'start',
      name: 'Manual Trigger',
      stepType: 'trigger',
      config: { type: 'manual', data: { customerId: '{{input.customerId}}' } },
      nextSteps: { default: 'finish' },
    },
    {
      stepSlug: 'finish',
      name: "Finish (it's done)",
      stepType: 'trigger',
      config: { type: 'manual' },
      nextSteps: {},
    },
  ],
};
`;

/** Generous: a noisy 2-core CI box; these finish in well under a second on it. */
const BUDGET_MS = 5_000;

function timed(text: string): { preview: ImportPreview; ms: number } {
  const started = performance.now();
  const preview = previewWorkflowText(text);
  return { preview, ms: performance.now() - started };
}

describe('relaxed JSON on import', () => {
  it('imports a TypeScript object literal pasted as printed, saying it was converted', () => {
    const preview = previewWorkflowText(TYPESCRIPT_EXAMPLE);
    expect(preview.problems).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.syntax).toBe('relaxed');
    expect(preview.file?.workflowConfig.name).toBe('Printed Example');
    expect(preview.file?.stepsConfig[1]?.name).toBe("Finish (it's done)");
  });

  it('reads strict JSON as JSON, and the editor and run forms stay strict', () => {
    expect(previewWorkflowText(JSON.stringify(JSON5_FREE_FILE)).syntax).toBe('json');
    expect(parseJsonText("{ a: 'b' }").ok).toBe(false);
    expect(parseJsonText("{ a: 'b' }", { relaxed: true })).toEqual({ ok: true, value: { a: 'b' }, syntax: 'relaxed' });
  });

  it('names where relaxed JSON goes wrong when it got further than strict JSON', () => {
    const preview = previewWorkflowText("{\n  workflowConfig: { name: 'x' },\n  stepsConfig: [ { stepSlug: 'a' ] }");
    expect(preview.problems[0]?.message).toBe(
      "this is not valid JSON, nor relaxed JSON: invalid character ']' at line 3, column 34",
    );
  });

  it('keeps "as const" and "export default" inside strings and comments as they are', () => {
    const parsed = parseJsonText('{ a: \'x as const\', /* export default */ b: "export default" } as const', {
      relaxed: true,
    });
    expect(parsed).toEqual({ ok: true, value: { a: 'x as const', b: 'export default' }, syntax: 'relaxed' });
  });
});

describe('hostile relaxed JSON gets the same refusals as JSON, within a budget', () => {
  it('refuses __proto__ keys, unquoted or quoted', () => {
    for (const text of [
      "{ workflowConfig: { name: 'x', __proto__: { polluted: true } }, stepsConfig: [], }",
      "{ '__proto__': { polluted: true }, }",
    ]) {
      const { problems } = previewWorkflowText(text);
      expect(problems).toEqual([expect.objectContaining({ code: 'forbidden-key' })]);
      expect(problems[0]!.message).toBe('the key "__proto__" is not allowed');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting, closed or cut off, without a draft', () => {
    const closed = timed(`{ a: ${'['.repeat(400_000)}${']'.repeat(400_000)}, }`);
    expect(closed.preview.problems).toEqual([expect.objectContaining({ code: 'too-deep' })]);
    expect(closed.preview.problems[0]!.message).toBe(`values are nested more than ${LIMITS.jsonDepth} levels deep`);
    const open = timed(`{ a: ${'['.repeat(1_000_000)}`);
    expect(open.preview.problems).toEqual([expect.objectContaining({ code: 'bad-json' })]);
    for (const { preview, ms } of [closed, open]) {
      expect(preview.draft).toBeUndefined();
      expect(ms).toBeLessThan(BUDGET_MS);
    }
  });

  it('refuses a file over the size limit before reading it', () => {
    const { preview, ms } = timed(`{ a: '${'x'.repeat(LIMITS.importBytes)}', }`);
    expect(preview.problems).toEqual([expect.objectContaining({ code: 'too-large' })]);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('refuses too many entries by their number, without a draft', () => {
    const keys = Array.from({ length: 200_000 }, (_, i) => `k${i}: 1,`).join('');
    const { preview, ms } = timed(`{ workflowConfig: { name: 'x', config: { variables: { ${keys} } } }, }`);
    expect(preview.problems).toContainEqual(
      expect.objectContaining({
        code: 'too-many-entries',
        message: 'an object with 200,000 entries; the limit is 10,000',
      }),
    );
    expect(preview.draft).toBeUndefined();
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('refuses Infinity and NaN, which a saved workflow cannot hold', () => {
    const { problems } = previewWorkflowText("{ workflowConfig: { name: 'x', limit: NaN }, stepsConfig: [] }");
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'not-finite',
        path: '$.workflowConfig.limit',
        message: 'NaN is not a number JSON can hold',
      }),
    ]);
  });
});

describe('a file with errors can be kept as a draft', () => {
  it('offers a draft of an invalid workflow that cannot pass validation as it stands', () => {
    const preview = previewWorkflowText(
      TYPESCRIPT_EXAMPLE.replace("stepType: 'trigger',\n      config: { type: 'manual' }", "stepType: 'nope'"),
    );
    expect(preview.ok).toBe(false);
    expect(preview.draft?.name).toBe('Printed Example');
    // The editor opens on the JSON it was converted to, the library lists the file's own steps.
    expect(JSON.parse(preview.draft!.text)).toMatchObject({
      stepsConfig: [{ stepSlug: 'start' }, { stepType: 'nope' }],
    });
    expect(previewWorkflowText(JSON.stringify(preview.draft!.doc)).ok).toBe(false);
  });

  it('offers a draft of text that does not parse, kept as typed', () => {
    const text = '{ "workflowConfig": { "name": "Half typed" }, "stepsConfig": [ { "stepSlug": ';
    const preview = previewWorkflowText(text);
    expect(preview.draft).toEqual({ name: 'Imported draft', text, doc: expect.anything() });
    expect(previewWorkflowText(JSON.stringify(preview.draft!.doc)).ok).toBe(false);
  });

  it('offers no draft of a value that is not an object', () => {
    expect(previewWorkflowText('[1, 2]').draft).toBeUndefined();
  });
});

const JSON5_FREE_FILE = {
  workflowConfig: { name: 'Strict' },
  stepsConfig: [{ stepSlug: 'start', name: 'Start', stepType: 'trigger', config: { type: 'manual' }, nextSteps: {} }],
};
