import { parseMaybeJson, resultText, type Conversation, type SeenToolResult } from './conversation';
import { enumArguedFor, enumByKeywords, findIds, findPlace } from './evidence';
import {
  embeddedRecord,
  factsOf,
  listJoin,
  numberField,
  primaryRecord,
  stringField,
  subjectOf,
  type DataRecord,
} from './records';
import { pick } from './seed';
import { capitalise, gist } from './strings';

/** The statuses of the demo customers, in the order a reviewer escalates them. */
const STATUSES = ['active', 'at_risk', 'churned'] as const;

const BUILDING_ON = [
  'Building on the data collected above,',
  "Building on the previous agent's findings,",
  'Taking the analysis above as the starting point,',
] as const;

const CLOSERS = [
  'That should be enough to decide the next step.',
  'Happy to go deeper on any of these points.',
  'I kept this short so the next step can act on it.',
] as const;

const WEATHER = [
  { sky: 'sunny with a few high clouds', high: 24, low: 15, wind: 'a light breeze in the afternoon' },
  { sky: 'partly cloudy', high: 18, low: 11, wind: 'a moderate westerly wind' },
  { sky: 'grey, with light rain on and off', high: 13, low: 8, wind: 'gusty wind near the coast' },
  { sky: 'clear and crisp', high: 9, low: 2, wind: 'very little wind' },
  { sky: 'overcast but dry', high: 15, low: 10, wind: 'a steady breeze' },
] as const;

/** A text answer of 2–5 sentences that uses the conversation: the request, tool results, the previous agent. */
export function composeAnswer(c: Conversation, seed: number): string {
  const request = requestOf(c.lastUser);
  const topic = `${request}\n${c.system}`;
  let sentences: string[];
  if (c.resultsThisTurn.length > 0) sentences = toolAnswer(c, seed);
  else if (/\bwear\b|outfit|cloth|dress/i.test(request)) sentences = outfitAnswer(c);
  else if (/\bweather\b|forecast/i.test(request)) sentences = weatherAnswer(c, seed);
  // Labelled views first: what they say ("status active") must not turn a summary into a status review.
  else if (labelledLines(c.lastUser).length >= 2) sentences = summaryAnswer(c);
  else if (/\bstatus\b/i.test(topic)) sentences = statusAnswer(c, seed);
  else if (enumByKeywords(['billing'], request)) sentences = billingAnswer(c, seed);
  else if (/crash|error|bug|broken|not working|can'?t|cannot|fails?\b|stuck/i.test(request))
    sentences = troubleshootAnswer(c);
  else sentences = genericAnswer(c, seed);
  return sentences.filter(Boolean).join(' ');
}

function toolAnswer(c: Conversation, seed: number): string[] {
  const changes = c.resultsThisTurn.filter(
    (r) => /update|set|create|delete|write|apply/i.test(r.toolName) && !r.isError,
  );
  const sentences = c.resultsThisTurn
    .slice(-2)
    .map((r) => (changes.includes(r) ? describeChange(r) : describeResult(r)));
  if (changes.length === 0 && /\bstatus\b/i.test(`${requestOf(c.lastUser)}\n${c.system}`)) {
    sentences.push(recommendation(latestRecord(c.resultsThisTurn), c, seed));
  }
  const request = requestOf(c.lastUser);
  if (request) sentences.push(`That completes the request ${quote(request, 14)}.`);
  return sentences;
}

/** A write's result: a table update's summary (`{ updated, created, rows }`) or the changed record itself. */
function describeChange(result: SeenToolResult): string {
  const summary = tableUpdateSummary(result.value);
  if (summary?.updated === 0 && summary.rows.length === 0)
    return `I ran ${result.toolName}, but no record matched, so nothing changed.`;
  const record = primaryRecord(summary ? summary.rows : result.value);
  const status = stringField(record, 'status');
  if (record && status)
    return `I applied ${result.toolName} to ${subjectOf(record) ?? 'the record'}: its status is now ${status}.`;
  if (record) return `I applied ${result.toolName}: ${factsOf(record)}.`;
  if (summary)
    return `I applied ${result.toolName}: ${summary.updated} ${summary.updated === 1 ? 'record' : 'records'} changed.`;
  return `I applied ${result.toolName}, and it reported ${quote(resultText(result), 16)}.`;
}

function tableUpdateSummary(value: unknown): { updated: number; rows: unknown[] } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { updated, rows } = value as DataRecord;
  return typeof updated === 'number' && Array.isArray(rows) ? { updated, rows } : undefined;
}

