import { sha256Hex } from './sha256';
/**
 * The one place values are hashed: key-sorted JSON (definition hashes, the demo model's prompt
 * seeds), FNV-1a for cheap seeded numbers (retry jitter, expression randomness, demo picks) and
 * SHA-256 for content addresses. Changing any output here orphans stored runs: see the golden test.
 */

/**
 * JSON with object keys sorted and undefined members dropped, so equal values hash equally whatever their key order.
 */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Uint8Array) return JSON.stringify(Array.from(value));
  if (value instanceof URL) return JSON.stringify(value.href);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** FNV-1a, 32 bit, unsigned. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Content address of a workflow definition: SHA-256 (hex) of its stable JSON. */
export async function definitionHash(definition: unknown): Promise<string> {
  const bytes = definitionBytes(definition);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The same address computed synchronously (`sha256.ts`), for a write inside an IndexedDB transaction,
 * which awaiting WebCrypto would let commit early. Equal to `definitionHash` (tested on every template).
 */
export function definitionHashSync(definition: unknown): string {
  return sha256Hex(definitionBytes(definition));
}

function definitionBytes(definition: unknown): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(stableStringify(definition));
}
