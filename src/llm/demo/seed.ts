/**
 * Deterministic choices. Every "random" pick of the demo model is a hash of the prompt's seed and
 * a label, so the same prompt always gives the same answer and no global state is touched.
 */

/** FNV-1a, 32 bit. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A stable number in [0, 1) for this seed and label. */
export function unit(seed: number, label: string): number {
  return hash32(`${seed}:${label}`) / 2 ** 32;
}

export function pick<T>(seed: number, label: string, options: readonly T[]): T {
  if (options.length === 0) throw new Error(`pick(${label}): no options`);
  return options[Math.floor(unit(seed, label) * options.length)]!;
}

/** JSON with sorted object keys, so equal values hash equally whatever their key order. */
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
