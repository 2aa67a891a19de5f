import type { Table } from 'dexie';
import { FINISHED_RUN_STATUSES, RUN_STATUSES } from '../engine/records';
import type { TabflowDb } from './db';
import {
  backupHeader,
  isPortableSetting,
  KEY_SETTINGS,
  SECRET_TABLES,
  type Backup,
  type BackupTableInfo,
} from './backupFormat';
import { deleteJournal } from './runs';
import { forEachChunk, primaryKeyOf, yieldToEventLoop } from './tableChunks';

/** Export, restore preview, restore (merge or replace) and clearing, over every table the database has. */

type AnyRecord = Record<string, unknown>;
type AnyTable = Table<AnyRecord, unknown>;

/** Every table a backup carries: all of the database's tables, enumerated, but the secret ones and the leases. */
export function backupTables(db: TabflowDb): BackupTableInfo[] {
  // Writer leases belong to this browser's writers, like its runs' generations in flight (`leases.ts`).
  return db.tables
    .filter((table) => !SECRET_TABLES.has(table.name) && table.name !== 'leases')
    .map((table) => ({ name: table.name, keyPath: table.schema.primKey.keyPath ?? [] }));
}

/**
 * The backup file: a header saying it holds no keys, then every record of every table but the secret
 * ones (and the key vault's setting). Read a chunk at a time, so the page stays responsive; each record
 * is whole, but a run writing meanwhile may be caught between two of its steps.
 */
