import { testPattern } from '../../schema/jsonSchemaKeywords';
import { findCurrency, findDate, findEmail, findIds, findOrganisation, findPlace, findUrl } from './evidence';
import { samplePattern } from './patternSample';
import type { FillContext, Filled, SchemaNode } from './schemaTypes';

/** A property-name pattern and where its value may be found in the conversation. */
interface StringHint {
  name: RegExp;
  find(ctx: FillContext, name: string): string | undefined;
  fallback?: string;
}

const inTexts = (finder: (text: string) => string | undefined) => (ctx: FillContext) => firstOf(ctx.texts, finder);

/** First match wins, so the id rule precedes the `customer…` name rule (`customerId` is an id). */
const STRING_HINTS: readonly StringHint[] = [
  { name: /(?:^id$|Id$|_id$|ID$)/, find: (ctx, name) => findIds(ctx.texts, name)[0] },
  { name: /email/i, find: inTexts(findEmail), fallback: 'someone@example.com' },
  { name: /url|link|website|href/i, find: inTexts(findUrl), fallback: 'https://example.com' },
  { name: /currency/i, find: inTexts(findCurrency), fallback: 'EUR' },
  { name: /date|deadline/i, find: inTexts(findDate), fallback: '2026-01-01' },
  { name: /city|location|place|country|region/i, find: inTexts(findPlace) },
  {
    name: /customer|company|client|organi[sz]ation|vendor|payer|recipient|account|name/i,
    find: inTexts(findOrganisation),
  },
  {
    name: /answer|response|reply|summary|content|message|text$/i,
    find: (ctx) => (ctx.notes.length > 0 ? explain(ctx) : ctx.answer?.()),
  },
  { name: /reason|rationale|explanation|justification|why|note|comment|description/i, find: explain },
];

const FORMAT_FALLBACKS: Record<string, { test: RegExp; value: string; find?: (text: string) => string | undefined }> = {
  email: { test: /^[^@\s]+@[^@\s]+\.[^@\s]+$/, value: 'someone@example.com', find: findEmail },
  uri: { test: /^[a-z][a-z0-9+.-]*:\S+$/i, value: 'https://example.com', find: findUrl },
  url: { test: /^https?:\/\/\S+$/i, value: 'https://example.com', find: findUrl },
  date: { test: /^\d{4}-\d{2}-\d{2}$/, value: '2026-01-01', find: findDate },
  'date-time': {
    test: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/,
    value: '2026-01-01T00:00:00Z',
  },
  time: { test: /^\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})?$/, value: '00:00:00Z' },
  uuid: {
    test: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    value: '00000000-0000-4000-8000-000000000000',
  },
  hostname: { test: /^[a-z0-9.-]+$/i, value: 'example.com' },
  ipv4: { test: /^\d{1,3}(?:\.\d{1,3}){3}$/, value: '127.0.0.1' },
};

export function chooseString(node: SchemaNode, name: string, ctx: FillContext): Filled {
  const format = node.format ? FORMAT_FALLBACKS[node.format] : undefined;
  if (format) {
    const found = format.find ? firstOf(ctx.texts, format.find) : undefined;
    const valid = found !== undefined && format.test.test(found);
    return { value: valid ? found : format.value, found: valid };
  }
  const hint = STRING_HINTS.find((h) => h.name.test(name));
  const found = hint?.find(ctx, name);
  if (found !== undefined) return { value: constrain(found, node, ctx), found: true };
  if (typeof node.default === 'string') return { value: constrain(node.default, node, ctx), found: false };
  const example = node.examples?.find((e): e is string => typeof e === 'string');
  const made = example ?? hint?.fallback ?? gist(ctx.texts[0] ?? '') ?? humanise(name);
  return { value: constrain(made, node, ctx), found: false };
}

/** A short clause-based explanation of the choices made so far, else a pointer to the request. */
function explain(ctx: FillContext): string | undefined {
  if (ctx.notes.length > 0) return `${capitalise(ctx.notes.join('; '))}.`;
  const request = gist(ctx.texts[0] ?? '');
  return request ? `Based on the request: "${request}".` : undefined;
}

/** Fits a string to pattern / minLength / maxLength; a pattern is met by a token from the texts if need be. */
export function constrain(value: string, node: SchemaNode, ctx: FillContext): string {
  let result = value;
  if (node.pattern && !safeTest(node.pattern, result)) {
    const tokens = ctx.texts.flatMap((t) => t.split(/[\s,;:()[\]{}"']+/)).filter(Boolean);
    result = tokens.find((t) => safeTest(node.pattern!, t)) ?? samplePattern(node.pattern) ?? result;
  }
  if (node.maxLength !== undefined && [...result].length > node.maxLength)
    result = [...result].slice(0, node.maxLength).join('');
  if (node.minLength !== undefined && [...result].length < node.minLength) result = result.padEnd(node.minLength, '.');
  return result;
}

/** On RE2 within a cost cap, like the validator; a pattern it cannot run leaves the value as it is. */
function safeTest(pattern: string, text: string): boolean {
  return testPattern(pattern, text) ?? true;
}

/** The first words of a text, as a quotable gist ('' → undefined). */
export function gist(text: string, words = 10): string | undefined {
  const all = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  if (all.length === 0) return undefined;
  const cut = all.slice(0, words).join(' ');
  // The lookbehind starts the match only where a run starts: without it a long run inside is quadratic.
  return all.length > words ? `${cut.replace(/(?<![.,;:!?])[.,;:!?]+$/, '')}…` : cut;
}

function firstOf(texts: readonly string[], finder: (text: string) => string | undefined): string | undefined {
  for (const text of texts) {
    const found = finder(text);
    if (found !== undefined) return found;
  }
  return undefined;
}

function humanise(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/[_-]+/g, ' ')
      .trim() || 'value'
  );
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