function describeResult(result: SeenToolResult): string {
  if (result.isError) return `${result.toolName} reported a problem: ${quote(resultText(result), 16)}.`;
  const record = primaryRecord(result.value);
  if (record) return `${result.toolName} returned ${subjectOf(record) ?? 'a record'}: ${factsOf(record)}.`;
  if (Array.isArray(result.value)) return `${result.toolName} returned ${result.value.length} rows.`;
  return `${result.toolName} returned ${quote(resultText(result), 16)}.`;
}

function weatherAnswer(c: Conversation, seed: number): string[] {
  const place = findPlace(c.lastUser) ?? 'your area';
  const w = pick(seed, `weather:${place}`, WEATHER);
  return [
    `In ${place} it looks ${w.sky} today, with a high around ${w.high} °C and a low near ${w.low} °C.`,
    `Expect ${w.wind}, so the middle of the day will feel the most pleasant.`,
  ];
}

function outfitAnswer(c: Conversation): string[] {
  const source = c.previousAgent ?? c.lastUser;
  // A number starts at its "-" or first digit only (a later start is found earlier anyway): linear time.
  const temp = /(-\d+|(?<![-\d])\d+)\s*°\s*C|(-\d+|(?<![-\d])\d+)\s*degrees/i.exec(source);
  const degrees = temp ? Number(temp[1] ?? temp[2]) : undefined;
  const layers =
    degrees === undefined
      ? 'layers you can add or remove, such as a t-shirt, a light sweater and a jacket'
      : degrees < 10
        ? 'a warm coat over a jumper, with closed shoes'
        : degrees < 16
          ? 'a light jacket or sweater over a long-sleeve top'
          : degrees < 22
            ? 'a t-shirt with a light layer for the evening'
            : 'light, breathable clothes and comfortable sandals or sneakers';
  const around = degrees === undefined ? '' : ` (around ${degrees} °C)`;
  const sentences = [
    c.previousAgent
      ? `Building on the weather described above${around}, go for ${layers}.`
      : `Without a forecast to go on, I would pick ${layers}.`,
  ];
  if (/rain|shower|drizzle/i.test(source))
    sentences.push('Bring a compact umbrella or a waterproof shell, since rain is likely.');
  if (/wind|breez|gust/i.test(source))
    sentences.push('A windproof layer will make the breezier moments more comfortable.');
  if (/sun|clear/i.test(source)) sentences.push('Sunglasses are worth taking for the brightest hours.');
  return sentences.slice(0, 4);
}

function statusAnswer(c: Conversation, seed: number): string[] {
  const record = recordInConversation(c);
  const subject =
    (record && subjectOf(record)) ??
    subjectInProse(c.searchTexts) ??
    findIds(c.searchTexts, 'customerId')[0] ??
    'the customer';
  const opening = c.previousAgent
    ? `${pick(seed, 'lead', BUILDING_ON)} I reviewed ${subject}`
    : `I reviewed ${subject}`;
  return [
    record ? `${opening}: ${factsOf(record)}.` : withoutRecord(opening, c),
    recommendation(record, c, seed, subject),
  ];
}

/** No record to quote: go by what the previous agent said; only with nothing said before is there no data. */
function withoutRecord(opening: string, c: Conversation): string {
  if (c.previousAgent) return `${opening}, going by the previous message: ${quote(c.previousAgent, 24)}.`;
  return `${opening}, but the conversation has no customer data yet, so this is a cautious call.`;
}

/**
 * "Ada Lovelace (cus_001)" in prose: a name of capitalised words followed by an id in brackets. The
 * lookbehind pins a match to the start of a word, so scanning a long run stays linear.
 */