export async function exportBackup(db: TabflowDb, now: Date = new Date()): Promise<Blob> {
  const parts: string[] = [backupHeader(db.verno, now)];
  const tables = backupTables(db);
  for (const [index, info] of tables.entries()) {
    parts.push(`${index === 0 ? '' : ','}\n${JSON.stringify(info.name)}: [`);
    let first = true;
    await forEachChunk(db.table(info.name), (records) => {
      let chunk = '';
      for (const record of records) {
        if (info.name === 'settings' && !isPortableSetting(record)) continue;
        chunk += `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
        first = false;
      }
      parts.push(chunk);
    });
    parts.push('\n]');
  }
  parts.push('\n}\n}\n');
  return new Blob(parts, { type: 'application/json' });
}

/** How a record of the backup compares with this browser's record of the same key. */
export type RecordVerdict = 'new' | 'newer' | 'older' | 'identical' | 'differs';
export const RECORD_VERDICTS: readonly RecordVerdict[] = ['new', 'newer', 'older', 'identical', 'differs'];

export type RestoreMode = 'merge' | 'replace';

export interface TablePreview {
  table: string;
  inBackup: number;
  /** Records this browser holds now. */
  local: number;
  verdicts: Record<RecordVerdict, number>;
  /** Records the restore writes (a replace writes every one, after removing every local record). */
  written: number;
  /** Records left alone because their run is still going here. */
  keptLive: number;
}

export interface RestorePreview {
  mode: RestoreMode;
  exportedAt: string;
  tables: TablePreview[];
  /** Runs of the backup that had not finished and will be resumed once written. */
  unfinishedRuns: string[];
}

interface TablePlan extends TablePreview {
  put: AnyRecord[];
}

interface RestorePlan extends RestorePreview {
  tables: TablePlan[];
  /** Runs the backup's copy replaces: their local journal records go first. */
  replacedRuns: string[];
}

/** Journal tables: each record belongs to a run (`runId`) and follows its run's verdict. */
const RUN_OWNED: ReadonlySet<string> = new Set(['steps', 'events', 'messages']);
const UNFINISHED = RUN_STATUSES.filter((status) => !FINISHED_RUN_STATUSES.has(status));

/** Equal as JSON values (key order aside; an absent field equals an undefined one). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameValue(item, other[i]));
  }
  const left = a as AnyRecord;
  const right = b as AnyRecord;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  const otherKeys = Object.keys(right).filter((k) => right[k] !== undefined);
  return keys.length === otherKeys.length && keys.every((k) => Object.hasOwn(right, k) && sameValue(left[k], right[k]));
}

function verdictOf(incoming: AnyRecord, local: AnyRecord | undefined): RecordVerdict {
  if (local === undefined) return 'new';
  if (sameValue(incoming, local)) return 'identical';
  const [theirs, ours] = [incoming.updatedAt, local.updatedAt];
  if (typeof theirs === 'number' && typeof ours === 'number' && theirs !== ours)
    return theirs > ours ? 'newer' : 'older';
  return 'differs';
}

const LOOKUP_CHUNK = 500;

/** The local record under each incoming record's key, read in chunks. */
async function localTwins(table: AnyTable, records: AnyRecord[], pause: () => Promise<void>) {
  const twins: Array<AnyRecord | undefined> = [];
  for (let i = 0; i < records.length; i += LOOKUP_CHUNK) {
    const keys = records.slice(i, i + LOOKUP_CHUNK).map((r) => primaryKeyOf(table, r));
    twins.push(...(await table.bulkGet(keys as never[])));
    await pause();
  }
  return twins;
}

function emptyVerdicts(): Record<RecordVerdict, number> {
  return { new: 0, newer: 0, older: 0, identical: 0, differs: 0 };
}

/**
 * What a restore would do, table by table. Merge: a record new here is added; one with a newer `updatedAt`
 * wins; anything else keeps the local copy. A run's journal follows its run, and a run still going here is
 * never touched. Replace: every local record goes (secrets stay), and every record of the backup is written.
 */
async function planRestore(
  db: TabflowDb,
  backup: Backup,
  mode: RestoreMode,
  pause: () => Promise<void>,
): Promise<RestorePlan> {
  const live = new Set(mode === 'merge' ? await db.runs.where('status').anyOf(UNFINISHED).primaryKeys() : []);
  const takenRuns = new Set<string>();
  const replacedRuns: string[] = [];
  const tables: TablePlan[] = [];
  // Runs first: the journal tables follow the runs' verdicts.
  const names = backupTables(db)
    .map((t) => t.name)
    .sort((a, b) => Number(b === 'runs') - Number(a === 'runs'));
  for (const name of names) {
    const table = db.table(name) as AnyTable;
    const records = backup.tables[name] ?? [];
    const twins = await localTwins(table, records, pause);
    const plan: TablePlan = {
      table: name,
      inBackup: records.length,
      local: await table.count(),
      verdicts: emptyVerdicts(),
      written: 0,
      keptLive: 0,
      put: [],
    };
    records.forEach((record, i) => {
      const verdict = verdictOf(record, twins[i]);
      plan.verdicts[verdict]++;
      const runId = String(name === 'runs' ? record.id : record.runId);
      if (mode === 'merge' && (name === 'runs' || RUN_OWNED.has(name)) && live.has(runId)) {
        plan.keptLive++;
        return;
      }
      const take =
        mode === 'replace' || (RUN_OWNED.has(name) ? takenRuns.has(runId) : verdict === 'new' || verdict === 'newer');
      if (!take) return;
      if (name === 'runs') {
        takenRuns.add(runId);
        if (twins[i] !== undefined) replacedRuns.push(runId);
      }
      plan.put.push(record);
    });
    plan.written = plan.put.length;
    tables.push(plan);
  }
  const unfinishedRuns = (backup.tables.runs ?? [])
    .filter((run) => takenRuns.has(String(run.id)) && !FINISHED_RUN_STATUSES.has(run.status as never))
    .map((run) => String(run.id));
  return { mode, exportedAt: backup.exportedAt, tables, unfinishedRuns, replacedRuns };
}

/** What restoring `backup` would change here, without changing anything. */
export async function previewRestore(db: TabflowDb, backup: Backup, mode: RestoreMode): Promise<RestorePreview> {
  const plan = await planRestore(db, backup, mode, yieldToEventLoop);
  return { ...plan, tables: plan.tables.map(({ put: _put, ...preview }) => preview) };
}

/**
 * Restores a checked backup in one transaction: all of it is written, or nothing is. Secrets are never
 * touched, nor the key vault's setting. Returns what was done, with the runs that should now resume.
 */
export async function restoreBackup(db: TabflowDb, backup: Backup, mode: RestoreMode): Promise<RestorePreview> {
  const tables = backupTables(db).map((t) => db.table(t.name));
  return db.transaction('rw', tables, async () => {
    const plan = await planRestore(db, backup, mode, async () => undefined);
    if (mode === 'replace') {
      // Every record goes but the key vault's setting: it belongs to the keys, which stay.
      for (const table of tables)
        await (table.name === 'settings'
          ? table
              .where(':id')
              .noneOf([...KEY_SETTINGS])
              .delete()
          : table.clear());
    } else {
      for (const runId of plan.replacedRuns) await deleteJournal(db, runId);
    }
    for (const table of plan.tables) if (table.put.length > 0) await db.table(table.table).bulkPut(table.put);
    return { ...plan, tables: plan.tables.map(({ put: _put, ...preview }) => preview) };
  });
}

/** Every table emptied in one transaction, secrets and the device key included: as on a first visit. */
export async function clearAllData(db: TabflowDb): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    for (const table of db.tables) await table.clear();
  });
}
