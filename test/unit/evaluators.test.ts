import { describe, expect, it } from 'vitest';
import { checkEvaluators, evaluateCell } from '../../src/schema/evaluators';
import { evaluatorSchema, type Evaluator, type ExperimentRow } from '../../src/schema/experiment';

/** An evaluator as the setup form produces it (defaults filled by the contract's schema). */
const make = (raw: Record<string, unknown>): Evaluator => evaluatorSchema.parse({ id: 'e1', label: 'check', ...raw });

async function verdict(raw: Record<string, unknown>, output: unknown, input: ExperimentRow = {}, expected?: unknown) {
  const [result] = await evaluateCell([make(raw)], { input, output, expected, nowMs: 0 });
  return result!;
}

describe('evaluateCell: json-schema', () => {
  const schema = { type: 'object', properties: { total: { type: 'number' } }, required: ['total'] };

  it('passes a valid value at the path and fails an invalid one naming the first failing JSON path', async () => {
    expect((await verdict({ kind: 'json-schema', schema }, { total: 3 })).pass).toBe(true);
    const bad = await verdict({ kind: 'json-schema', schema }, { total: 'three' });
    expect(bad.pass).toBe(false);
    expect(bad.reason).toBe('output.total: must be a number (got a string)');
  });

  it('reads the value at a dotted path and checks JSON text as the value it spells', async () => {
    const nested = await verdict({ kind: 'json-schema', path: 'invoice', schema }, { invoice: '{"total": 4}' });
    expect(nested).toMatchObject({ pass: true, reason: 'output.invoice is JSON text that matches the schema' });
    const wrong = await verdict({ kind: 'json-schema', path: 'invoice', schema }, { invoice: { total: [] } });
    expect(wrong.reason).toMatch(/^output\.invoice\.total: /);
  });

  it('a schema that cannot be used fails with its reason, not a throw', async () => {
    const bad = await verdict({ kind: 'json-schema', schema: { type: 'string', pattern: '(a' } }, 'a');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(/^the schema cannot be used/);
  });
});

describe('evaluateCell: equals', () => {
  it('compares deeply (key order aside) and says expected vs actual compactly', async () => {
    const raw = { kind: 'equals', expected: { from: 'value', value: { a: 1, b: [1, 2] } } };
    expect((await verdict(raw, { b: [1, 2], a: 1 })).pass).toBe(true);
    const bad = await verdict(raw, { a: 1, b: [2, 1] });
    expect(bad).toMatchObject({ pass: false, reason: 'output: expected {"a":1,"b":[1,2]}, got {"a":1,"b":[2,1]}' });
  });

  it('reads the expected value from a column; a number output equals the text a column holds', async () => {
    const raw = { kind: 'equals', path: 'total', expected: { from: 'column', column: 'want' } };
    expect((await verdict(raw, { total: 42 }, { want: '42' })).pass).toBe(true);
    expect((await verdict(raw, { total: 41 }, { want: '42' })).reason).toBe('output.total: expected "42", got 41');
    expect((await verdict(raw, { total: 42 }, {})).reason).toBe(
      'the row has no column "want" to read the expected value from',
    );
  });

  it('a missing path is a failing check naming the path', async () => {
    const raw = { kind: 'equals', path: 'lines.2.price', expected: { from: 'value', value: 1 } };
    const bad = await verdict(raw, { lines: [{ price: 1 }] });
    expect(bad).toMatchObject({
      pass: false,
      reason: 'the output has no value at "lines.2.price": "lines" is a list of 1',
    });
  });
});

describe('evaluateCell: contains', () => {
  it('finds a substring of text, honouring the case option', async () => {
    const raw = { kind: 'contains', expected: { from: 'value', value: 'Paris' } };
    expect((await verdict(raw, 'I love Paris.')).pass).toBe(true);
    expect((await verdict(raw, 'i love paris.')).pass).toBe(false);
    expect((await verdict({ ...raw, caseSensitive: false }, 'i love paris.')).pass).toBe(true);
  });

  it('finds a member of a list, and fails on an object with a reason', async () => {
    const raw = { kind: 'contains', path: 'tags', expected: { from: 'value', value: 'urgent' } };
    expect((await verdict(raw, { tags: ['billing', 'urgent'] })).pass).toBe(true);
    const missing = await verdict(raw, { tags: ['billing'] });
    expect(missing.reason).toBe('output.tags (["billing"]) has no item "urgent"');
    expect((await verdict(raw, { tags: { urgent: true } })).reason).toBe(
      'output.tags is an object, not text or a list',
    );
  });
});