const NAMED_ID = /(?<![\w'-])([A-Z][\w'-]{0,40}(?: [A-Z][\w'-]{0,40}){0,3}) \(([A-Za-z]{1,20}_[\w-]{1,40})\)/;

function subjectInProse(texts: readonly string[]): string | undefined {
  return firstDefined(texts, (text) => {
    const match = NAMED_ID.exec(text);
    return match ? `${match[1]} (${match[2]})` : undefined;
  });
}

/** The status a reviewer would propose, with its reasons; the status word comes last so later agents can act on it. */
function recommendation(
  record: DataRecord | undefined,
  c: Conversation,
  seed: number,
  fallbackSubject = 'this customer',
): string {
  const subject = (record && subjectOf(record)) ?? fallbackSubject;
  const status =
    recommendedStatus(record) ?? enumArguedFor(STATUSES, c.assistantTexts) ?? pick(seed, 'status', STATUSES);
  const reasons = record ? statusReasons(record) : [];
  return reasons.length > 0
    ? `Given ${listJoin(reasons)}, I recommend setting ${subject} to ${status}.`
    : `I recommend setting ${subject} to ${status}.`;
}

function recommendedStatus(record: DataRecord | undefined): string | undefined {
  const current = stringField(record, 'status');
  const tickets = numberField(record, 'openTickets') ?? 0;
  const spend = numberField(record, 'monthlySpend');
  if (current === 'at_risk' && spend === 0) return 'churned';
  if (current === 'active' && tickets >= 2) return 'at_risk';
  return current;
}

function statusReasons(record: DataRecord): string[] {
  const reasons: string[] = [];
  const tickets = numberField(record, 'openTickets');
  if (tickets !== undefined)
    reasons.push(tickets === 0 ? 'no open tickets' : `${tickets} open ticket${tickets === 1 ? '' : 's'}`);
  const login = stringField(record, 'lastLogin');
  if (login) reasons.push(`a last login on ${login}`);
  const spend = numberField(record, 'monthlySpend');
  const plan = stringField(record, 'plan');
  if (spend !== undefined) reasons.push(`${spend} EUR a month${plan ? ` on the ${plan} plan` : ''}`);
  return reasons;
}

/** "Risk view: …\nValue view: …": each view's most on-topic sentence, then one line that joins them. */
function summaryAnswer(c: Conversation): string[] {
  const views = labelledLines(c.lastUser).slice(0, 3);
  const labels = views.map((v) => `the ${v.label.toLowerCase()}`);
  const subject = firstDefined(views, (v) => embeddedRecord(v.text)) ?? recordInConversation(c);
  const named = (subject && subjectOf(subject)) ?? subjectInProse(views.map((v) => v.text));
  const about = named ? ` for ${named}` : '';
  const lead = c.previousAgent ? "Building on the agents' work above, here" : 'Here';
  return [
    `${lead} is a summary of ${listJoin(labels)}${about}.`,
    ...views.map((v) => `${onTopicSentence(v.label, proseOf(v.text))}.`),
    'Overall, address the weak points first and build on the strengths in the next conversation.',
  ];
}

function billingAnswer(c: Conversation, seed: number): string[] {
  const request = requestOf(c.lastUser);
  const sentences = [`Thanks for flagging this: ${quote(request, 14)}.`];
  if (/twice|double|duplicate/i.test(request))
    sentences.push(
      'A duplicate charge is refunded to the original payment method, usually within 5 to 10 business days.',
    );
  else if (/refund/i.test(request))
    sentences.push('Refunds go back to the original payment method within 5 to 10 business days.');
  else if (/invoice/i.test(request))
    sentences.push(
      'Every invoice can be downloaded from the Billing page; send the invoice number if one looks wrong.',
    );
  else sentences.push('I have noted the billing details you gave and checked them against the account.');
  sentences.push(
    pick(seed, 'billing-close', [
      'If it happens again, reply with the date and amount and we will escalate it.',
      'Nothing else is needed from you right now.',
    ]),
  );
  return sentences;
}

function troubleshootAnswer(c: Conversation): string[] {
  const request = requestOf(c.lastUser);
  return [
    `Sorry about the trouble: ${quote(request, 14)}.`,
    'First update to the latest version and restart the app; that clears most problems like this one.',
    'If it still happens, send the exact steps that lead to it and the time it occurred, ' +
      'and we will dig into the logs.',
  ];
}

function genericAnswer(c: Conversation, seed: number): string[] {
  const record = embeddedRecord(c.lastUser) ?? (c.previousAgent ? recordInConversation(c) : undefined);
  const request = requestOf(c.lastUser);
  const focus =
    /\byou (?:assess|analy[sz]e|review|evaluate|judge|check)\s+([^.]+?)(?:\s+in\s+\w+\s+sentences?)?[.]/i.exec(
      c.system,
    )?.[1];
  const lead = c.previousAgent ? `${pick(seed, 'lead', BUILDING_ON)} ` : '';
  const sentences = [
    record
      ? capitalise(`${lead}I looked at ${subjectOf(record) ?? 'the record'}: ${factsOf(record)}.`)
      : capitalise(`${lead}here is my take on ${request ? quote(request, 12) : 'your request'}.`),
  ];
  if (focus) sentences.push(`On ${focus}, ${judgement(focus, record)}.`);
  if (c.previousAgent)
    sentences.push(`This follows from the previous message, which said ${quote(firstSentence(c.previousAgent), 14)}.`);
  sentences.push(pick(seed, 'close', CLOSERS));
  return sentences;
}

function judgement(focus: string, record: DataRecord | undefined): string {
  const tickets = numberField(record, 'openTickets') ?? 0;
  const spend = numberField(record, 'monthlySpend') ?? 0;
  const status = stringField(record, 'status');
  if (/risk|churn/i.test(focus)) {
    return tickets >= 2 || status === 'at_risk' || status === 'churned'
      ? `the risk looks elevated${tickets > 0 ? ` with ${tickets} open tickets` : ''} and needs a follow-up soon`
      : 'the risk looks low: usage is steady and there is nothing unresolved';
  }
  if (/value|upsell|revenue/i.test(focus)) {
    return spend >= 200
      ? `this is a valuable account at ${spend} EUR a month with room for an upgrade`
      : `the account is modest at ${spend} EUR a month, so an upgrade offer could pay off`;
  }
  return 'the picture is consistent and nothing stands out as urgent';
}

function recordInConversation(c: Conversation): DataRecord | undefined {
  return latestRecord(c.resultsThisTurn) ?? firstDefined(c.searchTexts, embeddedRecord);
}

function latestRecord(results: readonly SeenToolResult[]): DataRecord | undefined {
  return [...results]
    .reverse()
    .map((r) => (r.isError ? undefined : primaryRecord(r.value)))
    .find(Boolean);
}

function labelledLines(text: string): { label: string; text: string }[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\s*([A-Z][\w ]{0,30}?):\s*(\S.*)$/.exec(line);
    return m ? [{ label: m[1]!, text: m[2]! }] : [];
  });
}

/** The request without a template's short lead-in ("Help with: …") and without embedded JSON. */
function requestOf(text: string): string {
  const withoutData = withoutEmbeddedJson(text).replace(/\s+/g, ' ').trim();
  const lead = /^([^:]{1,40}):\s+(\S[\s\S]*)$/.exec(withoutData);
  return lead && lead[1]!.split(' ').length <= 5 ? lead[2]! : withoutData;
}

/**
 * Each `{` (or `[`) up to the last `}` (`]`) after it becomes a space: what `/\{[\s\S]*\}|\[[\s\S]*\]/g`
 * replaces, in one pass (the regex rescans to the end from every unclosed bracket: quadratic).
 */
function withoutEmbeddedJson(text: string): string {
  const lastClose: Record<string, number> = { '{': text.lastIndexOf('}'), '[': text.lastIndexOf(']') };
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const close = lastClose[text[i]!];
    if (close === undefined || close <= i) continue;
    out += `${text.slice(from, i)} `;
    from = close + 1;
    i = close;
  }
  return out + text.slice(from);
}

