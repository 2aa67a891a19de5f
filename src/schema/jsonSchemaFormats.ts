import { compilePattern } from './jsonSchemaKeywords';

/**
 * `format` checks, each a single left-to-right scan of the string (no regular expression runs over
 * the value), so their cost is linear in its length. Unknown formats are annotations and pass.
 */

interface FormatCheck {
  test(value: string): boolean;
  /** Completes "is not …" in a message. */
  what: string;
}

export const FORMATS: Readonly<Record<string, FormatCheck>> = {
  'date-time': { test: isDateTime, what: 'a date-time (RFC 3339, e.g. 2026-01-31T09:30:00Z)' },
  date: { test: (s) => isDate(s, 0) === s.length, what: 'a date (YYYY-MM-DD)' },
  time: { test: (s) => isTime(s, 0) === s.length, what: 'a time (HH:MM:SS, optionally with Z or ±HH:MM)' },
  duration: { test: isDuration, what: 'an ISO 8601 duration (e.g. P3DT4H)' },
  email: { test: (s) => isEmail(s, false), what: 'an email address' },
  'idn-email': { test: (s) => isEmail(s, true), what: 'an email address' },
  hostname: { test: (s) => isHostname(s, false), what: 'a host name' },
  'idn-hostname': { test: (s) => isHostname(s, true), what: 'a host name' },
  ipv4: { test: isIpv4, what: 'an IPv4 address' },
  ipv6: { test: isIpv6, what: 'an IPv6 address' },
  uri: { test: (s) => isUri(s, true, false), what: 'an absolute URI (e.g. https://example.com/x)' },
  'uri-reference': { test: (s) => isUri(s, false, false), what: 'a URI reference' },
  iri: { test: (s) => isUri(s, true, true), what: 'an absolute IRI' },
  'iri-reference': { test: (s) => isUri(s, false, true), what: 'an IRI reference' },
  url: { test: (s) => URL.canParse(s), what: 'a URL' },
  uuid: { test: isUuid, what: 'a UUID (8-4-4-4-12 hex digits)' },
  'json-pointer': { test: isJsonPointer, what: 'a JSON pointer (e.g. /a/b)' },
  'relative-json-pointer': { test: isRelativeJsonPointer, what: 'a relative JSON pointer' },
  'uri-template': { test: isUriTemplate, what: 'a URI template' },
  regex: { test: (s) => compilePattern(s).ok, what: 'a regular expression in RE2 syntax' },
};

const code = (s: string, i: number) => s.charCodeAt(i);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The number written by exactly `count` digits at `at`, or -1. */
function digits(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let n = 0;
  for (let i = at; i < at + count; i++) {
    if (!isDigit(code(s, i))) return -1;
    n = n * 10 + code(s, i) - 48;
  }
  return n;
}

/** End index of a full-date at `at`, or -1. */
function isDate(s: string, at: number): number {
  const year = digits(s, at, 4);
  const month = digits(s, at + 5, 2);
  const day = digits(s, at + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || s[at + 4] !== '-' || s[at + 7] !== '-') return -1;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days ? at + 10 : -1;
}

