import { failure } from '../engine/retry';
import type { EffectCall, HttpRequest, HttpResponse } from '../engine/runtime';

/**
 * HTTP for `http` steps and the `http_request` tool in Node. The engine has already checked the host against the
 * workflow's allowedHosts and the run's `--allow-host` answers (src/engine/handlers/http.ts); this sends the
 * request as the tab's runner does: a redirect is refused (the next host was never allowed), a dropped connection
 * or an unreachable host is a retryable network failure, and no error names a header (they may carry secrets).
 */
export async function nodeHttp(request: HttpRequest, call: EffectCall): Promise<HttpResponse> {
  const host = new URL(request.url).host;
  const response = await send(request, call.signal, host);
  if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
    await response.body?.cancel().catch(() => undefined);
    throw failure(
      'client',
      `${host} answered with a redirect (${response.status}), which is not followed: it could carry the request ` +
        'and its secrets to a host you did not allow; use the final URL',
      false,
    );
  }
  const headers = Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value]));
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (call.signal.aborted) throw call.signal.reason ?? error;
    throw failure('network', `the connection to ${host} broke while its answer was being read`, true);
  }
  return { status: response.status, statusText: response.statusText, headers, body: parsedBody(headers, text) };
}

async function send(request: HttpRequest, signal: AbortSignal, host: string): Promise<Response> {
  try {
    return await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw failure('network', `could not reach ${host}${networkCode(error)}`, true);
  }
}

/** Node's reason for a failed connection (`ECONNREFUSED`, `ENOTFOUND`…): a code, never a header or a body. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? ` (${cause.code})` : '';
}

function parsedBody(headers: Record<string, string>, text: string): unknown {
  if (!(headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
