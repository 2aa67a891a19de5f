import { failure } from '../engine/retry';
import type { EffectCall, HttpRequest, HttpResponse, Runners } from '../engine/runtime';
import { createDemoModel, isDemoModelId } from '../llm/demo';
import { createModelRunner } from '../llm/modelRunner';
import type { ProviderSettings } from '../llm/providers';

/**
 * The side effects of a headless run, configured by the server's environment by name only: `OPENAI_API_KEY`
 * (api.openai.com) or `TABFLOW_BASE_URL` (+ `TABFLOW_API_KEY`, any OpenAI-compatible server); the offline demo
 * model otherwise. `TABFLOW_DEMO_TOKENS_PER_SECOND` paces the demo model; `TABFLOW_REQUESTS_PER_MINUTE` caps the
 * provider. Secret values are read at the moment of each request and never logged.
 */
export function serverRunners(env: NodeJS.ProcessEnv): Runners {
  return { http: nodeHttp, model: createModelRunner(modelDeps(env)) };
}

export const PROVIDER_ID = 'server';

/** The provider the environment names, if any (`providers.ts` settings with one entry). */
export function providerSettings(env: NodeJS.ProcessEnv): ProviderSettings {
  const perMinute = Number(env.TABFLOW_REQUESTS_PER_MINUTE);
  const limit = Number.isFinite(perMinute) && perMinute > 0 ? { requestsPerMinute: perMinute } : {};
  if (env.TABFLOW_BASE_URL) {
    const entry = {
      id: PROVIDER_ID,
      name: 'server',
      kind: 'openai-compatible' as const,
      baseUrl: env.TABFLOW_BASE_URL,
    };
    return { providers: [{ ...entry, ...limit }], defaultProviderId: PROVIDER_ID };
  }
  if (env.OPENAI_API_KEY) {
    return {
      providers: [{ id: PROVIDER_ID, name: 'openai', kind: 'openai', ...limit }],
      defaultProviderId: PROVIDER_ID,
    };
  }
  return { providers: [] };
}

function modelDeps(env: NodeJS.ProcessEnv) {
  const pace = Number(env.TABFLOW_DEMO_TOKENS_PER_SECOND);
  return {
    settings: async () => providerSettings(env),
    key: async () => (env.TABFLOW_BASE_URL ? env.TABFLOW_API_KEY : env.OPENAI_API_KEY),
    demoModel: (id: string) =>
      createDemoModel({
        modelId: isDemoModelId(id) ? id : undefined,
        sleep,
        ...(Number.isFinite(pace) && pace > 0 ? { tokensPerSecond: pace } : {}),
      }),
    now: () => Date.now(),
    sleep,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

/** HTTP with Node's fetch; redirects are not followed (the next host was never allowed); errors name no header. */
export async function nodeHttp(request: HttpRequest, call: EffectCall): Promise<HttpResponse> {
  const host = new URL(request.url).host;
  let response: Response;
  try {
    response = await fetch(request.url, { ...request, signal: call.signal, redirect: 'manual' });
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason ?? error;
    throw failure('network', `could not reach ${host}`, true);
  }
  if (response.status >= 300 && response.status < 400) {
    void response.body?.cancel().catch(() => undefined);
    throw failure('client', `${host} answered with a redirect (${response.status}), which is not followed`, false);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason ?? error;
    throw failure('network', `the connection to ${host} broke while its answer was being read`, true);
  }
  return { status: response.status, statusText: response.statusText, headers, body: parseBody(text, headers) };
}

function parseBody(text: string, headers: Record<string, string>): unknown {
  if (!(headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
