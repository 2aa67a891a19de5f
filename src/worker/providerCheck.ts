import { findProvider, providerBaseUrl, type ProviderConfig, type ProviderSettings } from '../llm/providers';

export interface ProviderCheck {
  ok: boolean;
  message: string;
}

/**
 * "Test connection": list the entry's models, then make one real one-token request with its key (many
 * servers list models without auth, so only an answer proves the key). The answer names the exact
 * problem and never contains the key.
 */
export async function checkProvider(
  settings: ProviderSettings,
  providerId: string,
  key: string | undefined,
  doFetch: typeof fetch = fetch,
): Promise<ProviderCheck> {
  const provider = findProvider(settings, providerId);
  if (!provider) return { ok: false, message: 'this provider is not saved yet' };
  const base = providerBaseUrl(provider);
  if (!base) return { ok: false, message: `"${provider.name}" needs a base URL, e.g. http://localhost:11434/v1` };
  if (provider.kind === 'openai' && !key) return { ok: false, message: `"${provider.name}" needs an API key` };
  const auth: Record<string, string> = key ? { Authorization: `Bearer ${key}` } : {};
  let response: Response;
  try {
    response = await doFetch(`${base}/models`, { headers: auth });
  } catch {
    return { ok: false, message: await unreachable(base, doFetch) };
  }
  const refused = authProblem(provider, response.status, key);
  if (refused) return refused;
  if (response.status === 404)
    return { ok: false, message: `${base} answers, but has no /models: check the base URL (it usually ends in /v1)` };
  if (!response.ok)
    return { ok: false, message: `${provider.name} answered ${response.status} ${response.statusText}` };
  const body = (await response.json().catch(() => ({}))) as { data?: Array<{ id?: unknown }> };
  const listed = (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string' && id !== '');
  const model = provider.defaultModel?.trim() || listed[0];
  if (!model) {
    return {
      ok: false,
      message: `${provider.name} answers but lists no model: set a default model so the key can be tested`,
    };
  }
  return tryOneToken(provider, base, model, auth, key, doFetch);
}

/** 401/403 in words: a sent key was rejected, or the server wants one and none is saved. */
function authProblem(provider: ProviderConfig, status: number, key: string | undefined): ProviderCheck | undefined {
  if (status !== 401 && status !== 403) return undefined;
  if (!key) return { ok: false, message: `${provider.name} asks for an API key (${status}) and none is saved for it` };
  return { ok: false, message: `key rejected by ${provider.name} (${status})` };
}

/** The smallest request that needs the key: one output token of Chat Completions, which every entry speaks. */
async function tryOneToken(
  provider: ProviderConfig,
  base: string,
  model: string,
  auth: Record<string, string>,
  key: string | undefined,
  doFetch: typeof fetch,
): Promise<ProviderCheck> {
  let response: Response;
  try {
    response = await doFetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 1, stream: false }),
    });
  } catch {
    return { ok: false, message: await unreachable(base, doFetch) };
  }
  await response.body?.cancel().catch(() => undefined);
  const refused = authProblem(provider, response.status, key);
  if (refused) return refused;
  if (response.status === 429)
    return { ok: false, message: `the key was accepted, but ${provider.name} is rate limiting it (429): try later` };
  if (!response.ok) {
    return {
      ok: false,
      message:
        `the key was accepted, but ${provider.name} refused a one-token request to ${model} ` +
        `(${response.status}): check the default model`,
    };
  }
  const works = key ? 'the key works' : 'no key needed';
  return { ok: true, message: `connected to ${provider.name}: ${works} (a one-token request to ${model} answered)` };
}

/** A failed fetch is CORS when an opaque no-cors request to the same place gets through. */
async function unreachable(base: string, doFetch: typeof fetch): Promise<string> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return 'the browser is offline';
  try {
    await doFetch(`${base}/models`, { mode: 'no-cors' });
    return (
      `${new URL(base).host} is reachable but does not allow requests from a browser page (CORS): ` +
      'allow this origin on the server (for Ollama: OLLAMA_ORIGINS=*)'
    );
  } catch {
    return `could not reach ${new URL(base).host}: is the server running and the base URL right?`;
  }
}
