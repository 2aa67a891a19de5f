import Dexie from 'dexie';

/** Each schema version's stores exactly as it shipped (Dexie diffs each against the one before). */
const SHIPPED_STORES: Record<string, string>[] = [
  { workflows: 'id, name, updatedAt, deletedAt', settings: 'key' },
  {
    runs: 'id, status, workflowId, updatedAt, parentRunId',
    steps: 'key, [runId+seq], runId',
    events: 'id, runId',
    definitions: 'hash',
    tableRows: '[table+id], table',
    threads: 'id',
    messages: 'id, [threadId+seq]',
    secrets: 'name',
  },
  { messages: 'id, [threadId+seq], runId' },
  { steps: 'key, [runId+seq]' },
  { deviceKeys: 'id' },
  {},
];

/** The database as version `upTo` shipped it, without its upgrades: what an older build left behind. */
export function shippedDb(name: string, upTo: number): Dexie {
  const db = new Dexie(name);
  SHIPPED_STORES.slice(0, upTo).forEach((stores, i) => db.version(i + 1).stores(stores));
  return db;
}
