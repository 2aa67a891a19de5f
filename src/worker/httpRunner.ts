import { failure } from '../engine/retry';
import type { HttpRequest, HttpResponse } from '../engine/runtime';
import type { EffectCall } from '../engine/runtime';

/** HTTP for `http` actions, with the browser's fetch. Errors never include headers (they may hold secrets). */
export async function fetchHttp(request: HttpRequest, call: EffectCall): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: call.signal });
  } catch (error) {
    if (call.signal.aborted) throw error;
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    throw failure('network', online
      ? `could not reach ${new URL(request.url).host}: the network failed or the server does not allow requests from a browser (CORS)`
      : 'the browser is offline', true);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  const text = await response.text();
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
