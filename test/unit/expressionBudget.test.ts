import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluateExpression, type ExpressionContext } from '../../src/schema/expression';

const OPTIONS = { nowMs: Date.UTC(2024, 0, 2), seed: 'budget' };
/** Generous: the point is that each one ends (before the guards these took 0.5 s to minutes, or crashed). */
const ENDS_WITHIN_MS = 2_000;

const evaluate = (source: string, context: ExpressionContext = {}) => evaluateExpression(source, context, OPTIONS);

/** A value of 10^4 leaves ten times over, built in a few steps from shared references. */
const SHARED_TREE = [
  '$a := [1..1000]',
  ...['b', 'c', 'd', 'e'].map((name, index) => {
    const previous = 'abcd'[index];
    return `$${name} := [${Array.from({ length: 10 }, () => `[$${previous}]`).join(',')}]`;
  }),
].join('; ');
/** 2^depth leaves from `depth` doublings of shared references. */
const DOUBLED = '$double := function($x, $n){ $n = 0 ? $x : $double([[$x], [$x]], $n - 1) }';
const BIG = '$big := $pad("", 1000000, "a")';
/** One object of 2,000 keys, referenced 1,000 times. */
const COPIES: unknown[] = new Array(1_000).fill(
  Object.fromEntries(Array.from({ length: 2_000 }, (_, index) => [`k${index}`, index])),
);

const hostile: Array<[what: string, source: string, message: string | RegExp]> = [
  ['$pad to 10^8', '$pad("", 100000000)', '$pad(): a width of 100000000 is over the limit of 1,000,000 characters'],
  ['$pad to -10^8', '$pad("x", -100000000, "ab")', '$pad(): a width of -100000000 is over the limit'],
  [
    '$replace with a long replacement',
    `(${BIG}; $replace($big, "a", $pad("", 100, "b")))`,
    '$replace(): a result of 100,000,000 characters is over the limit of 1,000,000 characters',
  ],
  [
    '$replace by regex growing the text',
    `(${BIG}; $replace($big, /a/, "bb"))`,
    '$replace(): a result of 1,000,001 characters',
  ],
  [
    '$replace copying each match 2,000 times',
    '$replace($pad("", 100000, "a"), /a+/, $join([1..2000].("$0")))',
    /\$replace\(\): a result of 200,\d{3},\d{3} characters/,
  ],
  ['$split into every character', `(${BIG}; $split($big, ""))`, '$split(): more than 100,000 parts'],
  ['$split by regex', `(${BIG}; $split($big, /a/))`, /\$split\(\): more than 100,000 matches|timeout/i],
  [
    '$match on every character',
    '$match($pad("", 150000, "a"), /a/)',
    /\$match\(\): more than 100,000 matches|timeout/i,
  ],
  [
    '$join of 100,000 copies of a long string',
    `(${BIG}; $join([1..100000].$big))`,
    '$join(): a result of 100,000,000,000 characters',
  ],
  ['$string of shared references', `(${SHARED_TREE}; $string($e))`, '$string(): the result would be over the limit'],
  ['"&" with shared references', `(${DOUBLED}; $double(1, 30) & "")`, '$string(): the result would be over the limit'],
  [
    '"&" doubling a string in a recursive function',
    '($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f("a", 28))',
    '"&": a result of 1,048,576 characters is over the limit of 1,000,000 characters',
  ],
  [
    '"=" on shared references',
    `(${DOUBLED}; $double(1, 24) = $double(1, 24))`,
    'comparing values of more than 1,000,000 entries',
  ],
  ['a result of shared references', `(${DOUBLED}; $double(1, 22))`, 'the result is over 1,000,000 values'],
  [
    '$formatInteger in roman numerals',
    '$formatInteger(1e15, "I")',
    '$formatInteger(): roman numerals go up to 1,000,000',
  ],
  [
    '$fromMillis with a picture width of 10^8',
    '$fromMillis(0, "[Y,100000000]")',
    '$fromMillis(): a picture width of 100000000',
  ],
  [
    '$sort of 30,000 items with a comparator',
    '$sort([1..30000], function($a, $b){ $a > $b })',
    '$sort(): 30,000 items with a comparator function are over the limit of 5,000',
  ],
  ['$distinct of 10,000 arrays', '$distinct([1..10000].[$])', '$distinct(): 10,000 items are over the limit of 5,000'],
  ['$keys of 1,000 copies of a 2,000-key object', '$keys(input.copies)', '$keys(): more than 1,000,000 entries'],
  ['$map of a built-in over copies of a long string', `(${BIG}; $map([1..1000].$big, $uppercase))`, /timeout/i],
  ['a tail-recursive function', '($f := function($n){ $f($n + 1) }; $f(0))', /timeout/i],
  ['a recursive function', '($f := function($n){ 1 + $f($n + 1) }; $f(0))', /stack overflow/i],
  ['$eval', '$eval("1 + 1")', '$eval is not allowed'],
  // Only the built-ins an expression names are bound guarded: every way to reach one names it.
  ['$pad through an alias', '($f := $pad; $f("", 100000000))', '$pad(): a width of 100000000 is over the limit'],
  [
    '$pad inside a lambda given to $map',
    '$map([100000000], function($w){ $pad("", $w) })',
    '$pad(): a width of 100000000',
  ],
  ['"&" inside a lambda', '($f := function($s){ $s & $s }; $f($pad("", 600000, "a")))', '"&": a result of 1,200,000'],
];

