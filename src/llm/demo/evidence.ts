/**
 * Reading values out of conversation text: ids, numbers, currencies, names, invoice lines, and
 * which enum value the text argues for. Pure functions over strings; callers pass the texts in
 * priority order (most relevant first), and the first match wins.
 */

/** Ids like `cus_002` or `order-17`: a short prefix, a separator, and at least one digit. */
const ID_PATTERN = /\b[a-z][a-z0-9]{1,11}[_-][a-z0-9]*\d[a-z0-9]*\b/gi;
const CURRENCY_CODES = [
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'JPY',
  'CAD',
  'AUD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'INR',
  'CNY',
] as const;
const CURRENCY_SYMBOLS: Record<string, string> = { '€': 'EUR', $: 'USD', '£': 'GBP', '¥': 'JPY' };
const STOP_WORDS = new Set(['in', 'of', 'the', 'a', 'an', 'to', 'for', 'per', 'at', 'is', 'by', 'on']);

/** Words that make a category likely, beyond the category's own name. */
const CATEGORY_KEYWORDS: Record<string, readonly string[]> = {
  billing: [
    'charge',
    'charged',
    'invoice',
    'refund',
    'payment',
    'pay',
    'paid',
    'billing',
    'bill',
    'billed',
    'price',
    'receipt',
    'subscription fee',
  ],
  support: ['error', 'bug', 'crash', 'login', 'log in', 'password', 'broken', 'how do i', 'not working'],
  urgent: ['asap', 'immediately', 'urgent', 'outage', 'down'],
  positive: ['great', 'love', 'thanks', 'excellent', 'happy'],
  negative: ['bad', 'angry', 'terrible', 'disappointed', 'twice', 'broken'],
  at_risk: ['risk', 'tickets', 'inactive', 'declining'],
  churned: ['cancelled', 'canceled', 'left', 'churn'],
};

/** Words of an identifier: `dueInDays` → due, in, days; `unit_price` → unit, price. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

/** Ids in order of appearance; ids whose prefix starts the property's first word come first. */
export function findIds(texts: readonly string[], propertyName = ''): string[] {
  const all = texts.flatMap((t) => t.match(ID_PATTERN) ?? []);
  const unique = [...new Set(all)];
  const stem = identifierWords(propertyName)[0] ?? '';
  const fits = (id: string) => stem !== '' && stem.startsWith(id.split(/[_-]/)[0]!.toLowerCase());
  return [...unique.filter(fits), ...unique.filter((id) => !fits(id))];
}

/** The number that stands closest to the property's words (`dueInDays` → "Due in 30 days" → 30). */
export function numberNear(propertyName: string, text: string): number | undefined {
  const words = identifierWords(propertyName).filter((w) => !STOP_WORDS.has(w));
  if (words.length === 0) return undefined;
  const tokens = text
    .toLowerCase()
    .split(/[^a-z0-9.,-]+/)
    .filter(Boolean);
  let best: { value: number; score: number } | undefined;
  tokens.forEach((token, i) => {
    if (!/^-?\d+(?:[.,]\d+)?[.,]?$/.test(token)) return;
    const window = [...tokens.slice(Math.max(0, i - 3), i), ...tokens.slice(i + 1, i + 4)];
    const score = words.filter((w) =>
      window.some((t) => t.startsWith(w) || (t.length >= 3 && w.startsWith(t.replace(/s$/, '')))),
    ).length;
    if (score > 0 && (!best || score > best.score)) best = { value: toNumber(token), score };
  });
  return best?.value;
}

/** The first number standing on its own: not part of an id (`ord_17`), a date or a code (`SKU-42`). */
export function firstFreeNumber(text: string): number | undefined {
  const match = /(?<![\w.,-])-?\d+(?:[.,]\d+)?(?![\w-]|[.,]\d)/.exec(text);
  return match ? toNumber(match[0]) : undefined;
}

/** An amount written with its currency: "49.90 EUR", "€49.90", "$5". */
export function findMoney(text: string): number | undefined {
  // A match never starts inside a run (starting earlier matches too): the lookbehinds keep these linear.
  const match = /[€$£]\s?(\d+(?:[.,]\d+)?)|(?<!\d)(\d+(?:[.,]\d+)?)\s?(?:EUR|USD|GBP|CHF|JPY|€|\$|£)(?![A-Za-z])/i.exec(
    text,
  );
  return match ? toNumber(match[1] ?? match[2]!) : undefined;
}

export function findCurrency(text: string): string | undefined {
  const code = CURRENCY_CODES.find((c) => new RegExp(`\\b${c}\\b`, 'i').test(text));
  if (code) return code;
  const symbol = Object.keys(CURRENCY_SYMBOLS).find((s) => text.includes(s));
  return symbol ? CURRENCY_SYMBOLS[symbol] : undefined;
}

