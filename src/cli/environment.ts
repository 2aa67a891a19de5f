import type { ProviderConfig, ProviderSettings } from '../llm/providers';

/** Which provider answers model steps by default: `TABFLOW_MODEL_PROVIDER` or `--model-provider`. */
export const MODEL_PROVIDER_CHOICES = ['demo', 'openai', 'openai-compatible'] as const;
export type ModelProviderChoice = (typeof MODEL_PROVIDER_CHOICES)[number];

export type Env = Readonly<Record<string, string | undefined>>;

/** Provider entries built from the environment, and where each one's key comes from (by variable name). */
export interface EnvProviders {
  settings: ProviderSettings;
  /** Entry id → the environment variable holding its key. */
  keyVariables: Record<string, string>;
}

export const OPENAI_ENTRY_ID = 'openai';
export const COMPATIBLE_ENTRY_ID = 'openai-compatible';

/**
 * The providers a headless run may use, from environment variables (keys are read by name, at each request,
 * never copied into settings) — the same names the server runtime reads (src/server/runners.ts):
 * - `TABFLOW_BASE_URL`: any OpenAI-compatible server over Chat Completions, with `TABFLOW_API_KEY` (or no key);
 * - `OPENAI_API_KEY`: OpenAI over the Responses API (`OPENAI_BASE_URL` moves it, e.g. to a proxy);
 * - `TABFLOW_MODEL`: the model of steps that name none; `TABFLOW_REQUESTS_PER_MINUTE`: a cap per provider;
 * - `TABFLOW_MODEL_PROVIDER` (or `--model-provider`, `chooseModelProvider`): the default entry; `demo` keeps
 *   every step on the demo model. Unset: the server at TABFLOW_BASE_URL, else OpenAI, else the demo model.
 * A step naming `openai`, `openai-compatible` or `demo` as its provider gets that one.
 */
export function providersFromEnv(env: Env, choice: ModelProviderChoice | undefined): EnvProviders {
  const wanted = choice ?? defaultChoice(env);
  if (wanted === 'demo') return { settings: { providers: [] }, keyVariables: {} };
  const defaultModel = env.TABFLOW_MODEL?.trim() || undefined;
  const perMinute = positiveNumber(env.TABFLOW_REQUESTS_PER_MINUTE);
  const limit = perMinute === undefined ? {} : { requestsPerMinute: perMinute };
  const providers: ProviderConfig[] = [];
  const keyVariables: Record<string, string> = {};
  if (env.OPENAI_API_KEY?.trim()) {
    const baseUrl = env.OPENAI_BASE_URL?.trim() || undefined;
    const entry: ProviderConfig = { id: OPENAI_ENTRY_ID, name: 'openai', kind: 'openai', ...limit };
    providers.push({ ...entry, ...optional({ baseUrl, defaultModel }) });
    keyVariables[OPENAI_ENTRY_ID] = 'OPENAI_API_KEY';
  }
  const baseUrl = env.TABFLOW_BASE_URL?.trim() || undefined;
  if (baseUrl) {
    const entry: ProviderConfig = {
      id: COMPATIBLE_ENTRY_ID,
      name: 'openai-compatible',
      kind: 'openai-compatible',
      ...limit,
    };
    providers.push({ ...entry, ...optional({ baseUrl, defaultModel }) });
    // Only its own key: a key for OpenAI is never sent to another server.
    keyVariables[COMPATIBLE_ENTRY_ID] = 'TABFLOW_API_KEY';
  }
  const defaultId = wanted === 'openai' ? OPENAI_ENTRY_ID : COMPATIBLE_ENTRY_ID;
  return { settings: { providers, defaultProviderId: defaultId }, keyVariables };
}

/** The server at TABFLOW_BASE_URL when one is named, else OpenAI when its key is there, else the demo model. */
function defaultChoice(env: Env): ModelProviderChoice {
  if (env.TABFLOW_BASE_URL?.trim()) return 'openai-compatible';
  return env.OPENAI_API_KEY?.trim() ? 'openai' : 'demo';
}

/**
 * The provider choice of `--model-provider` (else `TABFLOW_MODEL_PROVIDER`), or what is wrong with it: an unknown
 * name, or a provider the environment does not configure. Names variables, never their values.
 */
