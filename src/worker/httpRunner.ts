import { failure } from '../engine/retry';
import type { EffectCall, HttpRequest, HttpResponse } from '../engine/runtime';

export const REDIRECT_REFUSED =
  'the server answered with a redirect, which is not followed: ' +
  'it could carry the request and its secrets to a host you did not allow; use the final URL';

/**
 * HTTP for `http` steps and the `http_request` tool, with fetch. Redirects are never followed (the
 * host was checked and confirmed, the next one was not). Errors never include headers (they may
 * hold secrets). The caller's signal bounds the whole request, body included.
 */
export async function fetchHttp(request: HttpRequest, call: EffectCall): Promise<HttpResponse> {
  const host = new URL(request.url).host;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: call.signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason ?? error;
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    throw failure(
      'network',
      online
        ? `could not reach ${host}: the network failed or the server does not allow requests from a browser (CORS)`
        : 'the browser is offline',
      true,
    );
  }
  // A browser hides a manual redirect behind an opaque response; Node shows the 3xx and its Location.
  if (
    response.type === 'opaqueredirect' ||
    (response.status >= 300 && response.status < 400 && response.headers.has('location'))
  ) {
    void response.body?.cancel().catch(() => undefined);
    throw failure('client', `${host}: ${REDIRECT_REFUSED}`, false);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  const text = await readBody(response, host, call.signal);
  let body: unknown = text;
  if ((headers['content-type'] ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, statusText: response.statusText, headers, body };
}

/** A connection that breaks while the answer is read is a network failure, and retryable. */
async function readBody(response: Response, host: string, signal: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw failure('network', `the connection to ${host} broke while its answer was being read`, true);
  }
}