describe('hostile expressions end within the budget', () => {
  it.each(hostile)('%s', async (_what, source, message) => {
    const started = performance.now();
    const error: unknown = await evaluate(source, { input: { copies: COPIES } }).then(
      (result) => ({ resolved: typeof result === 'string' ? `a string of ${result.length}` : result }),
      (reason: unknown) => reason,
    );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ExpressionError);
    const detail = (error as ExpressionError).message;
    if (typeof message === 'string') expect(detail).toContain(message);
    else expect(detail).toMatch(message);
    expect(elapsed).toBeLessThan(ENDS_WITHIN_MS);
  });
});

describe('expressions reach nothing outside their context', () => {
  it.each([
    ['$.constructor', undefined],
    ['$.__proto__', undefined],
    ['$.constructor.constructor("return 1")', undefined],
    ['$lookup($, "constructor")', undefined],
    ['$string($string)', ''],
    ['$string($)', '{}'],
    ['$keys($)', undefined],
  ])('%s', async (source, expected) => {
    expect(
      await evaluate(source).catch((error: unknown) => (error instanceof ExpressionError ? undefined : error)),
    ).toEqual(expected);
  });
});

describe('ordinary uses stay within the budget', () => {
  it('strings', async () => {
    expect(await evaluate('$replace("hello world", "o", "0")')).toBe('hell0 w0rld');
    expect(await evaluate('$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")')).toBe('Smith, John');
    expect(await evaluate('$pad("x", 20)')).toBe(`x${' '.repeat(19)}`);
    expect(await evaluate('$pad("x", -20, "#")')).toBe(`${'#'.repeat(19)}x`);
    expect(await evaluate('$string({"a": 1, "b": [true, null, "c"]})')).toBe('{"a":1,"b":[true,null,"c"]}');
    expect(await evaluate('$string({"a": 1}, true)')).toBe('{\n  "a": 1\n}');
    expect(await evaluate('$length($join([1..1000].$string($), ","))')).toBe(3_892);
    expect(await evaluate('$split("a,b,,c", ",")')).toEqual(['a', 'b', '', 'c']);
    expect(await evaluate('$formatInteger(1999, "I")')).toBe('MCMXCIX');
    expect(await evaluate('$fromMillis(0, "[Y0001]-[M01]-[D01]")')).toBe('1970-01-01');
    expect(await evaluate('$formatNumber(1234.5, "#,##0.00")')).toBe('1,234.50');
    expect(await evaluate('$base64encode("hello")')).toBe('aGVsbG8=');
  });

  it('"&" keeps its meaning', async () => {
    expect(await evaluate('"a" & 1 & true & null')).toBe('a1truenull');
    expect(await evaluate('"a" & nothing & "b"')).toBe('ab');
    expect(await evaluate('{"k": [1, 2]} & "!"')).toBe('{"k":[1,2]}!');
    expect(await evaluate('$uppercase & "x"')).toBe('x');
    expect(await evaluate('$map(["a", "b"], function($v){ $v & $v })')).toEqual(['aa', 'bb']);
  });

  it('"=", "!=" and "in" keep their meaning', async () => {
    expect(await evaluate('[1, {"a": 2}] = [1, {"a": 2}]')).toBe(true);
    expect(await evaluate('{"a": 1} != {"a": 2}')).toBe(true);
    expect(await evaluate('"b" in ["a", "b"]')).toBe(true);
    expect(await evaluate('[1..3][$ = 2]')).toBe(2);
  });

  it('arrays and objects', async () => {
    expect(await evaluate('$sort([3, 1, 2])')).toEqual([1, 2, 3]);
    expect(await evaluate('$count($sort([1..2000].(2000 - $)))')).toBe(2_000);
    expect(await evaluate('$sort([3, 1, 2], function($a, $b){ $a < $b })')).toEqual([3, 2, 1]);
  });

  it('$sort of a big list of numbers or strings runs natively, in the order jsonata gives', async () => {
    const numbers = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
    expect(await evaluate('$sort(input.numbers)', { input: { numbers } })).toEqual([...numbers].sort((a, b) => a - b));
    // jsonata's own merge sort (via a comparator with its default rule) on a sample of tricky strings.
    const words = ['b', 'B', 'a', 'ä', 'A', '10', '9', '', 'a ', '😀', 'z', 'aa', 'a'];
    const reference = await evaluate('$sort(input.words, function($l, $r){ $l > $r })', { input: { words } });
    expect(await evaluate('$sort(input.words)', { input: { words } })).toEqual(reference);
    // Mixed types keep jsonata's own error.
    await expect(evaluate('$sort([1, "a"])')).rejects.toThrow(/D3070|sort/);
    expect(await evaluate('$distinct([1, 2, 1, [1], [1]])')).toEqual([1, 2, [1]]);
    expect(await evaluate('$keys({"a": 1, "b": 2})')).toEqual(['a', 'b']);
    expect(await evaluate('$merge([{"a": 1}, {"b": 2}])')).toEqual({ a: 1, b: 2 });
    expect(await evaluate('{"a": 1} ~> |$|{"b": 2}|')).toEqual({ a: 1, b: 2 });
  });

  it('a long input string passes through but does not grow past the limit', async () => {
    const context = { input: { body: `a${'x'.repeat(1_999)}`.repeat(1_000) } };
    expect(await evaluate('$length($replace(input.body, "a", "b"))', context)).toBe(2_000_000);
    expect(await evaluate('$length($uppercase(input.body))', context)).toBe(2_000_000);
    const error = await evaluate('input.body & "!"', context).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toContain(
      '"&": a result of 2,000,001 characters is over the limit of 2,000,000',
    );
  });
});
