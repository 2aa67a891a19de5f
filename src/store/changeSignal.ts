import Dexie, { RangeSet, type IndexableType, type ObservabilitySet } from 'dexie';
import type { TouchedRecord } from './nativeCommit';

type KeyPath = string | string[];

interface TableKeys {
  primary: KeyPath;
  indexes: Array<{ name: string; keyPath: KeyPath; multi: boolean }>;
}

/** How long changes collect before one notification goes out: the UI re-queries at most this often. */
export const CHANGE_SIGNAL_DELAY_MS = 40;

/**
 * Tells Dexie `liveQuery` subscribers in other contexts (the UI thread, other tabs) about writes made
 * on the native connection, which Dexie's own middleware never sees. The parts mirror what Dexie
 * records for a put or delete whose old value it does not know; notifications are coalesced so a
 * fast run costs the UI one re-query per interval, not one per step.
 */
export class ChangeSignal {
  private readonly tableKeys = new Map<string, TableKeys>();
  /** Changes since the last notification; turned into parts only when it goes out, off the commit path. */
  private pending: Array<readonly TouchedRecord[]> | undefined;

  constructor(
    private readonly db: Dexie,
    private readonly delayMs = CHANGE_SIGNAL_DELAY_MS,
  ) {}

  record(touched: readonly TouchedRecord[]): void {
    if (touched.length === 0) return;
    if (this.pending === undefined) {
      this.pending = [];
      setTimeout(() => this.flush(), this.delayMs);
    }
    this.pending.push(touched);
  }

  /** Sends what has collected now (also called by the timer). */
  flush(): void {
    const batches = this.pending;
    this.pending = undefined;
    if (!batches) return;
    const parts: ObservabilitySet = {};
    for (const touched of batches) for (const change of touched) this.track(parts, change);
    // Dexie forwards a fired storagemutated event to every other context over its BroadcastChannel.
    Dexie.on.storagemutated.fire(parts);
  }

  private track(parts: ObservabilitySet, { table, record, deletedKey }: TouchedRecord): void {
    const keys = this.keysOf(table);
    const part = (index: string) => (parts[`idb://${this.db.name}/${table}/${index}`] ??= new RangeSet()) as RangeSet;
    const key = record === undefined ? (deletedKey as IndexableType | undefined) : valueAt(record, keys.primary);
    if (key === undefined) return;
    part('').addKey(key);
    part(':dels').addKey(key);
    if (record === undefined) return;
    for (const index of keys.indexes) {
      const value = valueAt(record, index.keyPath);
      if (value === undefined) continue;
      if (index.multi && Array.isArray(value)) part(index.name).addKeys(value as unknown as IndexableType[]);
      else part(index.name).addKey(value);
    }
  }

  private keysOf(table: string): TableKeys {
    let keys = this.tableKeys.get(table);
    if (!keys) {
      const { primKey, indexes } = this.db.table(table).schema;
      keys = {
        primary: primKey.keyPath as KeyPath,
        indexes: indexes.map((index) => ({
          name: index.name,
          keyPath: index.keyPath as KeyPath,
          multi: index.multi ?? false,
        })),
      };
      this.tableKeys.set(table, keys);
    }
    return keys;
  }
}

/** The key a key path picks out of a record; undefined when any part is missing (not indexed then). */
function valueAt(record: object, keyPath: KeyPath): IndexableType | undefined {
  if (Array.isArray(keyPath)) {
    const values = keyPath.map((path) => Dexie.getByKeyPath(record, path) as IndexableType | undefined);
    return values.some((value) => value === undefined) ? undefined : (values as IndexableType);
  }
  return Dexie.getByKeyPath(record, keyPath) as IndexableType | undefined;
}