/** A company or person named after "invoice", "for", "customer"…: `Please invoice ACME GmbH for` → "ACME GmbH". */
export function findOrganisation(text: string): string | undefined {
  const match = /\b(?:invoice|bill|for|customer|client|from|to)\s+((?:[A-Z][\w&.'-]*)(?:\s+[A-Z][\w&.'-]*){0,3})/.exec(
    text,
  );
  return match?.[1]?.replace(/[.,]$/, '');
}

export interface LineItem {
  quantity: number;
  description: string;
  unitPrice: number;
}

/** "3 workshop days at 1200 EUR each and 2 hours of travel at 80 EUR" → two lines. */
export function findLineItems(text: string): LineItem[] {
  const pattern =
    /(?<!\d)(\d+(?:[.,]\d+)?)\s*(?:x\s+)?((?:[A-Za-z][\w-]*\s+){0,4}?[A-Za-z][\w-]*)\s+(?:at|@|for)\s+(?:[€$£]\s?)?(\d+(?:[.,]\d+)?)/g;
  return [...text.matchAll(pattern)].map((m) => ({
    quantity: toNumber(m[1]!),
    description: m[2]!.trim(),
    unitPrice: toNumber(m[3]!),
  }));
}

export function findEmail(text: string): string | undefined {
  return /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(text)?.[0];
}

export function findUrl(text: string): string | undefined {
  return /https?:\/\/[^\s"'<>)]+/.exec(text)?.[0];
}

export function findDate(text: string): string | undefined {
  return /\b\d{4}-\d{2}-\d{2}\b/.exec(text)?.[0];
}

/** A capitalised place after "in"/"at"/"for": "What is the weather in Lisbon?" → "Lisbon". */
export function findPlace(text: string): string | undefined {
  return /\b(?:in|at|for|near)\s+([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+){0,2})/u.exec(text)?.[1];
}

/** Where `text` last mentions the value as a word (-1: never); `at_risk` also matches "at risk" and "at-risk". */
export function mentionIndex(value: string, text: string): number {
  let last = -1;
  for (const m of text.matchAll(wordPattern(value))) last = m.index;
  return last;
}

/** Where `text` first mentions the value as a word (-1: never). */
export function firstMentionIndex(value: string, text: string): number {
  return text.search(wordPattern(value));
}

function wordPattern(value: string): RegExp {
  const body = escapeRegExp(value).replace(/_/g, '[_\\s-]');
  return new RegExp(`(?<![\\w])${body}(?![\\w])`, 'gi');
}

/**
 * The enum value the text is about: the one with most distinct keyword hits (its own name counts);
 * ties go to the earlier value in the enum, so a schema's order states its priority.
 */
export function enumByKeywords(
  values: readonly string[],
  text: string,
): { value: string; keyword: string } | undefined {
  let best: { value: string; keyword: string; hits: number } | undefined;
  for (const value of values) {
    const hits = [value, ...(CATEGORY_KEYWORDS[value.toLowerCase()] ?? [])]
      .map((keyword) => ({ keyword, at: firstIndexOfWord(keyword, text) }))
      .filter((hit) => hit.at >= 0)
      .sort((a, b) => a.at - b.at);
    const first = hits[0];
    if (first && (!best || hits.length > best.hits))
      best = { value, keyword: matchedWords(text, first.at, first.keyword.length), hits: hits.length };
  }
  return best && { value: best.value, keyword: best.keyword };
}

/** The value the newest text that mentions any of them argues for: its last mention there. */
export function enumArguedFor(values: readonly string[], textsNewestFirst: readonly string[]): string | undefined {
  for (const text of textsNewestFirst) {
    const ranked = values.map((v) => ({ v, at: mentionIndex(v, text) })).filter((r) => r.at >= 0);
    if (ranked.length > 0) return ranked.sort((a, b) => b.at - a.at)[0]!.v;
  }
  return undefined;
}

function firstIndexOfWord(word: string, text: string): number {
  const body = escapeRegExp(word).replace(/_/g, '[_\\s-]');
  return text.search(new RegExp(`(?<![\\w])${body}`, 'i'));
}

/** The text's own words at a keyword hit, completed to the end of the word ("charge" → "charged"). */
function matchedWords(text: string, index: number, length: number): string {
  return text.slice(index, index + length) + (/^[\w'-]*/.exec(text.slice(index + length))?.[0] ?? '');
}

function toNumber(token: string): number {
  return Number(token.replace(/[.,]$/, '').replace(',', '.'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
