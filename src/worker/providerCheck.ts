import { findProvider, providerBaseUrl, type ProviderSettings } from '../llm/providers';

/**
 * "Test connection": list the entry's models with its key. The answer names the exact problem and
 * never contains the key.
 */
export async function checkProvider(
  settings: ProviderSettings,
  providerId: string,
  key: string | undefined,
  doFetch: typeof fetch = fetch,
): Promise<{ ok: boolean; message: string }> {
  const provider = findProvider(settings, providerId);
  if (!provider) return { ok: false, message: 'this provider is not saved yet' };
  const base = providerBaseUrl(provider);
  if (!base) return { ok: false, message: `"${provider.name}" needs a base URL, e.g. http://localhost:11434/v1` };
  if (provider.kind === 'openai' && !key) return { ok: false, message: `"${provider.name}" needs an API key` };
  let response: Response;
  try {
    response = await doFetch(`${base}/models`, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  } catch {
    return { ok: false, message: await unreachable(base, doFetch) };
  }
  if (response.status === 401 || response.status === 403)
    return { ok: false, message: `key rejected by ${provider.name} (${response.status})` };
  if (response.status === 404)
    return { ok: false, message: `${base} answers, but has no /models: check the base URL (it usually ends in /v1)` };
  if (!response.ok)
    return { ok: false, message: `${provider.name} answered ${response.status} ${response.statusText}` };
  const body = (await response.json().catch(() => ({}))) as { data?: Array<{ id?: string }> };
  const models = (body.data ?? []).map((m) => m.id).filter(Boolean);
  const shown = models.length > 5 ? `${models.slice(0, 5).join(', ')}, …` : models.join(', ');
  return {
    ok: true,
    message: `connected to ${provider.name}: ${models.length} models${models.length ? ` (${shown})` : ''}`,
  };
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
