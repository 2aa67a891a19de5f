import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  checkExpression,
  evaluateCondition,
  evaluateExpression,
  type ExpressionContext,
} from '../../src/schema/expression';
import { LIMITS } from '../../src/schema/limits';

const OPTIONS = { nowMs: Date.UTC(2024, 0, 2, 3, 4, 5, 6), seed: 'run-1/step-a' };

function createContext(): ExpressionContext {
  return {
    input: { customerId: 'c-42', amount: 120 },
    trigger: { data: { source: 'manual' } },
    steps: {
      triage: { output: { department: 'billing', urgent: true } },
      list: {
        output: {
          items: [
            { id: 'a', price: 5 },
            { id: 'b', price: 7 },
          ],
        },
      },
      'fetch-user': { output: { name: 'Ada' } },
    },
    variables: { threshold: 100 },
    loop: { item: 'x', index: 1 },
    run: { id: 'run-1' },
  };
}

const evaluate = (source: string, context: ExpressionContext = createContext(), options = OPTIONS) =>
  evaluateExpression(source, context, options);

/** The rejection of `promise`, asserted to be an ExpressionError. */
async function rejectionOf(promise: Promise<unknown>): Promise<ExpressionError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ExpressionError);
  return error as ExpressionError;
}

describe('evaluating expressions', () => {
  it('compares values from every part of the context', async () => {
    expect(await evaluate('steps.triage.output.department = "billing"')).toBe(true);
    expect(await evaluate('input.amount > variables.threshold')).toBe(true);
    expect(await evaluate('loop.index < 3 and trigger.data.source = "manual"')).toBe(true);
    expect(await evaluate('run.id & "/" & input.customerId')).toBe('run-1/c-42');
    expect(await evaluate('steps.`fetch-user`.output.name')).toBe('Ada');
  });

  it('calls built-in functions and higher-order functions', async () => {
    expect(await evaluate('$count(steps.list.output.items) > 0')).toBe(true);
    expect(await evaluate('$sum(steps.list.output.items.price)')).toBe(12);
    expect(await evaluate('$map(steps.list.output.items, function($i){ $uppercase($i.id) })')).toEqual(['A', 'B']);
    expect(await evaluate('{"total": $sum(steps.list.output.items.price), "ids": steps.list.output.items.id}')).toEqual(
      {
        total: 12,
        ids: ['a', 'b'],
      },
    );
  });

  it('returns undefined for no match and plain arrays for sequences', async () => {
    expect(await evaluate('steps.nothing.output')).toBeUndefined();
    const result = await evaluate('[1, 2, 3][$ > 1]');
    expect(result).toEqual([2, 3]);
    expect(Object.keys(result as object)).toEqual(['0', '1']);
    expect(structuredClone(result)).toEqual([2, 3]);
  });

  it('drops functions from results so they can be stored', async () => {
    expect(await evaluate('function($x){ $x }')).toBeUndefined();
    const result = await evaluate('{"f": function(){ 1 }, "kept": [1, $uppercase]}');
    expect(result).toEqual({ kept: [1, null] });
    expect(() => structuredClone(result)).not.toThrow();
  });

  it('does not mutate the context', async () => {
    const context = createContext();
    const before = structuredClone(context);
    await evaluate('$sort(steps.list.output.items, function($a, $b){ $a.price < $b.price })', context);
    await evaluate('$reverse(steps.list.output.items)', context);
    await evaluate('steps.list.output ~> |items|{"price": 0}|', context);
    expect(context).toEqual(before);
  });

  it('returns copies that share nothing with the context', async () => {
    const context = createContext();
    const items = (await evaluate('steps.list.output.items', context)) as { price: number }[];
    expect(items).not.toBe(context.steps?.list?.output);
    items[0]!.price = 999;
    expect(await evaluate('steps.list.output.items[0].price', context)).toBe(5);
  });
});

describe('conditions', () => {
  it('coerce results with the $boolean rules', async () => {
    const cases: Array<[string, boolean]> = [
      ['steps.triage.output.urgent', true],
      ['steps.nothing', false],
      ['""', false],
      ['"text"', true],
      ['0', false],
      ['[0, 1]', true],
      ['[]', false],
      ['{}', false],
      ['steps.list.output.items', true],
    ];
    for (const [source, expected] of cases) {
      expect(await evaluateCondition(source, createContext(), OPTIONS), source).toBe(expected);
    }
  });
});

