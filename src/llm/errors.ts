import { APICallError } from 'ai';
import { failure, parseRetryAfter, StepFailure } from '../engine/retry';
import { errorMessage } from '../schema/errorMessage';

/** What a failed model call knew when it failed. */
export interface FailureContext {
  providerName: string;
  /** Where the request went; the CORS probe asks the same origin. */
  baseUrl: string | undefined;
  /** Scrubbed from every message passed on. */
  key: string | undefined;
  signal: AbortSignal;
  now: number;
  fetch: typeof fetch;
  /** The server answered (headers arrived) before the failure: it cannot have been CORS. */
  responded: boolean;
}

const PROBE_TIMEOUT_MS = 3000;
const MAX_DETAIL_CHARS = 300;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Chrome, Firefox, Safari and Node spell "the request never got an HTTP answer" differently. */
const FETCH_FAILED = /failed to fetch|networkerror|load failed|fetch failed|network error/i;

/**
 * Any failure of a model call → what the runner throws: the caller's abort as is, else a
 * StepFailure whose message never contains the key and never carries the original error (whose
 * request details could).
 */
export async function toModelFailure(error: unknown, ctx: FailureContext): Promise<unknown> {
  if (ctx.signal.aborted) return ctx.signal.reason ?? error;
  if (error instanceof StepFailure)
    return failure(
      error.stepError.category,
      scrub(error.message, ctx.key),
      error.stepError.retryable,
      error.stepError.retryAfterMs,
    );
  if (APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode < 300)
    return brokenAnswer(error, ctx);
  if (APICallError.isInstance(error) && error.statusCode !== undefined) return httpFailure(error, ctx);
  if (isNetworkFailure(error)) return networkFailure(error, ctx);
  return failure('server', `${ctx.providerName} failed: ${detail(error, ctx.key)}`, true);
}

/** Status → category: 401/403 final, 429 and 5xx retried after the server's Retry-After. */
function httpFailure(error: APICallError, ctx: FailureContext): StepFailure {
  const status = error.statusCode ?? 0;
  const retryAfterMs = retryAfter(error.responseHeaders, ctx.now);
  const said = `${ctx.providerName} answered ${status}: ${httpDetail(error, ctx.key)}`;
  // The server's own text can echo part of the key ("Incorrect API key provided: sk-…"): not passed on.
  if (status === 401 || status === 403) {
    // No key was sent: the server wants one, and none is saved (never "rejected").
    if (!ctx.key)
      return failure(
        'auth',
        `no key for ${ctx.providerName}: it asks for an API key and none is saved (add one in Settings)`,
        false,
      );
    return failure('auth', `key rejected by ${ctx.providerName}`, false);
  }
  if (status === 429 && /insufficient_quota/.test(error.responseBody ?? '')) {
    return failure(
      'client',
      `${ctx.providerName} says the account is out of quota (check billing): ${detail(error, ctx.key)}`,
      false,
    );
  }
  if (status === 429) return failure('rate-limit', `rate limited by ${ctx.providerName}`, true, retryAfterMs);
  if (status === 408) return failure('network', said, true, retryAfterMs);
  if (status >= 500) return failure('server', said, true, retryAfterMs);
  return failure('client', said, false);
}

/**
 * The server said 200 and the answer then failed to arrive whole: a dropped connection (network) or
 * a body that could not be read (server). Either may go better next time, so both are retried.
 */
function brokenAnswer(error: APICallError, ctx: FailureContext): StepFailure {
  const cause = error.cause;
  if (hasNetworkCode(cause) || cause instanceof TypeError) {
    return failure('network', `the connection to ${ctx.providerName} dropped before its answer was complete`, true);
  }
  return failure(
    'server',
    `${ctx.providerName} sent an answer that could not be read: ${detail(error, ctx.key)}`,
    true,
  );
}

async function networkFailure(error: unknown, ctx: FailureContext): Promise<StepFailure> {
  if (isBrowserOffline()) return failure('network', 'the browser is offline', true);
  // A browser hides why a request failed; an opaque no-cors request to the same URL tells
  // "unreachable" from "reachable but blocked by CORS". An answer that already started was not CORS.
  if (!ctx.responded && isOpaqueFetchFailure(error) && ctx.baseUrl && (await isReachable(ctx.baseUrl, ctx))) {
    return failure(
      'client',
      `${ctx.providerName} (${origin(ctx.baseUrl)}) is reachable but does not allow requests from this page (CORS): ` +
        'the endpoint must allow browser requests, e.g. start Ollama with OLLAMA_ORIGINS=* ' +
        'or enable CORS in the server settings',
      false,
    );
  }
  return failure('network', `could not reach ${ctx.providerName}: ${detail(error, ctx.key)}`, true);
}

async function isReachable(url: string, ctx: FailureContext): Promise<boolean> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]);
  try {
    await ctx.fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal });
    return true;
  } catch {
    return false;
  }
}

function isBrowserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/** No HTTP status: DNS, refused connection, reset, CORS. */
function isNetworkFailure(error: unknown): boolean {
  if (APICallError.isInstance(error)) return error.statusCode === undefined;
  return isOpaqueFetchFailure(error) || hasNetworkCode(error);
}

/** The browser's bare `TypeError: Failed to fetch`: no cause, no code (Node always attaches one). */
function isOpaqueFetchFailure(error: unknown): boolean {
  const cause = APICallError.isInstance(error) ? undefined : error;
  return cause instanceof TypeError && cause.cause === undefined && FETCH_FAILED.test(cause.message);
}

function hasNetworkCode(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  }
  return false;
}

function retryAfter(headers: Record<string, string> | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(lower['retry-after-ms']);
  if (lower['retry-after-ms'] && Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(lower['retry-after'] ?? null, now);
}

/**
 * A body the SDK could not read as an OpenAI error (Ollama: `{"error":"…"}`) leaves only the status text: show the
 * body too.
 */
function httpDetail(error: APICallError, key: string | undefined): string {
  const body = error.responseBody?.trim();
  if (!body || hasOpenAIErrorShape(body)) return detail(error, key);
  return detail(new Error(`${error.message}: ${body}`), key);
}

function hasOpenAIErrorShape(body: string): boolean {
  try {
    return typeof (JSON.parse(body) as { error?: { message?: unknown } }).error?.message === 'string';
  } catch {
    return false;
  }
}

/** The error's message (and its cause's), scrubbed and shortened. */
function detail(error: unknown, key: string | undefined): string {
  const message = errorMessage(error);
  const cause =
    error instanceof Error && error.cause instanceof Error && !message.includes(error.cause.message)
      ? ` (${error.cause.message})`
      : '';
  const text = scrub(`${message}${cause}`, key).replace(/\s+/g, ' ').trim() || 'unknown error';
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

/** Removes the key, and anything shaped like a secret key, from text shown to the user. */
export function scrub(text: string, key: string | undefined): string {
  let out = text;
  if (key && key.length >= 4) out = out.split(key).join('[key]');
  return out.replace(/\b(sk|rk|pk|gsk|xai)-[A-Za-z0-9_*.-]{6,}/g, '[key]').replace(/(Bearer\s+)[^\s"',]+/gi, '$1[key]');
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