describe('evaluateCell: regex', () => {
  it('matches on RE2, with the case option', async () => {
    expect((await verdict({ kind: 'regex', pattern: '^INV-\\d+$' }, 'INV-204')).pass).toBe(true);
    expect((await verdict({ kind: 'regex', pattern: '^inv-\\d+$' }, 'INV-204')).pass).toBe(false);
    expect((await verdict({ kind: 'regex', pattern: '^inv-\\d+$', caseInsensitive: true }, 'INV-204')).pass).toBe(true);
  });

  it('a pattern RE2 cannot compile gives a clear reason, not a throw', async () => {
    const bad = await verdict({ kind: 'regex', pattern: '(a)\\1' }, 'aa');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toMatch(/^the pattern \/\(a\)\\1\/ cannot be used: invalid escape sequence/);
  });

  it('a catastrophic-backtracking pattern answers at once on a long text', async () => {
    const text = `${'a'.repeat(50_000)}!`;
    const result = await verdict({ kind: 'regex', pattern: '^(a+)+$' }, text);
    expect(result.pass).toBe(false);
  });
});

describe('evaluateCell: jsonata', () => {
  it('passes when the expression over {input, output, expected} is true', async () => {
    const raw = { kind: 'jsonata', expression: 'output.total = input.qty * 2 and expected = "x"' };
    expect((await verdict(raw, { total: 6 }, { qty: 3 }, 'x')).pass).toBe(true);
    const bad = await verdict({ kind: 'jsonata', expression: 'output.total' }, { total: 6 });
    expect(bad).toMatchObject({ pass: false, reason: 'the expression gave 6, not true' });
  });

  it("reads its own expected value from a column over the cell's default", async () => {
    const raw = { kind: 'jsonata', expression: 'output = expected', expected: { from: 'column', column: 'want' } };
    expect((await verdict(raw, 'yes', { want: 'yes' }, 'no')).pass).toBe(true);
  });

  it('a hostile expression is stopped by the expression budget and fails with a reason', async () => {
    // Five million calls: without the budget this runs for many seconds and answers a list.
    const slow = { kind: 'jsonata', expression: '($f := function($n){ $n > 0 ? $f($n - 1) : 0 }; [1..100000].$f(50))' };
    const result = await verdict(slow, null);
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^the expression failed: .*timeout/i);
    const deep = { kind: 'jsonata', expression: '($f := function($n){ $n = 0 ? 0 : $f($n - 1) + 1 }; $f(100000000))' };
    expect((await verdict(deep, null)).reason).toMatch(/^the expression failed: /);
  });

  it('the llm judge is left to its own run', async () => {
    const judge = make({ kind: 'llm-judge', prompt: 'Is {{output}} polite?', model: { model: 'demo' } });
    expect(await evaluateCell([judge], { input: {}, output: 'hi' })).toEqual([]);
  });
});

describe('checkEvaluators', () => {
  it('names each bad field: regex, JSONata, schema, judge prompt, a column not in the table', () => {
    const evaluators = [
      make({ id: 'r', kind: 'regex', pattern: 'a(b' }),
      make({ id: 'j', kind: 'jsonata', expression: 'output.(' }),
      make({ id: 's', kind: 'json-schema', schema: { properties: { code: { type: 'string', pattern: '(?=x)' } } } }),
      make({ id: 'p', kind: 'llm-judge', prompt: 'Judge {{steps.x.output}}', model: { model: 'demo' } }),
      make({ id: 'c', kind: 'equals', expected: { from: 'column', column: 'answer' } }),
      make({ id: 'ok', kind: 'contains', expected: { from: 'value', value: 'x' } }),
    ];
    const problems = checkEvaluators(evaluators, ['question']);
    expect(problems.map((p) => [p.evaluatorId, p.field])).toEqual([
      ['r', 'pattern'],
      ['j', 'expression'],
      ['s', 'schema'],
      ['p', 'prompt'],
      ['c', 'expected'],
    ]);
    expect(problems[0]!.message).toMatch(/missing closing \)/);
    expect(problems[2]!.message).toMatch(/^properties\.code\.pattern: /);
    expect(problems[3]!.message).toMatch(/only paths into input, output, expected/);
    expect(problems[4]!.message).toBe('the table has no column "answer" (it has question)');
  });

  it('has nothing to say about good evaluators', () => {
    const good = [
      make({ id: 'a', kind: 'regex', pattern: '^\\w+$' }),
      make({
        id: 'b',
        kind: 'llm-judge',
        prompt: 'Does {{output}} answer {{input.question}}?',
        model: { model: 'demo' },
      }),
    ];
    expect(checkEvaluators(good)).toEqual([]);
  });
});