describe('regular expressions', () => {
  it('run regex literals on RE2', async () => {
    expect(await evaluate('$contains("abc", /b/)')).toBe(true);
    expect(await evaluate('$contains("ABC", /b/i)')).toBe(true);
    expect(await evaluate('$replace("a1b22c333", /[0-9]+/, "#")')).toBe('a#b#c#');
    expect(await evaluate('$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")')).toBe('Smith, John');
    expect(await evaluate('$split("a1b22c", /[0-9]+/)')).toEqual(['a', 'b', 'c']);
    expect(await evaluate('$match("line1\\nline2", /^line(\\d)$/m).groups')).toEqual(['1', '2']);
  });

  it('$match reports every match with its index and groups', async () => {
    expect(await evaluate('$match("k=v; x=y", /(\\w)=(\\w)/)')).toEqual([
      { match: 'k=v', index: 0, groups: ['k', 'v'] },
      { match: 'x=y', index: 5, groups: ['x', 'y'] },
    ]);
    expect(await evaluate('$match("y", /(x)?(y)/)')).toEqual({ match: 'y', index: 0, groups: [null, 'y'] });
  });

  it('reports positions in UTF-16 units, like JavaScript strings', async () => {
    expect(await evaluate('$match("😀é1é2", /é(\\d)/).index')).toEqual([2, 4]);
  });

  it('the catastrophic pattern (a+)+$ finishes fast', async () => {
    const started = performance.now();
    expect(await evaluate('$match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)')).toBeUndefined();
    expect(await evaluate(`$contains("${'a'.repeat(5_000)}!", /^(a|a)*$/)`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([
    ['a backreference', '$match("aa", /(a)\\1/)'],
    ['a lookahead', '$match("ab", /a(?=b)/)'],
    ['a lookbehind', '$match("ab", /(?<=a)b/)'],
  ])('refuses %s with a readable syntax error', async (_what, source) => {
    const checked = checkExpression(source);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.message).toContain('regular expressions here use RE2 syntax');
      expect(checked.position).toBeTypeOf('number');
    }
    const error = await rejectionOf(evaluate(source));
    expect(error.message).toContain('backreferences and lookaround are not supported');
  });
});

describe('budget', () => {
  it('$eval is refused', async () => {
    const error = await rejectionOf(evaluate('$eval("1 + 1")'));
    expect(error.message).toContain('$eval is not allowed');
    await rejectionOf(evaluate('$eval()'));
  });

  it('infinite recursion stops with a stack budget error', async () => {
    const error = await rejectionOf(evaluate('($f := function($x){ 1 + $f($x) }; $f(1))'));
    expect(error.code).toBe('D1011');
    expect(error.message).toMatch(/stack overflow/i);
  });

  it('a tail-recursive infinite loop stops by timeout', async () => {
    const started = performance.now();
    const error = await rejectionOf(evaluate('($f := function($x){ $f($x) }; $f(1))'));
    expect(error.code).toBe('D1012');
    expect(error.message).toMatch(/timeout/i);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('5,000 nested parentheses become an ExpressionError, not a crash', async () => {
    const nested = `${'('.repeat(5_000)}1${')'.repeat(5_000)}`;
    await rejectionOf(evaluate(nested));
    const withinLimit = `${'('.repeat(4_999)}1${')'.repeat(4_999)}`;
    const error = await rejectionOf(evaluate(withinLimit));
    expect(error.message).toBe('expression is nested too deeply');
    expect(checkExpression(withinLimit)).toEqual({ ok: false, message: 'expression is nested too deeply' });
  });

  it('deep but parseable nesting stops at the evaluation depth budget', async () => {
    const error = await rejectionOf(evaluate(`${'('.repeat(1_000)}1${')'.repeat(1_000)}`));
    expect(error.code).toBe('D1011');
  });

  it('an overlong source is refused before parsing', async () => {
    const source = `1${' + 1'.repeat(LIMITS.expressionChars / 4)}`;
    const error = await rejectionOf(evaluate(source));
    expect(error.message).toBe(`expression is longer than ${LIMITS.expressionChars} characters`);
    expect(checkExpression(source).ok).toBe(false);
  });

  it('long sequences stop at the sequence budget', async () => {
    const error = await rejectionOf(evaluate('$count([1..200000].($ * 2))'));
    expect(error.message).toMatch(/sequence/i);
  });

  it('$toMillis refuses a picture parse that could backtrack for too long', async () => {
    const started = performance.now();
    const error = await rejectionOf(evaluate(`$toMillis("${' '.repeat(40)}!", "${'[Yw]'.repeat(8)}")`));
    expect(error.message).toContain('$toMillis()');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('determinism', () => {
  it('$now() and $millis() return options.nowMs', async () => {
    expect(await evaluate('$now()')).toBe('2024-01-02T03:04:05.006Z');
    expect(await evaluate('$millis()')).toBe(OPTIONS.nowMs);
    expect(await evaluate('$now("[Y0001]-[M01]-[D01]")')).toBe('2024-01-02');
  });

  it('$random() and $shuffle() repeat for the same seed and differ for another', async () => {
    const source = '{"r": [$random(), $random(), $random()], "s": $shuffle([1,2,3,4,5,6,7,8,9,10])}';
    const first = (await evaluate(source)) as { r: number[]; s: number[] };
    expect(await evaluate(source)).toEqual(first);
    expect(new Set(first.r).size).toBe(3);
    expect(first.r.every((value) => value >= 0 && value < 1)).toBe(true);
    expect([...first.s].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await evaluate(source, createContext(), { ...OPTIONS, seed: 'another' })).not.toEqual(first);
  });

  it('$toMillis fills a missing date from options.nowMs', async () => {
    expect(await evaluate('$toMillis("10:30", "[H]:[m]")')).toBe(Date.UTC(2024, 0, 2, 10, 30));
  });

  it('wrong argument types still fail against the built-in signatures', async () => {
    const error = await rejectionOf(evaluate('$now(1)'));
    expect(error.code).toBe('T0410');
  });
});

describe('compiled expression cache', () => {
  it('reusing a cached expression gives the same results', async () => {
    const source = 'steps.list.output.items[price > 5].id';
    const results = [];
    for (let round = 0; round < 3; round += 1) results.push(await evaluate(source));
    expect(results).toEqual(['b', 'b', 'b']);
  });

  it('concurrent evaluations of one cached expression keep their own clock, seed and context', async () => {
    const source = '{"now": $millis(), "r": $random(), "id": run.id}';
    const runs = Array.from({ length: 20 }, (_, index) => ({
      context: { ...createContext(), run: { id: `run-${index}` } },
      options: { nowMs: 1_000 * index, seed: `seed-${index % 2}` },
    }));
    const results = await Promise.all(runs.map(({ context, options }) => evaluateExpression(source, context, options)));
    const sequential = [];
    for (const { context, options } of runs) sequential.push(await evaluateExpression(source, context, options));
    expect(results).toEqual(sequential);
    expect(results.map((result) => (result as { now: number }).now)).toEqual(runs.map((run) => run.options.nowMs));
  });

  it('a cached syntax error is reported the same way every time', async () => {
    const first = await rejectionOf(evaluate('1 +'));
    const second = await rejectionOf(evaluate('1 +'));
    expect(second.message).toBe(first.message);
    expect(second).not.toBe(first);
  });
});

describe('errors', () => {
  it('syntax errors carry the character position', () => {
    const checked = checkExpression('steps.a.output = ');
    expect(checked).toMatchObject({ ok: false, position: 17 });
    if (!checked.ok) expect(checked.message).toMatch(/^at character 17: /);
  });

  it('evaluation errors carry the position and never a stack trace', async () => {
    const error = await rejectionOf(evaluate('1 + "a"'));
    expect(error.position).toBeTypeOf('number');
    expect(error.message).toMatch(/^at character \d+: /);
    expect(error.message).not.toMatch(/\n\s+at /);
    const thrown = await rejectionOf(evaluate('$error("custom failure")'));
    expect(thrown.message).toContain('custom failure');
  });
});

describe('checkExpression', () => {
  it('accepts valid syntax and finds step references', () => {
    const source = 'steps.triage.output.x = 1 and $.steps.`fetch-user`.output and $count($$.steps.list.output) > 0';
    expect(checkExpression(source)).toMatchObject({ ok: true, stepRefs: ['fetch-user', 'list', 'triage'] });
  });

  it('finds references inside functions and predicates, but not nested "steps" fields', () => {
    const source = '$map(steps.a.output, function($v){ $v.steps.notAStep }) [steps.b.output.ok]';
    expect(checkExpression(source)).toMatchObject({ ok: true, stepRefs: ['a', 'b'] });
  });

  it('does not evaluate anything', () => {
    expect(checkExpression('($f := function(){ $f() }; $f())').ok).toBe(true);
  });
});
