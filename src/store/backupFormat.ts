import { z } from 'zod';
import { eventRecordSchema, runRecordSchema, stepRecordSchema, threadMessageSchema } from '../engine/records';
import { checkJsonShape } from '../schema/jsonText';
import { describeProblem, formatJsonPath, type PathSegment } from '../schema/problems';
import { formatBytes } from '../schema/share';
import { validateWorkflowFile } from '../schema/validate';
import { yieldToEventLoop } from './tableChunks';

/** The backup file: what it is, what it never holds, and every table's records (pure: no Dexie here). */

export const BACKUP_FORMAT = 'tabflow-backup';
export const BACKUP_VERSION = 1;
/** The first field of every backup file, so anyone opening it reads this before any data. */
export const BACKUP_NOTICE =
  'Tabflow backup: workflows (with their versions), runs with their journals and thread messages, local tables ' +
  'and settings. It holds no API keys or secret values: keys stay in the browser that saved them.';
/** A larger file is refused before it is read. */
export const BACKUP_MAX_BYTES = 200 * 1024 * 1024;

/** Tables never written to a backup nor read from one: sealed secrets and the key that seals them. */
export const SECRET_TABLES: ReadonlySet<string> = new Set(['secrets', 'deviceKeys']);
/** Settings that belong to this browser's keys (the passphrase vault): neither exported nor restored. */
export const KEY_SETTINGS: ReadonlySet<string> = new Set(['keyVault']);

/** A table of the database, as a backup sees it: its name and its primary key. */
export interface BackupTableInfo {
  name: string;
  keyPath: string | string[];
}

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The database version that wrote it (`TabflowDb.verno`). */
  databaseVersion: number;
  exportedAt: string;
  /** Every exported table by name; a table missing from an older backup holds nothing. */
  tables: Record<string, Record<string, unknown>[]>;
}

export type BackupCheck = { ok: true; backup: Backup } | { ok: false; message: string };

/** Whether a setting record may travel in a backup. */
export function isPortableSetting(record: unknown): boolean {
  const key = (record as { key?: unknown } | null)?.key;
  return typeof key === 'string' && !KEY_SETTINGS.has(key);
}

/** The file's opening, up to where the records of `tables` begin (the writer appends the tables). */
export function backupHeader(databaseVersion: number, exportedAt: Date): string {
  const head = {
    about: BACKUP_NOTICE,
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    databaseVersion,
    exportedAt: exportedAt.toISOString(),
  };
  return `${JSON.stringify(head, null, 1).slice(0, -2)},\n"tables": {`;
}

const workflowDoc = z.looseObject({
  workflowConfig: z.looseObject({ name: z.string() }),
  stepsConfig: z.array(z.unknown()),
});

/** Known tables' record shapes; any other table (one a newer helper added) is checked for its key only. */
const RECORD_SCHEMAS: Record<string, z.ZodType> = {
  workflows: z.looseObject({
    id: z.string().min(1),
    name: z.string(),
    doc: workflowDoc,
    draftText: z.string().optional(),
    templateId: z.string().optional(),
    createdAt: z.number(),
    updatedAt: z.number(),
    deletedAt: z.number().optional(),
  }),
  settings: z.looseObject({ key: z.string().min(1), value: z.unknown() }),
  runs: runRecordSchema,
  steps: stepRecordSchema,
  events: eventRecordSchema,
  messages: threadMessageSchema,
  definitions: z.looseObject({
    hash: z.string().min(1),
    definition: workflowDoc,
    parsed: z.boolean().optional(),
    savedAt: z.number(),
  }),
  tableRows: z.looseObject({ table: z.string(), id: z.string(), row: z.looseObject({ id: z.string() }) }),
  threads: z.looseObject({ id: z.string().min(1) }),
};

/** Fields holding a workflow document, checked as the importer checks a file (the engine trusts definitions). */
const WORKFLOW_FIELDS: Record<string, string> = { workflows: 'doc', definitions: 'definition', versions: 'doc' };

/** Records checked between two turns of the event loop. */
const CHECK_CHUNK = 200;

class BackupProblem extends Error {}

function where(table: string, index: number, segments: readonly PathSegment[]): string {
  const field = segments.length === 0 ? '' : `, field ${formatJsonPath(segments).replace(/^\$\.?/, '')}`;
  return `table "${table}", record ${index}${field}`;
}

