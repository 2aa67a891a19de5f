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

/**
 * The longest payload a workflow within the import limit can need: deflate's worst case (stored
 * blocks, 5 bytes per 65,535) in base64 (4 characters per 3 bytes). Anything longer is refused
 * before a byte of it is decoded.
 */
export const MAX_SHARE_PAYLOAD_CHARS =
  Math.ceil((LIMITS.importBytes + 5 * Math.ceil(LIMITS.importBytes / 65_535) + 64) / 3) * 4;

/** Compressed bytes fed to the inflater at a time: one slice of a bomb inflates to at most ~17 MB. */
const INFLATE_SLICE_BYTES = 16 * 1024;

/** Reverses `encodeSharePayload`; refuses data that inflates past the import size limit. */
export async function decodeSharePayload(data: string): Promise<string> {
  const trimmed = data.trim();
  if (trimmed.length > MAX_SHARE_PAYLOAD_CHARS) {
    throw new ShareLinkError(
      `This share link is too long: its data is ${formatBytes(trimmed.length)}, ` +
        `and a workflow within the ${formatBytes(LIMITS.importBytes)} import limit ` +
        `needs at most ${formatBytes(MAX_SHARE_PAYLOAD_CHARS)}.`,
    );
  }
  const bytes = fromBase64Url(trimmed);
  if (!bytes || bytes.length === 0) throw new ShareLinkError(DAMAGED);
  let inflated: Uint8Array;
  try {
    inflated = await inflateWithin(bytes, LIMITS.importBytes);
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

/**
 * Inflates slice by slice while counting what comes out, and cancels both sides the moment the
 * count passes `limitBytes`: a browser inflates a whole written chunk at once, so writing a 1 MB
 * bomb in one go would build gigabytes before the first read.
 */
async function inflateWithin(input: Uint8Array, limitBytes: number): Promise<Uint8Array> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const reader = (stream.readable as ReadableStream<Uint8Array>).getReader();
  let stopped = false;
  const feeding = (async () => {
    for (let at = 0; at < input.length && !stopped; at += INFLATE_SLICE_BYTES) {
      await writer.write(input.subarray(at, at + INFLATE_SLICE_BYTES) as Uint8Array<ArrayBuffer>);
    }
    if (!stopped) await writer.close();
  })();
  // A damaged stream fails the writes too; the reader below reports it once.
  feeding.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      total += next.value.length;
      if (total > limitBytes) {
        stopped = true;
        throw new ShareLinkError(
          `This share link holds more than ${formatBytes(limitBytes)} of data, the import limit.`,
        );
      }
      chunks.push(next.value);
    }
  } finally {
    if (stopped) await Promise.allSettled([reader.cancel(), writer.abort()]);
  }
  await feeding;
  return concatBytes(chunks, total);
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

async function pipeBytes(input: Uint8Array, transform: GenericTransformStream): Promise<Uint8Array> {
  const writer = transform.writable.getWriter();
  void writer.write(input as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void writer.close().catch(() => undefined);
  const reader = (transform.readable as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    total += next.value.length;
    chunks.push(next.value);
  }
  return concatBytes(chunks, total);
}

function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
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
