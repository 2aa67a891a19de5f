import { LIMITS } from './limits';

/**
 * Share links carry the workflow JSON in the URL fragment: deflate-raw compressed, base64url encoded,
 * `<app-url>#workflow=<data>`. A fragment never reaches any server.
 */
export const SHARE_FRAGMENT_KEY = 'workflow';

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

const DAMAGED = 'This share link is damaged or incomplete (it may have been cut off when it was copied).';

export async function encodeSharePayload(text: string): Promise<string> {
  const compressed = await pipeBytes(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  return toBase64Url(compressed);
}

/** Reverses `encodeSharePayload`; refuses data that inflates past the import size limit. */
export async function decodeSharePayload(data: string): Promise<string> {
  const bytes = fromBase64Url(data.trim());
  if (!bytes || bytes.length === 0) throw new ShareLinkError(DAMAGED);
  let inflated: Uint8Array;
  try {
    inflated = await pipeBytes(bytes, new DecompressionStream('deflate-raw'), LIMITS.importBytes);
  } catch (error) {
    if (error instanceof ShareLinkError) throw error;
    throw new ShareLinkError(DAMAGED);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    throw new ShareLinkError(DAMAGED);
  }
}

export async function buildShareLink(text: string, appUrl: string): Promise<string> {
  const base = appUrl.split('#')[0];
  return `${base}#${SHARE_FRAGMENT_KEY}=${await encodeSharePayload(text)}`;
}

/** The payload of a `#workflow=…` fragment, or null when the fragment is something else. */
export function shareDataFromHash(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const prefix = `${SHARE_FRAGMENT_KEY}=`;
  return fragment.startsWith(prefix) ? fragment.slice(prefix.length) : null;
}

async function pipeBytes(input: Uint8Array, transform: GenericTransformStream, limitBytes = Infinity): Promise<Uint8Array> {
  const writer = transform.writable.getWriter();
  void writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void writer.close().catch(() => undefined);
  const reader = (transform.readable as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    // Stop inflating at the limit: a tiny link must not expand into gigabytes.
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ShareLinkError(`This share link holds more than ${formatBytes(limitBytes)} of data, the import limit.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(data: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(data)) return null;
  const padded = data.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (data.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}
