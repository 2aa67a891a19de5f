/**
 * Watches what reaches IndexedDB itself (fake-indexeddb's classes), below Dexie: both the Dexie path
 * and the native commit path show up here. Call `restore()` when done.
 */

export interface IdbCall {
  table: string;
  op: string;
  index?: string;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

const STORE_OPS = [
  'get',
  'getAll',
  'getAllKeys',
  'openCursor',
  'openKeyCursor',
  'count',
  'put',
  'add',
  'delete',
] as const;
const INDEX_OPS = ['get', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count'] as const;

export function spyOnIndexedDb(dbName: string) {
  const transactions: Array<{ stores: string[]; mode: string }> = [];
  const calls: IdbCall[] = [];
  const undo: Array<() => void> = [];
  const patch = (proto: object, name: string, wrap: (original: Method) => Method) => {
    const original = (proto as Record<string, Method>)[name]!;
    (proto as Record<string, Method>)[name] = wrap(original);
    undo.push(() => ((proto as Record<string, Method>)[name] = original));
  };

  patch(
    IDBDatabase.prototype,
    'transaction',
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const db = this as IDBDatabase;
        if (db.name === dbName) {
          const stores = typeof args[0] === 'string' ? [args[0]] : [...(args[0] as string[])];
          transactions.push({ stores: stores.sort(), mode: (args[1] as string | undefined) ?? 'readonly' });
        }
        return original.apply(this, args);
      },
  );
  for (const op of STORE_OPS) {
    patch(
      IDBObjectStore.prototype,
      op,
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const store = this as IDBObjectStore;
          if (store.transaction.db.name === dbName) calls.push({ table: store.name, op });
          return original.apply(this, args);
        },
    );
  }
  for (const op of INDEX_OPS) {
    patch(
      IDBIndex.prototype,
      op,
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const index = this as IDBIndex;
          if (index.objectStore.transaction.db.name === dbName)
            calls.push({ table: index.objectStore.name, op, index: index.name });
          return original.apply(this, args);
        },
    );
  }
  return {
    transactions,
    calls,
    reads: () => calls.filter((call) => !['put', 'add', 'delete'].includes(call.op)),
    reset: () => ((transactions.length = 0), (calls.length = 0)),
    restore: () =>
      undo
        .splice(0)
        .reverse()
        .forEach((f) => f()),
  };
}

/**
 * A disk that fills up on demand, below Dexie: while `full`, a put into `tableName` fails the way
 * `mode` says — refused by the request itself, or the whole transaction aborting with
 * QuotaExceededError as Chromium does when it cannot commit.
 */
export function fillableIndexedDb(dbName: string, tableName: string, mode: 'request' | 'transaction') {
  const disk = { full: false, restore: () => {} };
  const proto = IDBObjectStore.prototype as unknown as Record<string, Method>;
  const original = proto.put!;
  proto.put = function (this: unknown, ...args: unknown[]) {
    const store = this as IDBObjectStore;
    if (!disk.full || store.name !== tableName || store.transaction.db.name !== dbName)
      return original.apply(this, args);
    if (mode === 'request') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const request = original.apply(this, args);
    // fake-indexeddb's own abort path, the one a failed request takes: it sets `transaction.error`.
    const tx = store.transaction as unknown as { _abort(name: string): void };
    queueMicrotask(() => tx._abort('QuotaExceededError'));
    return request;
  };
  disk.restore = () => (proto.put = original);
  return disk;
}