/** End index of a time (with optional fraction and offset) at `at`, or -1. */
function isTime(s: string, at: number, offsetRequired = false): number {
  const hour = digits(s, at, 2);
  const minute = digits(s, at + 3, 2);
  const second = digits(s, at + 6, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
  if (s[at + 2] !== ':' || s[at + 5] !== ':') return -1;
  let i = at + 8;
  if (s[i] === '.') {
    const start = ++i;
    while (i < s.length && isDigit(code(s, i))) i++;
    if (i === start) return -1;
  }
  if (s[i] === 'Z' || s[i] === 'z') return i + 1;
  if (s[i] === '+' || s[i] === '-') {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    return oh >= 0 && oh <= 23 && om >= 0 && om <= 59 && s[i + 3] === ':' ? i + 6 : -1;
  }
  return offsetRequired ? -1 : i;
}

function isDateTime(s: string): boolean {
  const date = isDate(s, 0);
  if (date < 0 || (s[date] !== 'T' && s[date] !== 't' && s[date] !== ' ')) return false;
  return isTime(s, date + 1, true) === s.length;
}

/** P[nY][nM][nW][nD][T[nH][nM][nS]], at least one part, and one after T. */
function isDuration(s: string): boolean {
  if (s[0] !== 'P' || s.length < 3) return false;
  const dateUnits = 'YMWD';
  const timeUnits = 'HMS';
  let inTime = false;
  let parts = 0;
  let lastUnit = -1;
  for (let i = 1; i < s.length;) {
    if (s[i] === 'T') {
      if (inTime || i === s.length - 1) return false;
      inTime = true;
      lastUnit = -1;
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && isDigit(code(s, i))) i++;
    if (i === start || i >= s.length) return false;
    const unit = (inTime ? timeUnits : dateUnits).indexOf(s[i]!);
    if (unit <= lastUnit) return false;
    lastUnit = unit;
    parts++;
    i++;
  }
  return parts > 0 && s[s.length - 1] !== 'T';
}

const EMAIL_LOCAL_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";

function isEmail(s: string, international: boolean): boolean {
  const at = s.lastIndexOf('@');
  if (at < 1 || at > 64 || at === s.length - 1) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  for (let i = 0; i < local.length; i++) {
    const c = code(local, i);
    const fine =
      isAlpha(c) || isDigit(c) || c === 46 || EMAIL_LOCAL_SYMBOLS.includes(local[i]!) || (international && c > 127);
    if (!fine) return false;
  }
  if (domain.startsWith('[') && domain.endsWith(']')) {
    const literal = domain.slice(1, -1);
    return literal.toLowerCase().startsWith('ipv6:') ? isIpv6(literal.slice(5)) : isIpv4(literal);
  }
  return isHostname(domain, international);
}

function isHostname(s: string, international: boolean): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  let labelLength = 0;
  for (let i = 0; i <= name.length; i++) {
    if (i === name.length || name[i] === '.') {
      if (labelLength === 0 || labelLength > 63 || name[i - 1] === '-') return false;
      labelLength = 0;
      continue;
    }
    const c = code(name, i);
    const fine = isAlpha(c) || isDigit(c) || (c === 45 && labelLength > 0) || (international && c > 127);
    if (!fine) return false;
    labelLength++;
  }
  return true;
}

function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length === 4 &&
    parts.every(
      (p) =>
        p.length >= 1 &&
        p.length <= 3 &&
        digits(p, 0, p.length) <= 255 &&
        digits(p, 0, p.length) >= 0 &&
        (p.length === 1 || p[0] !== '0'),
    )
  );
}

function isIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  // A trailing dotted IPv4 address stands for the last two groups.
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => g.length >= 1 && g.length <= 4 && [...g].every((ch) => isHex(ch.charCodeAt(0))))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

const URI_ALLOWED = "-._~:/?#[]@!$&'()*+,;=";

/** RFC 3986 characters and %-escapes only; an absolute URI starts with a scheme. */
function isUri(s: string, absolute: boolean, international: boolean): boolean {
  const colon = s.indexOf(':');
  const hasScheme =
    colon > 0 &&
    isAlpha(code(s, 0)) &&
    [...s.slice(1, colon)].every((ch) => isAlpha(ch.charCodeAt(0)) || isDigit(ch.charCodeAt(0)) || '+.-'.includes(ch));
  if (absolute && !hasScheme) return false;
  if (!absolute && !hasScheme && colon >= 0) {
    const firstSlash = s.indexOf('/');
    if (firstSlash < 0 || colon < firstSlash) return false;
  }
  for (let i = 0; i < s.length; i++) {
    const c = code(s, i);
    if (c === 37) {
      if (!isHex(code(s, i + 1)) || !isHex(code(s, i + 2))) return false;
      i += 2;
    } else if (!(
      isAlpha(c) ||
      isDigit(c) ||
      URI_ALLOWED.includes(s[i]!) ||
      (international && c > 127 && !isSpaceLike(c))
    )) {
      return false;
    }
  }
  return true;
}

function isSpaceLike(c: number): boolean {
  return c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
}

function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const dash = i === 8 || i === 13 || i === 18 || i === 23;
    if (dash ? s[i] !== '-' : !isHex(code(s, i))) return false;
  }
  return true;
}

function isJsonPointer(s: string): boolean {
  if (s !== '' && s[0] !== '/') return false;
  for (let i = 0; i < s.length; i++) if (s[i] === '~' && s[i + 1] !== '0' && s[i + 1] !== '1') return false;
  return true;
}

function isRelativeJsonPointer(s: string): boolean {
  let i = 0;
  while (i < s.length && isDigit(code(s, i))) i++;
  if (i === 0 || (i > 1 && s[0] === '0')) return false;
  return s.slice(i) === '#' || isJsonPointer(s.slice(i));
}

function isUriTemplate(s: string): boolean {
  let open = false;
  for (const ch of s) {
    if (ch === '{') {
      if (open) return false;
      open = true;
    } else if (ch === '}') {
      if (!open) return false;
      open = false;
    }
  }
  return !open;
}
