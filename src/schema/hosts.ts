/**
 * Hosts in one normal form, for every place that names or checks one: the consent prompt and its
 * event, the import preview, `allowedHosts` and the request itself. The form is what WHATWG URL
 * parsing (what `fetch` uses) makes of the host — IPv4 in dotted decimal whatever way it was
 * written, IPv6 compressed in brackets, IDNA as punycode, lower case — without a trailing dot, and
 * `:port` only when the port is not the scheme's default: `http://2130706433:8080/` → `127.0.0.1:8080`.
 */

/** A parsed http(s) URL whose hostname is in normal form, and its normal host. */
export interface HttpTarget {
  url: URL;
  host: string;
}

/** An http(s) URL as `fetch` would read it; undefined when it is not one. */
export function httpTargetOf(url: string): HttpTarget | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // "example.com." names the same host as "example.com": one spelling for both.
  const hostname = parsed.hostname.endsWith('.') ? parsed.hostname.slice(0, -1) : parsed.hostname;
  if (hostname === '' || hostname.endsWith('.')) return undefined;
  if (hostname !== parsed.hostname) parsed.hostname = hostname;
  return { url: parsed, host: parsed.port ? `${hostname}:${parsed.port}` : hostname };
}

/** The normal host of a full http(s) URL (as sent), or undefined. */
export function hostOfUrl(url: string): string | undefined {
  return httpTargetOf(url)?.host;
}

/**
 * The normal host of a URL as written in a workflow, where templates may follow the host:
 * "https://API.example.com:8443/{{input.id}}" → "api.example.com:8443"; undefined when the host is
 * not written out (a template in it) or the URL is not http(s).
 */
export function literalHostOf(url: string): string | undefined {
  // The authority ends where URL parsing ends it: at / ? # or \ (a backslash is a slash in http URLs).
  // Leading and trailing C0 controls and spaces are stripped, as URL parsing strips them; the
  // lookbehind lets the trailing run only start where a run starts (else: quadratic on inner runs).
  const match = /^(https?):\/\/([^/?#\\]*)/i.exec(url.replace(/^[\0-\x20]+|(?<![\0-\x20])[\0-\x20]+$/g, ''));
  if (!match || /[{}]/.test(match[2]!)) return undefined;
  return hostOfUrl(`${match[1]}://${match[2]}/`);
}

interface HostPattern {
  /** The hostname in normal form; for a wildcard, the part after "*.". */
  hostname: string;
  wildcard: boolean;
  port: string | undefined;
}

/** "*.Example.COM." → "*.example.com"; "[0::1]:8080" → "[::1]:8080"; undefined when it is no host. */
export function normalizeAllowedHost(entry: string): string | undefined {
  const pattern = parseHostPattern(entry);
  if (!pattern) return undefined;
  return `${pattern.wildcard ? '*.' : ''}${pattern.hostname}${pattern.port === undefined ? '' : `:${pattern.port}`}`;
}

const PARSED_CACHE_SIZE = 256;
/** Every http step checks its host against the same few entries: each is parsed (a URL parse) once. */
const parsedPatterns = new Map<string, HostPattern | undefined>();

function parseHostPattern(entry: string): HostPattern | undefined {
  if (parsedPatterns.has(entry)) return parsedPatterns.get(entry);
  const parsed = parseHostPatternUncached(entry);
  if (parsedPatterns.size >= PARSED_CACHE_SIZE) parsedPatterns.clear();
  // Frozen: the cached pattern is shared by every caller.
  parsedPatterns.set(entry, parsed && Object.freeze(parsed));
  return parsed;
}

function parseHostPatternUncached(entry: string): HostPattern | undefined {
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  const split = /^(.*?)(?::(\d{1,5}))?$/.exec(rest)!;
  const name = split[1]!;
  const port = split[2] === undefined ? undefined : String(Number(split[2]));
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  // Only a bare host: no scheme, user, path, query or second port may hide in the entry.
  if (name === '' || /[\s/?#@\\:*%]/.test(name.replace(/^\[[0-9a-f:.]*\]$/i, '[]'))) return undefined;
  const target = httpTargetOf(`http://${name}/`);
  if (!target || target.url.port !== '' || target.url.username !== '') return undefined;
  const hostname = target.url.hostname;
  // A wildcard covers names under a domain, never addresses: "*.0.0.1" would otherwise read as a range.
  if (wildcard && isIpAddress(hostname)) return undefined;
  return { hostname, wildcard, port };
}

/** After normalisation every IPv4 spelling is dotted decimal and every IPv6 one is bracketed. */
function isIpAddress(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Whether `host` (normal or not) is covered by an entry: the same hostname with the entry's port or,
 * for an entry without a port, any port; "*.example.com" covers names with more labels under
 * example.com (labels compared whole, never an IP address), not example.com itself.
 */
export function isHostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const target = parseHostPattern(host);
  if (!target || target.wildcard) return false;
  const labels = target.hostname.split('.');
  return allowedHosts.some((entry) => {
    const allowed = parseHostPattern(entry);
    if (!allowed || (allowed.port !== undefined && allowed.port !== target.port)) return false;
    if (!allowed.wildcard) return allowed.hostname === target.hostname;
    const suffix = allowed.hostname.split('.');
    if (isIpAddress(target.hostname) || labels.length <= suffix.length) return false;
    return suffix.every((label, i) => label === labels[labels.length - suffix.length + i]);
  });
}