/** A view given as JSON (an agent step's output) reads as its longest text field. */
function proseOf(text: string): string {
  const value = parseMaybeJson(text);
  if (typeof value === 'string') return value;
  const strings = Object.values(typeof value === 'object' && value !== null ? value : {}).filter(
    (v): v is string => typeof v === 'string',
  );
  return strings.sort((a, b) => b.length - a.length)[0] ?? text;
}

/** The first sentence that mentions a word of the label ("Risk view" → risk), else the first sentence. */
function onTopicSentence(label: string, text: string): string {
  const words = label
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 3 && w !== 'view');
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+/);
  const hit = sentences.find((s) => words.some((w) => s.toLowerCase().includes(w))) ?? sentences[0] ?? '';
  return hit.replace(TRAILING_STOPS, '');
}

/** The lookbehind starts the match only where a run starts: without it a long run inside the text is quadratic. */
const TRAILING_STOPS = /(?<![.!?])[.!?]+$/;

function quote(text: string, words: number): string {
  return `"${(gist(text, words) ?? '').replace(TRAILING_STOPS, '')}"`;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (/^.*?[.!?](?=\s|$)/.exec(flat)?.[0] ?? flat).replace(/[.!?]$/, '');
}

function firstDefined<T, R>(items: readonly T[], map: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const value = map(item);
    if (value !== undefined) return value;
  }
  return undefined;
}
