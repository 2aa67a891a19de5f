import type { TabflowDb } from '../../store/db';

/**
 * Primary keys of one index range, in index order, read on the native connection. Inside a liveQuery Dexie
 * notes every key a query returns (to tell which writes concern it): for 10,000 keys that costs far more
 * than the read. Callers subscribe with a cheap Dexie query over the same range (a count) instead.
 */
export function indexPrimaryKeys(db: TabflowDb, table: string, index: string, range: IDBKeyRange): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const request = db.backendDB().transaction(table, 'readonly').objectStore(table).index(index).getAllKeys(range);
    request.onsuccess = () => resolve(request.result as string[]);
    request.onerror = () => reject(request.error);
  });
}