export function chooseModelProvider(
  env: Env,
  flag: string | undefined,
): { ok: true; choice: ModelProviderChoice | undefined } | { ok: false; message: string } {
  const given = flag ?? (env.TABFLOW_MODEL_PROVIDER?.trim() || undefined);
  if (given === undefined) return { ok: true, choice: undefined };
  const source = flag !== undefined ? '--model-provider' : 'TABFLOW_MODEL_PROVIDER';
  const choice = parseModelProvider(given);
  if (!choice)
    return {
      ok: false,
      message: `${source} must be one of ${MODEL_PROVIDER_CHOICES.join(', ')} (got "${given.slice(0, 40)}")`,
    };
  if (choice === 'openai' && !env.OPENAI_API_KEY?.trim())
    return { ok: false, message: `${source} is openai but OPENAI_API_KEY is not set` };
  if (choice === 'openai-compatible' && !env.TABFLOW_BASE_URL?.trim())
    return { ok: false, message: `${source} is openai-compatible but TABFLOW_BASE_URL is not set` };
  return { ok: true, choice };
}

export function parseModelProvider(value: string): ModelProviderChoice | undefined {
  const wanted = value.trim().toLowerCase();
  return MODEL_PROVIDER_CHOICES.find((choice) => choice === wanted);
}

/** A workflow secret `NAME` is the environment variable `TABFLOW_SECRET_NAME`, read at the moment of a request. */
export function secretVariable(name: string): string {
  return `TABFLOW_SECRET_${name}`;
}

/** Every secret value the environment holds for this process: keys and workflow secrets, to keep out of output. */
export function secretValues(env: Env): string[] {
  return Object.entries(env)
    .filter(([name]) => /(^OPENAI_API_KEY$|^TABFLOW_API_KEY$|^TABFLOW_SECRET_)/.test(name))
    .map(([, value]) => value?.trim() ?? '')
    .filter((value) => value.length >= 4);
}

function optional<T extends Record<string, string | undefined>>(fields: T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) out[name as keyof T] = value;
  return out;
}

/** A provider's request limit shared by every worker on a database: a DBOS queue's `rateLimit` and concurrency. */
export interface RequestLimit {
  rate?: { limitPerPeriod: number; periodSec: number };
  /** Requests to one provider in flight at once, across all workers. */
  concurrent?: number;
}

/**
 * The worker's limit per provider entry: `TABFLOW_REQUEST_LIMIT` as `N/Ss` (N requests per S seconds, e.g. `500/60s`)
 * or `TABFLOW_REQUESTS_PER_MINUTE` (N per 60 s), and `TABFLOW_CONCURRENT_REQUESTS`. Undefined: no limit. A value
 * that does not parse is named (never guessed at), so a worker does not start unlimited by a typo.
 */
export function requestLimitFromEnv(env: Env): { ok: true; limit?: RequestLimit } | { ok: false; message: string } {
  const spec = env.TABFLOW_REQUEST_LIMIT?.trim();
  const perMinute = wholeNumber(env, 'TABFLOW_REQUESTS_PER_MINUTE');
  const concurrent = wholeNumber(env, 'TABFLOW_CONCURRENT_REQUESTS');
  for (const parsed of [perMinute, concurrent]) if (typeof parsed === 'string') return { ok: false, message: parsed };
  if (spec && perMinute !== undefined)
    return { ok: false, message: 'set TABFLOW_REQUEST_LIMIT or TABFLOW_REQUESTS_PER_MINUTE, not both' };
  const limit: RequestLimit = {};
  if (spec) {
    const match = /^(\d+)\/(\d+(?:\.\d+)?)s$/.exec(spec);
    const [count, seconds] = [Number(match?.[1]), Number(match?.[2])];
    if (!match || count < 1 || !(seconds > 0))
      return { ok: false, message: `TABFLOW_REQUEST_LIMIT must look like 500/60s (got "${spec.slice(0, 40)}")` };
    limit.rate = { limitPerPeriod: count, periodSec: seconds };
  } else if (typeof perMinute === 'number') limit.rate = { limitPerPeriod: perMinute, periodSec: 60 };
  if (typeof concurrent === 'number') limit.concurrent = concurrent;
  return limit.rate || limit.concurrent ? { ok: true, limit } : { ok: true };
}

/** A variable holding a whole number of at least 1: the number, undefined when unset, else what is wrong. */
function wholeNumber(env: Env, name: string): number | string | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1
    ? value
    : `${name} must be a whole number of at least 1 (got "${text.slice(0, 40)}")`;
}

/** A positive finite number from a variable, else undefined (unset or not a number). */
export function positiveNumber(value: string | undefined): number | undefined {
  const number = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(number) && number > 0 ? number : undefined;
}
