/** The peers' IndexedDB: a fresh database per run, and one readwrite transaction per commit, counted. */

export interface PeerDb {
  db: IDBDatabase;
  /** Readwrite transactions committed so far. */
  commits: number;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Deletes `name` and opens it again with `stores` (name → key path), as a user's app would create it. */
export async function freshPeerDb(name: string, stores: Record<string, string | string[]>): Promise<PeerDb> {
  await request(indexedDB.deleteDatabase(name));
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    for (const [store, keyPath] of Object.entries(stores)) open.result.createObjectStore(store, { keyPath });
  };
  return { db: await request(open), commits: 0 };
}

/** One readwrite transaction over `storeNames`; resolves once it has committed (durable at the browser's default). */
export function commit(peer: PeerDb, storeNames: string[], write: (tx: IDBTransaction) => void): Promise<void> {
  const tx = peer.db.transaction(storeNames, 'readwrite');
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => {
      peer.commits++;
      resolve();
    };
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
    write(tx);
  });
}

/** A read-only request in its own transaction. */
export function read<T>(peer: PeerDb, storeName: string, get: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return request(get(peer.db.transaction(storeName, 'readonly').objectStore(storeName)));
}

export function readAll<T>(peer: PeerDb, storeName: string, range: IDBKeyRange): Promise<T[]> {
  return read(peer, storeName, (store) => store.getAll(range) as IDBRequest<T[]>);
}
