import { parseMaybeJson } from './conversation';

/** A flat record (a customer row, a tool result): the thing an agent talks about. */
export type DataRecord = Record<string, unknown>;

const SKIPPED_FACTS = new Set(['id', 'name', 'email', 'createdAt', 'updatedAt']);

/**
 * The first record inside a value: an object with scalar fields, looked for in arrays and wrappers such as
 * `{ rows: [...] }`.
 */
export function primaryRecord(value: unknown, depth = 0): DataRecord | undefined {
  if (depth > 4 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = primaryRecord(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const entries = Object.entries(value as DataRecord);
  if (entries.filter(([, v]) => isScalar(v)).length >= 2) return value as DataRecord;
  for (const [, v] of entries) {
    const found = primaryRecord(v, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A record embedded in free text ("Customer record: {...}"), if any. */
export function embeddedRecord(text: string): DataRecord | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return end > start ? primaryRecord(parseMaybeJson(text.slice(start, end + 1))) : undefined;
}

/** "Grace Hopper (cus_002)", or whichever of the two the record has. */
export function subjectOf(record: DataRecord): string | undefined {
  const name = typeof record.name === 'string' ? record.name : undefined;
  const id = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : undefined;
  if (name && id) return `${name} (${id})`;
  return name ?? id;
}

/** Up to `limit` scalar fields as "plan team, monthly spend 249 and status at_risk". */
export function factsOf(record: DataRecord, limit = 5): string {
  const facts = Object.entries(record)
    .filter(([key, value]) => isScalar(value) && !SKIPPED_FACTS.has(key))
    .slice(0, limit)
    .map(([key, value]) => `${humaniseKey(key)} ${String(value)}`);
  return listJoin(facts);
}

export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function numberField(record: DataRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' ? value : undefined;
}

export function stringField(record: DataRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

function humaniseKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
