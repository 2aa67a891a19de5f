import Dexie, { type Table } from 'dexie';

/** Records read per chunk: small enough that serializing one chunk never holds the page noticeably. */
export const CHUNK_RECORDS = 250;

/** Gives the event loop a turn between chunks (input, painting, other tasks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The primary key of `record` in `table` (a compound key is an array of its parts). */
export function primaryKeyOf(table: Table, record: unknown): unknown {
  const keyPath = table.schema.primKey.keyPath;
  if (keyPath === undefined || keyPath === null) return undefined;
  const fields = record as object;
  if (Array.isArray(keyPath)) return keyPath.map((path) => Dexie.getByKeyPath(fields, path));
  return Dexie.getByKeyPath(fields, keyPath);
}

/**
 * Calls `each` with every record of `table`, in primary-key order, a chunk at a time with a turn of the
 * event loop between chunks: a huge table never holds the page. Each chunk is its own short read
 * (keyed from the last key seen), so a long walk never keeps a transaction open.
 */
export async function forEachChunk<T>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any key and insert type: only reads happen here
  table: Table<T, any, any>,
  each: (records: T[]) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let last: unknown;
  for (;;) {
    signal?.throwIfAborted();
    const chunk =
      last === undefined
        ? await table.toCollection().limit(CHUNK_RECORDS).toArray()
        : await table
            .where(':id')
            .above(last as never)
            .limit(CHUNK_RECORDS)
            .toArray();
    if (chunk.length === 0) return;
    await each(chunk);
    if (chunk.length < CHUNK_RECORDS) return;
    last = primaryKeyOf(table, chunk[chunk.length - 1]);
    await yieldToEventLoop();
  }
}
