/** Hostile values the generator plants in workflow files: regexes, JSONata, Unicode, pollution keys. */

/** A string that almost matches the catastrophic patterns below: backtracking engines explode on it. */
export function nearMatch(length = 40): string {
  return `${'a'.repeat(length)}!`;
}

/** Exponential on a backtracking engine against `nearMatch()`, linear on RE2. */
export const CATASTROPHIC_PATTERNS = [
  '^(a+)+$',
  '^(a|a)*$',
  '^(a|aa)+$',
  '^(a*)*b$',
  '^(\\w+\\s?)*$',
  '^([a-z0-9]+)*@x$',
  '^(.*a){20}$',
] as const;

/** Patterns RE2 cannot run (backreferences, lookaround): refused with a message, never run natively. */
export const NON_RE2_PATTERNS = ['^(a+)\\1$', '^(?=a)a+$', '(?<=a)b', '^(?!x)(a+)+$'] as const;

/** JSONata that recurses, builds huge values or spins: each must end inside the expression budget. */
export const JSONATA_BOMBS = [
  '($f := function($x){ $f($x + 1) }; $f(0))',
  '($f := function($x){ $x > 10000000 ? $x : $f($x + 1) }; $f(0))',
  '($a := function($x){ $b($x) }; $b := function($x){ $a($x) }; $a(1))',
  '$pad("", 100000000, "a")',
  '$replace($pad("", 10000000, "a"), "a", "bb")',
  '$string([1..1000000])',
  '$count([1..10000000])',
  '$join($map([1..2000000], function($v){ "aaaaaaaaaa" }))',
  '$reduce([1..40], function($acc){ $acc & $acc }, "ab")',
  '$split($pad("", 10000000, "a"), "")',
  '[1..100000].([1..100000])',
  '$sort([1..200000], function($l, $r){ $l < $r })',
  '$sum([1..10000000])',
  '$formatNumber(1e300, "#,##0.00")',
  '$fromMillis(1e20)',
  '$toMillis($pad("", 5000, "1"), "[Y][M][D][H][m][s][f]")',
  '$match($pad("", 2000000, "a"), /a/)',
  '$zip([1..3000000], [1..3000000])',
  '$keys($merge($map([1..300000], function($v){ {"k" & $string($v): $v} })))',
  '$string($) & $string($) & $string($)',
  '$spread($map([1..500000], function($v){ {"k": $v} }))',
  '$base64encode($pad("", 30000000, "x"))',
  '$encodeUrlComponent($pad("", 30000000, "é"))',
  '$uppercase($pad("", 50000000, "a"))',
] as const;

/** Reaching for globals or the prototype chain: must evaluate to plain data or a readable refusal. */
export const JSONATA_GLOBALS = [
  '$eval("1 + 1")',
  '$eval("$eval(\\"1\\")")',
  'constructor',
  '__proto__',
  '$.constructor',
  '$$.__proto__',
  '$.constructor.constructor("return process")()',
  '$string.constructor',
  '$lookup($, "constructor")',
  '$lookup($, "__proto__")',
  '$merge([{"__proto__": {"polluted": true}}])',
  '{"__proto__": {"polluted": true}}',
  '$spread({"__proto__": {"polluted": true}})',
  '(function(){ 1 }).constructor',
  '$sift($, function($v, $k){ $k = "constructor" })',
  'input.__proto__.polluted',
  '$type($.constructor)',
  '$keys($.__proto__)',
  'input.constructor.prototype',
  '$each(input, function($v, $k){ $k }).__proto__',
] as const;

/** Regex literals in expressions, against data that nearly matches. */
export function regexExpressions(pattern: string): string[] {
  const literal = `/${pattern.replaceAll('/', '\\/')}/`;
  return [
    `$match(input.text, ${literal})`,
    `$contains(input.text, ${literal})`,
    `$replace(input.text, ${literal}, "x")`,
    `$split(input.text, ${literal})`,
    `input.items[$contains($string($), ${literal})]`,
    `$count($match($pad("", 100000, "a") & "!", ${literal}))`,
  ];
}

/** Characters that break naive rendering, comparison and storage. Lone surrogates are not valid UTF-16. */
export const EXOTIC_STRINGS = [
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'zero\u200bwidth',
  'nul\u0000byte',
  '💥',
  'slug_😀',
  '\ufeffbom',
  'e\u0301',
  'line\u2028sep',
  '\u0000',
  '',
  ' ',
  'a'.repeat(65),
  'İstanbul',
  'ﬀ',
] as const;

/** Keys that reach an object's prototype when merged by assignment. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Sets `object[key] = value` as an own data property, even for "__proto__". */
export function defineOwn(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A JSON Schema carrying `pattern` in every place a JSON Schema accepts one, around one catastrophic pattern. */
export function regexSchemas(pattern: string): Array<Record<string, unknown>> {
  return [
    { type: 'object', properties: { text: { type: 'string', pattern } } },
    { type: 'object', patternProperties: { [pattern]: { type: 'string' } } },
    { type: 'object', propertyNames: { pattern } },
    { type: 'object', properties: { list: { type: 'array', items: { type: 'string', pattern } } } },
    { type: 'object', additionalProperties: { type: 'string', pattern } },
    {
      $defs: { hostile: { type: 'string', pattern } },
      type: 'object',
      properties: { text: { $ref: '#/$defs/hostile' } },
    },
    {
      type: 'object',
      properties: {
        nested: {
          type: 'object',
          properties: { deeper: { type: 'object', patternProperties: { [pattern]: { pattern } } } },
        },
      },
    },
    {
      anyOf: [
        { type: 'string', pattern },
        { type: 'object', properties: { text: { pattern } } },
      ],
    },
    { type: 'object', dependentSchemas: { text: { properties: { text: { pattern } } } } },
    {
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        uri: { type: 'string', format: 'uri' },
        text: { format: 'regex' },
      },
    },
  ];
}