function checkRecord(info: BackupTableInfo, record: unknown, index: number): void {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    throw new BackupProblem(`${where(info.name, index, [])}: a record is a JSON object`);
  const fields = record as Record<string, unknown>;
  for (const path of Array.isArray(info.keyPath) ? info.keyPath : [info.keyPath]) {
    const key = fields[path];
    if (typeof key !== 'string' && !(typeof key === 'number' && Number.isFinite(key)))
      throw new BackupProblem(`${where(info.name, index, [path])}: the record's key is missing or not a string`);
  }
  const schema = RECORD_SCHEMAS[info.name];
  const parsed = schema?.safeParse(record);
  if (parsed && !parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    throw new BackupProblem(`${where(info.name, index, path)}: ${issue.message}`);
  }
  const docField = WORKFLOW_FIELDS[info.name];
  if (docField) {
    const first = validateWorkflowFile(fields[docField]).problems.find((p) => p.severity === 'error');
    if (first) throw new BackupProblem(`${where(info.name, index, [docField])}: ${describeProblem(first)}`);
  }
  for (const [name, value] of Object.entries(fields)) {
    // Each field is checked on its own: a workflow may nest as deep as the importer allows, inside a record.
    const shape = checkJsonShape(value);
    if (shape) throw new BackupProblem(`${where(info.name, index, [name, ...shape.segments])}: ${shape.message}`);
  }
}

function checkHead(value: unknown, databaseVersion: number): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new BackupProblem('this is not a Tabflow backup: the file is not a JSON object');
  const head = value as Record<string, unknown>;
  if (head.format !== BACKUP_FORMAT)
    throw new BackupProblem(`this is not a Tabflow backup: "format" is not "${BACKUP_FORMAT}"`);
  if (head.version !== BACKUP_VERSION)
    throw new BackupProblem(
      `this backup has format version ${JSON.stringify(head.version)}; this Tabflow reads version ${BACKUP_VERSION}`,
    );
  if (typeof head.databaseVersion !== 'number' || !Number.isInteger(head.databaseVersion))
    throw new BackupProblem('the backup does not say which database version wrote it ("databaseVersion")');
  if (head.databaseVersion > databaseVersion)
    throw new BackupProblem(
      `this backup was made by a newer Tabflow (database version ${head.databaseVersion}; ` +
        `this one has ${databaseVersion}): open it there, or update this one`,
    );
  if (head.tables === null || typeof head.tables !== 'object' || Array.isArray(head.tables))
    throw new BackupProblem('the backup has no "tables" object');
  return head.tables as Record<string, unknown>;
}

/**
 * Checks an untrusted backup file: size, JSON, format marker and version, then every record of every table
 * against its table's shape. The first problem comes back naming the table, the record's index and the field.
 * Yields to the event loop between chunks of records, so a large file never freezes the page.
 */
export async function checkBackupText(
  text: string,
  tables: readonly BackupTableInfo[],
  databaseVersion: number,
): Promise<BackupCheck> {
  if (text.length > BACKUP_MAX_BYTES) return tooLarge(text.length);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `this is not valid JSON: ${error instanceof Error ? error.message : 'unreadable'}` };
  }
  try {
    const stored = checkHead(value, databaseVersion);
    const known = new Map(tables.map((t) => [t.name, t]));
    const out: Backup['tables'] = {};
    for (const [name, records] of Object.entries(stored)) {
      if (SECRET_TABLES.has(name))
        throw new BackupProblem(`the backup holds a "${name}" table: a Tabflow backup never holds secrets`);
      const info = known.get(name);
      if (!info) throw new BackupProblem(`the backup holds a table "${name}" that this Tabflow does not have`);
      if (!Array.isArray(records)) throw new BackupProblem(`table "${name}" is not a list of records`);
      for (let i = 0; i < records.length; i++) {
        checkRecord(info, records[i], i);
        if (i % CHECK_CHUNK === CHECK_CHUNK - 1) await yieldToEventLoop();
      }
      if (name === 'settings') {
        const keyed = records.find((r) => !isPortableSetting(r));
        if (keyed)
          throw new BackupProblem(`the backup holds the setting "${String(keyed.key)}", which stays in its browser`);
      }
      out[name] = records as Record<string, unknown>[];
    }
    const head = value as Backup;
    return {
      ok: true,
      backup: {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        databaseVersion: head.databaseVersion,
        exportedAt: String(head.exportedAt),
        tables: out,
      },
    };
  } catch (error) {
    if (error instanceof BackupProblem) return { ok: false, message: error.message };
    throw error;
  }
}

function tooLarge(bytes: number): BackupCheck {
  return {
    ok: false,
    message: `the file is ${formatBytes(bytes)}; a backup may be at most ${formatBytes(BACKUP_MAX_BYTES)}`,
  };
}

/** Checks a file's size before reading it, then its text. */
export async function checkBackupFile(
  file: Blob,
  tables: readonly BackupTableInfo[],
  databaseVersion: number,
): Promise<BackupCheck> {
  if (file.size > BACKUP_MAX_BYTES) return tooLarge(file.size);
  return checkBackupText(await file.text(), tables, databaseVersion);
}
